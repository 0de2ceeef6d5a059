/**
 * Run one suite against both databases: PGlite (always) and a real PostgreSQL server
 * (when one is available; see ./postgres.ts). Usage, in a test file:
 *
 *   describe.each(BACKENDS)("escalation on %s", (name) => {
 *     const env = useBackend(name);
 *     it("...", async () => { const db = env.db; ... });
 *   });
 *
 * Each backend opens one database per describe block (PGlite in a temp folder, copied from
 * a migrated template, so it can be closed and reopened like a restarted process;
 * PostgreSQL as a fresh database) and empties every table before each test.
 */
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe } from "vitest";
import { createDatabase, readMigrations, type Database } from "../../src/db/index.js";
import { postgresAvailability, startPostgres, type PostgresServer } from "./postgres.js";

export type BackendName = "pglite" | "postgres";

const availability = postgresAvailability();
let warned = false;

/** The backends to run: PGlite always; PostgreSQL when available (or REQUIRE_POSTGRES=1). */
export const BACKENDS: BackendName[] = (() => {
  if (availability.available) return ["pglite", "postgres"];
  if (process.env.REQUIRE_POSTGRES === "1") return ["pglite", "postgres"]; // fails loudly in beforeAll
  if (!warned) {
    warned = true;
    console.warn(`[tests] PostgreSQL variant skipped: ${availability.reason}`);
  }
  return ["pglite"];
})();

export interface BackendEnv {
  readonly name: BackendName;
  /** The database of this describe block. */
  readonly db: Database;
  /** Another client on the same database, like a second bot instance (PostgreSQL); on
   * PGlite, which one process owns, the same client. Closed with the block. */
  second(): Promise<Database>;
  /** Close the database and open it again, like a restarted process. */
  restart(): Promise<Database>;
}

const TABLES = [
  "case_events",
  "outbox",
  "reminders",
  "cases",
  "case_sequences",
  "user_profiles",
  "conversation_refs",
  "retention_counts",
  "seen_events",
];

export async function emptyTables(db: Database): Promise<void> {
  await db.prisma.$executeRawUnsafe(`TRUNCATE ${TABLES.map((t) => `"${t}"`).join(", ")} RESTART IDENTITY CASCADE`);
}

/**
 * A PGlite folder with every migration applied. Creating a PGlite database costs seconds
 * (initdb in WASM); copying a migrated template and opening the copy costs about one. The
 * template is shared by test files through the temp folder, keyed by the migrations.
 */
async function pgliteFolder(): Promise<string> {
  const pglite = readFileSync(path.join(process.cwd(), "node_modules/@electric-sql/pglite/package.json"), "utf8");
  const key = createHash("sha256")
    .update(JSON.parse(pglite).version)
    .update((await readMigrations()).map((m) => `${m.name}:${m.checksum}`).join("\n"))
    .digest("hex")
    .slice(0, 16);
  const template = path.join(tmpdir(), `ice-pglite-template-${key}`);
  if (!existsSync(template)) {
    const building = mkdtempSync(path.join(tmpdir(), "ice-pglite-building-"));
    const db = await createDatabase({ dataDir: building });
    await db.close();
    try {
      renameSync(building, template); // atomic: another test file may have won the race
    } catch {
      rmSync(building, { recursive: true, force: true });
    }
  }
  const dir = mkdtempSync(path.join(tmpdir(), "ice-pglite-"));
  cpSync(template, dir, { recursive: true });
  return dir;
}

export function useBackend(name: BackendName): BackendEnv {
  let db: Database | undefined;
  let server: PostgresServer | undefined;
  let dir: string | undefined;
  const extra: Database[] = [];

  const open = async (): Promise<Database> =>
    name === "pglite" ? createDatabase({ dataDir: dir! }) : createDatabase({ url: server!.url, poolSize: 20 });

  beforeAll(async () => {
    if (name === "pglite") {
      dir = await pgliteFolder();
    } else {
      server = await startPostgres(availability);
    }
    db = await open();
  }, 120_000);

  beforeEach(async () => {
    await emptyTables(db!);
  });

  afterAll(async () => {
    for (const d of extra) await d.close().catch(() => undefined);
    await db?.close().catch(() => undefined);
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  return {
    name,
    get db() {
      if (!db) throw new Error("database not open yet");
      return db;
    },
    async second() {
      if (name === "pglite") return db!;
      const other = await open();
      extra.push(other);
      return other;
    },
    async restart() {
      await db!.close();
      db = await open();
      return db;
    },
  };
}

export { describe };
