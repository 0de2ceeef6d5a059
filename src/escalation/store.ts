/**
 * Shared plumbing for the escalation modules: transactions that turn an unreachable
 * database into DatabaseUnavailable, case rows as CaseView, and outbox/event writers used
 * inside a transition's transaction.
 */
import { asDatabaseError } from "../db/errors.js";
import type { Case, Prisma, PrismaClient } from "../db/generated/client.js";
import type { Decision, Facts, Queue } from "../policy/vocabulary.js";
import type {
  CaseView,
  CitationView,
  Outcome,
  OutboxKind,
  OutboxPayloads,
  Platform,
  Target,
  UserRef,
} from "./types.js";

export type Tx = Prisma.TransactionClient;
export type Db = PrismaClient;

/** Long enough for 50 claims queued behind one PGlite connection or a busy pool. */
const TX_OPTIONS = { maxWait: 30_000, timeout: 30_000 };

export async function inTransaction<T>(prisma: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  try {
    return await prisma.$transaction(fn, TX_OPTIONS);
  } catch (error) {
    throw asDatabaseError(error);
  }
}

export async function query<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw asDatabaseError(error);
  }
}

export const actorOf = (user: UserRef): string => `${user.platform}:${user.userId}`;

export function encodeTarget(target: Target): string {
  return target.type === "queue" ? `queue:${target.queue}` : `user:${target.userId}`;
}

export function decodeTarget(value: string): Target {
  const i = value.indexOf(":");
  const kind = value.slice(0, i);
  const rest = value.slice(i + 1);
  return kind === "queue" ? { type: "queue", queue: rest as Queue } : { type: "user", userId: rest };
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function toView(row: Case): CaseView {
  return {
    id: row.id,
    ref: row.ref,
    status: row.status,
    queue: row.queue as Queue,
    urgent: row.urgent,
    decision: row.decision as Decision,
    headline: row.headline,
    asOf: row.asOf,
    facts: row.facts as unknown as Facts,
    steps: row.steps as string[],
    contacts: row.contacts as string[],
    citations: row.citations as unknown as CitationView[],
    questionExcerpt: row.questionExcerpt,
    asker: { platform: row.askerPlatform, userId: row.askerUserId, role: row.askerRole },
    owner: row.ownerId && row.ownerPlatform ? { platform: row.ownerPlatform, userId: row.ownerId } : null,
    outcome: row.outcome as Outcome | null,
    note: row.note,
    flaggedForPolicy: row.flaggedForPolicy,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    lastActivityAt: row.lastActivityAt.toISOString(),
    claimedAt: iso(row.claimedAt),
    resolvedAt: iso(row.resolvedAt),
    cancelledAt: iso(row.cancelledAt),
  };
}

/** A message to write to the outbox; `kind` selects the payload's type. */
export type OutboxRow = {
  [K in OutboxKind]: { channel: Platform; kind: K; target: Target; payload: OutboxPayloads[K] };
}[OutboxKind];

export async function writeOutbox(tx: Tx, caseId: string, now: Date, rows: OutboxRow[]): Promise<void> {
  if (rows.length === 0) return;
  // One row at a time keeps their ids in the order given: the worker delivers a case's
  // messages in id order.
  for (const row of rows) {
    await tx.outbox.create({
      data: {
        caseId,
        channel: row.channel,
        kind: row.kind,
        target: encodeTarget(row.target),
        payload: row.payload as unknown as Prisma.InputJsonValue,
        dueAt: now,
        createdAt: now,
      },
    });
  }
}

export async function writeEvent(
  tx: Tx,
  caseId: string,
  actor: string,
  kind: string,
  at: Date,
  payload: Record<string, unknown> = {},
): Promise<void> {
  await tx.caseEvent.create({ data: { caseId, actor, kind, at, payload: payload as Prisma.InputJsonValue } });
}
