/**
 * OutboxWorker: delivers the messages the service wrote in its transactions, through one
 * ChannelGateway per platform (the Slack and Teams adapters implement it).
 *
 * - Claiming is one conditional UPDATE over `SELECT ... FOR UPDATE SKIP LOCKED` that sets
 *   a lease (lockedUntil, lockedBy): two workers, in one process or on several machines
 *   sharing a PostgreSQL server, never hold the same row.
 * - A case's messages on a platform go out in the order they were written: a row waits
 *   while an earlier row of its case on that platform is unsent (so a relay never overtakes
 *   the card it threads under). Platforms do not wait for each other.
 * - A failed send is retried with exponential backoff (or the platform's Retry-After);
 *   after maxAttempts, or on a permanent error, the row is set aside (failedAt) and the
 *   case's timeline records it.
 * - A crash after the transaction and before the send only delays delivery: the row stays
 *   due, and once the lease runs out any worker takes it. Delivery is at least once: if a
 *   process dies after the platform accepted a message but before the worker recorded it,
 *   the message is sent again after the lease (the row id is passed as an idempotency hint).
 */
import { randomUUID } from "node:crypto";
import type { Outbox } from "../db/generated/client.js";
import { decodeTarget, inTransaction, query, writeEvent, type Db } from "./store.js";
import type { Clock, OutboxMessage } from "./types.js";

export interface DeliveryResult {
  /** The platform's id for the posted message (Slack: the message ts). */
  platformMessageId?: string;
}

/** What a chat platform adapter implements so the outbox can deliver through it. */
export interface ChannelGateway {
  send(message: OutboxMessage): Promise<DeliveryResult | void>;
}

/** Throw from a gateway to steer retries: permanent errors are not retried; retryAfterMs
 * honours a platform's Retry-After (Slack's 429). Any other error is retried. */
export class DeliveryError extends Error {
  override name = "DeliveryError";
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  constructor(message: string, options: { retryable?: boolean; retryAfterMs?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.retryable = options.retryable ?? true;
    this.retryAfterMs = options.retryAfterMs;
  }
}

export interface OutboxWorkerOptions {
  db: { prisma: Db };
  /** One gateway per platform; rows for other platforms are left for other workers. */
  gateways: Record<string, ChannelGateway>;
  clock?: Clock;
  workerId?: string;
  /** Rows claimed per round (default 20). */
  batchSize?: number;
  /** How long a claimed row is ours before another worker may take it (default 60 s). */
  leaseMs?: number;
  /** Attempts before a row is set aside (default 10). */
  maxAttempts?: number;
  /** Backoff: baseMs * 2^(attempt-1), at most maxMs (default 2 s and 10 min). */
  backoff?: { baseMs?: number; maxMs?: number };
}

export interface RoundReport {
  claimed: number;
  sent: number;
  retried: number;
  failed: number;
}

type ClaimedRow = Pick<Outbox, "id" | "caseId" | "channel" | "kind" | "target" | "payload" | "attempts">;

export class OutboxWorker {
  private readonly prisma: Db;
  private readonly gateways: Record<string, ChannelGateway>;
  private readonly clock: Clock;
  readonly workerId: string;
  private readonly batchSize: number;
  private readonly leaseMs: number;
  private readonly maxAttempts: number;
  private readonly baseMs: number;
  private readonly maxMs: number;

  constructor(options: OutboxWorkerOptions) {
    this.prisma = options.db.prisma;
    this.gateways = options.gateways;
    this.clock = options.clock ?? (() => new Date());
    this.workerId = options.workerId ?? `outbox-${randomUUID().slice(0, 8)}`;
    this.batchSize = options.batchSize ?? 20;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.maxAttempts = options.maxAttempts ?? 10;
    this.baseMs = options.backoff?.baseMs ?? 2_000;
    this.maxMs = options.backoff?.maxMs ?? 10 * 60_000;
  }

  /** Claim due rows and lease them to this worker. Exposed for tests and tools. */
  async claim(limit = this.batchSize): Promise<ClaimedRow[]> {
    const channels = Object.keys(this.gateways);
    if (channels.length === 0) return [];
    const now = this.clock();
    const leaseUntil = new Date(now.getTime() + this.leaseMs);
    const channelParams = channels.map((_, i) => `$${i + 4}`).join(", ");
    const sql = `
      UPDATE "outbox" SET "lockedUntil" = $1, "lockedBy" = $2
      WHERE "id" IN (
        SELECT o."id" FROM "outbox" o
        WHERE o."sentAt" IS NULL AND o."failedAt" IS NULL AND o."dueAt" <= $3
          AND (o."lockedUntil" IS NULL OR o."lockedUntil" <= $3)
          AND o."channel" IN (${channelParams})
          AND NOT EXISTS (
            SELECT 1 FROM "outbox" p
            WHERE p."caseId" = o."caseId" AND p."channel" = o."channel" AND p."id" < o."id"
              AND p."sentAt" IS NULL AND p."failedAt" IS NULL
          )
        ORDER BY o."id"
        LIMIT ${Math.max(1, Math.floor(limit))}
        FOR UPDATE SKIP LOCKED
      )
      RETURNING "id", "caseId", "channel", "kind", "target", "payload", "attempts"`;
    const rows = await query(() =>
      this.prisma.$queryRawUnsafe<ClaimedRow[]>(sql, leaseUntil, this.workerId, now, ...channels),
    );
    return rows.sort((a, b) => a.id - b.id);
  }

  /** One round: claim due rows and deliver them. */
  async runOnce(): Promise<RoundReport> {
    const rows = await this.claim();
    const report: RoundReport = { claimed: rows.length, sent: 0, retried: 0, failed: 0 };
    for (const row of rows) {
      const outcome = await this.deliver(row);
      report[outcome]++;
    }
    return report;
  }

  /** Rounds until nothing is due (or maxRounds); returns the totals. */
  async drain(maxRounds = 100): Promise<RoundReport> {
    const total: RoundReport = { claimed: 0, sent: 0, retried: 0, failed: 0 };
    for (let i = 0; i < maxRounds; i++) {
      const r = await this.runOnce();
      total.claimed += r.claimed;
      total.sent += r.sent;
      total.retried += r.retried;
      total.failed += r.failed;
      if (r.claimed === 0) break;
    }
    return total;
  }

  private async deliver(row: ClaimedRow): Promise<"sent" | "retried" | "failed"> {
    const gateway = this.gateways[row.channel]!;
    let message: OutboxMessage;
    try {
      message = await this.toMessage(row);
    } catch (error) {
      return this.fail(row, error);
    }
    let result: DeliveryResult | void;
    try {
      result = await gateway.send(message);
    } catch (error) {
      return this.fail(row, error);
    }
    const now = this.clock();
    await query(() =>
      this.prisma.outbox.updateMany({
        where: { id: row.id, lockedBy: this.workerId, sentAt: null },
        data: {
          sentAt: now,
          platformMessageId: result?.platformMessageId ?? null,
          attempts: { increment: 1 },
          lockedUntil: null,
          lastError: null,
        },
      }),
    );
    return "sent";
  }

  private async toMessage(row: ClaimedRow): Promise<OutboxMessage> {
    let thread: string | undefined;
    if (row.kind !== "case.card") {
      const card = await query(() =>
        this.prisma.outbox.findFirst({
          where: { caseId: row.caseId, channel: row.channel, kind: "case.card", sentAt: { not: null } },
          orderBy: { id: "desc" },
          select: { platformMessageId: true },
        }),
      );
      thread = card?.platformMessageId ?? undefined;
    }
    return {
      id: row.id,
      caseId: row.caseId,
      channel: row.channel,
      kind: row.kind,
      target: decodeTarget(row.target),
      payload: row.payload,
      attempts: row.attempts,
      ...(thread ? { thread } : {}),
    } as OutboxMessage;
  }

  private backoffMs(attempt: number, error: unknown): number {
    const exponential = Math.min(this.maxMs, this.baseMs * 2 ** Math.max(0, attempt - 1));
    const retryAfter = error instanceof DeliveryError ? error.retryAfterMs : undefined;
    return Math.min(this.maxMs, Math.max(exponential, retryAfter ?? 0));
  }

  private async fail(row: ClaimedRow, error: unknown): Promise<"retried" | "failed"> {
    const now = this.clock();
    const attempt = row.attempts + 1;
    const message = (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 1000);
    const permanent = error instanceof DeliveryError && !error.retryable;
    if (permanent || attempt >= this.maxAttempts) {
      await inTransaction(this.prisma, async (tx) => {
        const done = await tx.outbox.updateMany({
          where: { id: row.id, lockedBy: this.workerId, sentAt: null },
          data: { attempts: attempt, lastError: message, failedAt: now, lockedUntil: null },
        });
        if (done.count === 1) {
          await writeEvent(tx, row.caseId, "system", "outbox.failed", now, {
            outboxId: row.id,
            kind: row.kind,
            channel: row.channel,
            attempts: attempt,
            error: message,
          });
        }
      });
      return "failed";
    }
    await query(() =>
      this.prisma.outbox.updateMany({
        where: { id: row.id, lockedBy: this.workerId, sentAt: null },
        data: {
          attempts: attempt,
          lastError: message,
          dueAt: new Date(now.getTime() + this.backoffMs(attempt, error)),
          lockedUntil: null,
        },
      }),
    );
    return "retried";
  }
}
