/**
 * Reminders are rows with a due time. Any bot instance may fire a due one; a conditional
 * update (firedAt IS NULL) in the same transaction as the messages it sends makes that
 * happen exactly once however many instances race for it.
 *
 * - unclaimed: a case still open after the queue's delay (shorter when urgent) re-pings
 *   the queue's channel and its backup; repeats up to maxRepeats times.
 * - idle: a claimed case with no activity for idleMinutes reminds its owner; any message
 *   pushes it back (checked when it comes due), and it repeats up to maxRepeats times.
 */
import { randomUUID } from "node:crypto";
import type { Queue } from "../policy/vocabulary.js";
import { legalPlatforms, type EscalationConfig, type ReminderConfig } from "./config.js";
import { inTransaction, query, writeEvent, writeOutbox, type Db, type OutboxRow, type Tx } from "./store.js";
import type { Clock } from "./types.js";

export type ReminderKind = "unclaimed" | "idle";

const MINUTE = 60_000;

export function unclaimedDelay(reminders: ReminderConfig, urgent: boolean): number {
  return (urgent ? reminders.urgentUnclaimedMinutes : reminders.unclaimedMinutes) * MINUTE;
}

export async function scheduleReminder(
  tx: Tx,
  caseId: string,
  kind: ReminderKind,
  dueAt: Date,
  now: Date,
  round = 0,
): Promise<void> {
  await tx.reminder.create({ data: { caseId, kind, dueAt, round, createdAt: now } });
}

export async function cancelReminders(tx: Tx, caseId: string, now: Date, kind?: ReminderKind): Promise<void> {
  await tx.reminder.updateMany({
    where: { caseId, firedAt: null, cancelledAt: null, ...(kind ? { kind } : {}) },
    data: { cancelledAt: now },
  });
}

export interface ReminderOptions {
  prisma: Db;
  config: EscalationConfig;
  clock?: Clock;
  /** Recorded on the reminders this instance fires. */
  instanceId?: string;
}

export class ReminderScheduler {
  private readonly prisma: Db;
  private readonly config: EscalationConfig;
  private readonly clock: Clock;
  readonly instanceId: string;

  constructor(options: ReminderOptions) {
    this.prisma = options.prisma;
    this.config = options.config;
    this.clock = options.clock ?? (() => new Date());
    this.instanceId = options.instanceId ?? `reminders-${randomUUID().slice(0, 8)}`;
  }

  /** Fire every reminder due now (up to `limit`); returns how many this instance fired. */
  async fireDue(limit = 50): Promise<number> {
    const now = this.clock();
    const due = await query(() =>
      this.prisma.reminder.findMany({
        where: { firedAt: null, cancelledAt: null, dueAt: { lte: now } },
        orderBy: [{ dueAt: "asc" }, { id: "asc" }],
        take: limit,
        select: { id: true },
      }),
    );
    let fired = 0;
    for (const { id } of due) {
      if (await this.fireOne(id, now)) fired++;
    }
    return fired;
  }

  private async fireOne(id: number, now: Date): Promise<boolean> {
    return inTransaction(this.prisma, async (tx) => {
      const reminder = await tx.reminder.findUnique({ where: { id }, include: { case: true } });
      if (!reminder || reminder.firedAt || reminder.cancelledAt) return false;
      const c = reminder.case;
      const queue = c.queue as Queue;
      const q = this.config.queues[queue];
      const settings = q.reminders;

      const stillDue =
        reminder.kind === "unclaimed" ? c.status === "open" : c.status === "claimed" && c.ownerId !== null;
      if (!stillDue) {
        await tx.reminder.updateMany({ where: { id, firedAt: null, cancelledAt: null }, data: { cancelledAt: now } });
        return false;
      }
      if (reminder.kind === "idle") {
        // Activity since it was scheduled pushes it back instead.
        const next = new Date(c.lastActivityAt.getTime() + settings.idleMinutes * MINUTE);
        if (next > now) {
          await tx.reminder.updateMany({ where: { id, firedAt: null, cancelledAt: null }, data: { dueAt: next } });
          return false;
        }
      }

      // The claim: exactly one instance gets count 1.
      const claimed = await tx.reminder.updateMany({
        where: { id, firedAt: null, cancelledAt: null },
        data: { firedAt: now, lockedBy: this.instanceId },
      });
      if (claimed.count !== 1) return false;

      const rows: OutboxRow[] = [];
      if (reminder.kind === "unclaimed") {
        const waitingMinutes = Math.round((now.getTime() - c.createdAt.getTime()) / MINUTE);
        const base = { ref: c.ref, caseId: c.id, queue, urgent: c.urgent, waitingMinutes, round: reminder.round };
        for (const platform of legalPlatforms(q)) {
          rows.push({
            channel: platform,
            kind: "reminder.unclaimed",
            target: { type: "queue", queue },
            payload: { ...base, toBackup: false },
          });
        }
        const backups: [string, string | undefined][] = [
          ["slack", q.slack?.backup],
          ["teams", q.teams?.backup],
        ];
        for (const [platform, userId] of backups) {
          if (userId) {
            rows.push({
              channel: platform,
              kind: "reminder.unclaimed",
              target: { type: "user", userId },
              payload: { ...base, toBackup: true },
            });
          }
        }
      } else {
        rows.push({
          channel: c.ownerPlatform!,
          kind: "reminder.idle",
          target: { type: "user", userId: c.ownerId! },
          payload: { ref: c.ref, caseId: c.id, queue, idleMinutes: settings.idleMinutes, round: reminder.round },
        });
      }
      await writeOutbox(tx, c.id, now, rows);
      await writeEvent(tx, c.id, "reminder", `reminder.${reminder.kind}`, now, {
        round: reminder.round,
        instance: this.instanceId,
      });
      if (reminder.round + 1 < settings.maxRepeats) {
        const delay =
          reminder.kind === "unclaimed" ? unclaimedDelay(settings, c.urgent) : settings.idleMinutes * MINUTE;
        await scheduleReminder(
          tx,
          c.id,
          reminder.kind as ReminderKind,
          new Date(now.getTime() + delay),
          now,
          reminder.round + 1,
        );
      }
      return true;
    });
  }
}
