/**
 * Retention: resolved (and cancelled) cases older than a configured age are deleted with
 * their timeline, outbox and reminders; only anonymous counts per year, queue, decision and
 * outcome are kept (RetentionCount). Each batch is one transaction that locks the cases it
 * purges, so a case reopened at the same moment is either purged before or kept.
 */
import { asDatabaseError } from "../db/errors.js";
import type { PrismaClient } from "../db/generated/client.js";

export interface PurgeOptions {
  clock?: () => Date;
  /** Cases per transaction (default 200). */
  batchSize?: number;
}

export interface PurgeReport {
  purged: number;
  /** What was added to the anonymous counts. */
  counted: { year: number; queue: string; decision: string; outcome: string; count: number }[];
}

interface Victim {
  id: string;
  year: number;
  queue: string;
  decision: string;
  outcome: string;
}

const DAY = 24 * 60 * 60_000;

/** Purge resolved and cancelled cases closed more than `days` days ago. */
export async function purgeResolvedOlderThan(
  prisma: Pick<PrismaClient, "$transaction">,
  days: number,
  options: PurgeOptions = {},
): Promise<PurgeReport> {
  if (!Number.isFinite(days) || days < 0) throw new RangeError(`days must be a non-negative number, not ${days}`);
  const now = (options.clock ?? (() => new Date()))();
  const cutoff = new Date(now.getTime() - days * DAY);
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? 200));
  const totals = new Map<string, PurgeReport["counted"][number]>();
  let purged = 0;
  try {
    for (;;) {
      const victims = await prisma.$transaction(
        async (tx) => {
          const rows = await tx.$queryRawUnsafe<Victim[]>(
            `SELECT "id", "year", "queue", "decision",
                    CASE WHEN "status" = 'cancelled' THEN 'cancelled' ELSE COALESCE("outcome", 'unknown') END AS "outcome"
             FROM "cases"
             WHERE ("status" = 'resolved' AND "resolvedAt" < $1) OR ("status" = 'cancelled' AND "cancelledAt" < $1)
             ORDER BY "createdAt"
             LIMIT ${batchSize}
             FOR UPDATE SKIP LOCKED`,
            cutoff,
          );
          if (rows.length === 0) return rows;
          const groups = new Map<string, PurgeReport["counted"][number]>();
          for (const r of rows) {
            const key = [r.year, r.queue, r.decision, r.outcome].join("\u0000");
            const g = groups.get(key) ?? {
              year: Number(r.year),
              queue: r.queue,
              decision: r.decision,
              outcome: r.outcome,
              count: 0,
            };
            g.count++;
            groups.set(key, g);
          }
          for (const g of groups.values()) {
            await tx.$executeRawUnsafe(
              `INSERT INTO "retention_counts" ("year", "queue", "decision", "outcome", "count") VALUES ($1, $2, $3, $4, $5)
               ON CONFLICT ("year", "queue", "decision", "outcome")
               DO UPDATE SET "count" = "retention_counts"."count" + EXCLUDED."count"`,
              g.year,
              g.queue,
              g.decision,
              g.outcome,
              g.count,
            );
          }
          // Events, outbox rows and reminders go with their case (ON DELETE CASCADE).
          await tx.case.deleteMany({ where: { id: { in: rows.map((r) => r.id) } } });
          for (const [key, g] of groups) {
            const t = totals.get(key);
            if (t) t.count += g.count;
            else totals.set(key, { ...g });
          }
          return rows;
        },
        { maxWait: 30_000, timeout: 60_000 },
      );
      purged += victims.length;
      if (victims.length < batchSize) break;
    }
  } catch (error) {
    throw asDatabaseError(error);
  }
  return { purged, counted: [...totals.values()] };
}
