/**
 * `npm run privacy:purge [-- --days N]`: delete resolved and cancelled cases older than
 * N days (default: retention.resolvedCaseDays from the escalation config in
 * ESCALATION_CONFIG), keeping anonymous counts. Uses the database the app uses
 * (DATABASE_URL, else the embedded PGlite).
 */
import { ConfigError, loadEscalationConfig } from "../escalation/config.js";
import { createDatabase } from "../db/database.js";
import { DatabaseUnavailable, MigrationError } from "../db/errors.js";
import { purgeResolvedOlderThan } from "./retention.js";

function daysFromArgs(argv: string[]): number | undefined {
  const i = argv.indexOf("--days");
  if (i === -1) return undefined;
  const days = Number(argv[i + 1]);
  if (!Number.isInteger(days) || days < 0)
    throw new ConfigError(`--days needs a whole number of days, not "${argv[i + 1] ?? ""}"`);
  return days;
}

try {
  const days = daysFromArgs(process.argv.slice(2)) ?? loadEscalationConfig().retention.resolvedCaseDays;
  const db = await createDatabase();
  try {
    const report = await purgeResolvedOlderThan(db.prisma, days);
    console.log(`purged ${report.purged} case(s) closed more than ${days} day(s) ago`);
    for (const c of report.counted) {
      console.log(`  ${c.year} ${c.queue} ${c.decision} ${c.outcome}: ${c.count}`);
    }
  } finally {
    await db.close();
  }
} catch (error) {
  if (error instanceof ConfigError || error instanceof DatabaseUnavailable || error instanceof MigrationError) {
    console.error(`privacy:purge: ${error.message}`);
    process.exitCode = 1;
  } else {
    throw error;
  }
}
