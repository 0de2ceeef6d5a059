/**
 * `npm run db:migrate`: apply the committed migrations to the database the app would use
 * (PostgreSQL at DATABASE_URL when set, else the embedded PGlite under ./data/pglite or
 * PGLITE_DATA_DIR) and print what was done. `npm run db:status` (--status) only reports.
 * Needs no Prisma CLI.
 */
import { createDatabase } from "./database.js";
import { DatabaseUnavailable, MigrationError } from "./errors.js";
import { readMigrations } from "./migrate.js";

const statusOnly = process.argv.includes("--status");

try {
  const db = await createDatabase({ migrate: !statusOnly });
  const where = db.kind === "postgres" ? "PostgreSQL (DATABASE_URL)" : "embedded PGlite";
  if (statusOnly) {
    let done: string[] = [];
    try {
      const rows = await db.prisma.$queryRawUnsafe<{ migration_name: string }[]>(
        `SELECT "migration_name" FROM "_prisma_migrations" WHERE "finished_at" IS NOT NULL AND "rolled_back_at" IS NULL`,
      );
      done = rows.map((r) => r.migration_name);
    } catch {
      // no migrations table yet: nothing applied
    }
    const pending = (await readMigrations()).map((m) => m.name).filter((name) => !done.includes(name));
    console.log(
      pending.length === 0
        ? `${where}: up to date (${done.length} migration(s) applied)`
        : `${where}: ${pending.length} migration(s) not applied: ${pending.join(", ")}`,
    );
    if (pending.length > 0) process.exitCode = 2;
  } else {
    const { applied, alreadyApplied, modified } = db.migrations;
    console.log(
      applied.length > 0
        ? `${where}: applied ${applied.length} migration(s): ${applied.join(", ")}`
        : `${where}: up to date (${alreadyApplied.length} migration(s) applied before)`,
    );
    for (const name of modified) console.warn(`warning: ${name} was changed after it was applied`);
  }
  await db.close();
} catch (error) {
  if (error instanceof DatabaseUnavailable || error instanceof MigrationError) {
    console.error(`db:${statusOnly ? "status" : "migrate"}: ${error.message}`);
    process.exitCode = 1;
  } else {
    throw error;
  }
}
