/**
 * createDatabase: a Prisma client over the embedded PGlite database (default, under
 * ./data/pglite) or a PostgreSQL server (DATABASE_URL), with the committed migrations
 * applied before the client is handed out.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { PGlite, type Transaction as PGliteTransaction } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "./generated/client.js";
import { DatabaseUnavailable, isUnavailableError, MigrationError } from "./errors.js";
import { pgliteAdapter } from "./pglite-adapter.js";
import { applyMigrations, DEFAULT_MIGRATIONS_DIR, type MigrationReport, type SqlSession } from "./migrate.js";

export { PrismaClient };

type AdapterFactory = NonNullable<ConstructorParameters<typeof PrismaClient>[0]>["adapter"];

export interface DatabaseOptions {
  /** PostgreSQL connection string. Default: env DATABASE_URL. Ignored when dataDir is given. */
  url?: string;
  /** PGlite data folder ("memory://" for a throwaway in-memory database). Default ./data/pglite. */
  dataDir?: string;
  /** Apply committed migrations at start (default true). */
  migrate?: boolean;
  migrationsDir?: string;
  /** Connections in the PostgreSQL pool (default 10). */
  poolSize?: number;
  /** How long to wait for a PostgreSQL connection before giving up (default 5000 ms). */
  connectTimeoutMs?: number;
  /** Where DATABASE_URL is read from (default process.env). */
  env?: Record<string, string | undefined>;
}

export interface Database {
  prisma: PrismaClient;
  kind: "pglite" | "postgres";
  /** What the start-up migration run did. */
  migrations: MigrationReport;
  /** A cheap round trip; false when the database cannot be reached. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export const DEFAULT_DATA_DIR = path.join("data", "pglite");

function pgliteSession(db: PGlite | PGliteTransaction): SqlSession {
  return {
    async exec(sql) {
      await db.exec(sql);
    },
    async query<T>(sql: string, params: unknown[] = []) {
      return (await db.query<T>(sql, params)).rows;
    },
    async transaction(fn) {
      if (!("transaction" in db)) throw new Error("nested transaction");
      await db.transaction(async (tx) => fn(pgliteSession(tx)));
    },
  };
}

/** Advisory lock key for migration runs (any constant shared by every instance). */
const MIGRATION_LOCK = 7_240_326_001;

function pgSession(client: pg.Client): SqlSession {
  const session: SqlSession = {
    async exec(sql) {
      await client.query(sql);
    },
    async query<T>(sql: string, params: unknown[] = []) {
      return (await client.query(sql, params)).rows as T[];
    },
    async transaction(fn) {
      await client.query("BEGIN");
      try {
        await fn(session);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      }
    },
    async lock() {
      await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
    },
    async unlock() {
      await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]);
    },
  };
  return session;
}

const EMPTY_REPORT: MigrationReport = { applied: [], alreadyApplied: [], modified: [] };

async function openPglite(dataDir: string, options: DatabaseOptions): Promise<Database> {
  if (!dataDir.startsWith("memory://")) mkdirSync(dataDir, { recursive: true });
  let lite: PGlite;
  try {
    lite = await PGlite.create(dataDir);
  } catch (error) {
    throw new DatabaseUnavailable(`cannot open the embedded database at ${dataDir}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  let migrations = EMPTY_REPORT;
  try {
    if (options.migrate !== false) {
      migrations = await applyMigrations(pgliteSession(lite), options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);
    }
  } catch (error) {
    await lite.close().catch(() => undefined);
    throw error;
  }
  // pglite-prisma-adapter 0.6 is typed against an older @prisma/driver-adapter-utils; the
  // runtime contract is the same (it ignores argTypes), so only the declared types differ.
  const adapter = pgliteAdapter(lite) as unknown as AdapterFactory;
  const prisma = new PrismaClient({ adapter });
  let closed = false;
  return {
    prisma,
    kind: "pglite",
    migrations,
    async ping() {
      if (closed) return false;
      try {
        await lite.query("SELECT 1");
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await prisma.$disconnect();
      await lite.close();
    },
  };
}

async function openPostgres(url: string, options: DatabaseOptions): Promise<Database> {
  const connectionTimeoutMillis = options.connectTimeoutMs ?? 5000;
  let migrations = EMPTY_REPORT;
  if (options.migrate !== false) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis });
    client.on("error", () => undefined); // a dropped connection surfaces on the next query
    try {
      await client.connect();
      migrations = await applyMigrations(pgSession(client), options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);
    } catch (error) {
      if (error instanceof MigrationError && !isUnavailableError(error)) throw error;
      if (isUnavailableError(error)) {
        throw new DatabaseUnavailable(`cannot reach the PostgreSQL server: ${(error as Error).message}`, {
          cause: error,
        });
      }
      throw error;
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  const adapter = new PrismaPg(
    { connectionString: url, max: options.poolSize ?? 10, connectionTimeoutMillis },
    // An idle connection dropped by the server must not crash the process; the next
    // query reports it (as DatabaseUnavailable through the service).
    { onPoolError: () => undefined, onConnectionError: () => undefined },
  );
  const prisma = new PrismaClient({ adapter });
  let closed = false;
  return {
    prisma,
    kind: "postgres",
    migrations,
    async ping() {
      if (closed) return false;
      try {
        await prisma.$queryRawUnsafe("SELECT 1");
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await prisma.$disconnect();
    },
  };
}

/**
 * Open the database: PGlite when `dataDir` is given or no URL is known, else PostgreSQL at
 * `url` (default env DATABASE_URL). Throws DatabaseUnavailable when it cannot be reached,
 * MigrationError when a committed migration cannot be applied.
 */
export async function createDatabase(options: DatabaseOptions = {}): Promise<Database> {
  const env = options.env ?? process.env;
  if (options.dataDir !== undefined) return openPglite(options.dataDir, options);
  const url = options.url ?? env.DATABASE_URL;
  if (url) return openPostgres(url, options);
  return openPglite(env.PGLITE_DATA_DIR ?? DEFAULT_DATA_DIR, options);
}
