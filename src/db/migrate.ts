/**
 * A small migration runner, so the app applies the committed migrations at start without
 * the Prisma CLI: it executes prisma/migrations/<name>/migration.sql in name order, each
 * in its own transaction, and records them in Prisma's own `_prisma_migrations` table
 * (same columns, same sha256 checksum), so `prisma migrate status` / `deploy` agree.
 * On a PostgreSQL server a session advisory lock keeps two starting instances from
 * applying the same migration twice.
 */
import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { MigrationError } from "./errors.js";

/** prisma/migrations, found from this module both in src/db and in dist/db. */
export const DEFAULT_MIGRATIONS_DIR = fileURLToPath(new URL("../../prisma/migrations/", import.meta.url));

/** The little a runner needs from a connection: run a script, run a query with parameters. */
export interface SqlSession {
  exec(sql: string): Promise<void>;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Run fn in one transaction on this session. */
  transaction(fn: (session: SqlSession) => Promise<void>): Promise<void>;
  /** Serialise runners across processes (PostgreSQL server); a no-op in process. */
  lock?(): Promise<void>;
  unlock?(): Promise<void>;
}

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationReport {
  applied: string[];
  alreadyApplied: string[];
  /** Applied migrations whose file changed since (Prisma reports the same). */
  modified: string[];
}

export async function readMigrations(dir: string = DEFAULT_MIGRATIONS_DIR): Promise<Migration[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    throw new MigrationError(`cannot read the migrations folder ${dir}: ${(error as Error).message}`);
  }
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const migrations: Migration[] = [];
  for (const name of names) {
    const file = path.join(dir, name, "migration.sql");
    let sql: string;
    try {
      sql = await readFile(file, "utf8");
    } catch {
      continue; // a folder without a script is not a migration
    }
    migrations.push({ name, sql, checksum: createHash("sha256").update(sql).digest("hex") });
  }
  return migrations;
}

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: unknown;
  rolled_back_at: unknown;
}

export async function applyMigrations(
  session: SqlSession,
  dir: string = DEFAULT_MIGRATIONS_DIR,
): Promise<MigrationReport> {
  const migrations = await readMigrations(dir);
  const report: MigrationReport = { applied: [], alreadyApplied: [], modified: [] };
  await session.lock?.();
  try {
    await session.exec(CREATE_TABLE);
    const rows = await session.query<AppliedRow>(
      `SELECT "migration_name", "checksum", "finished_at", "rolled_back_at" FROM "_prisma_migrations"`,
    );
    const done = new Map<string, AppliedRow>();
    for (const row of rows) {
      if (row.rolled_back_at) continue;
      if (!row.finished_at) {
        throw new MigrationError(
          `migration ${row.migration_name} started but did not finish; repair the database, then mark it rolled back or applied (prisma migrate resolve)`,
        );
      }
      done.set(row.migration_name, row);
    }
    for (const m of migrations) {
      const previous = done.get(m.name);
      if (previous) {
        report.alreadyApplied.push(m.name);
        if (previous.checksum !== m.checksum) report.modified.push(m.name);
        continue;
      }
      try {
        await session.transaction(async (tx) => {
          await tx.exec(m.sql);
          await tx.query(
            `INSERT INTO "_prisma_migrations" ("id", "checksum", "finished_at", "migration_name", "applied_steps_count", "started_at")
             VALUES ($1, $2, now(), $3, 1, now())`,
            [randomUUID(), m.checksum, m.name],
          );
        });
      } catch (error) {
        throw new MigrationError(`migration ${m.name} failed: ${(error as Error).message}`, { cause: error });
      }
      report.applied.push(m.name);
    }
  } finally {
    await session.unlock?.();
  }
  return report;
}
