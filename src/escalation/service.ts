/**
 * EscalationService: the case state machine.
 *
 *   open -> claimed -> resolved        open/claimed -> cancelled (by the asker)
 *   resolved/cancelled -> open (reopen, by the asker or legal staff)
 *
 * Every transition is one transaction that writes the case, an append-only CaseEvent and
 * an Outbox row for each message to send (the OutboxWorker delivers them). Claims and every
 * other transition are conditional updates on the current status, so concurrent clicks
 * leave exactly one winner. Legal actions are checked against the LegalDirectory first; a
 * refusal is a typed EscalationError and changes nothing. Every free text is redacted
 * before it is stored. If the database is down, methods throw DatabaseUnavailable.
 */
import type { Answer } from "../core/decide.js";
import type { Database } from "../db/database.js";
import { DatabaseUnavailable } from "../db/errors.js";
import type { Case, Prisma } from "../db/generated/client.js";
import { redact, redactDeep, redactedExcerpt } from "../privacy/redact.js";
import { QUEUES, type Queue } from "../policy/vocabulary.js";
import { legalPlatforms, type EscalationConfig } from "./config.js";
import type { LegalDirectory } from "./directory.js";
import { AlreadyClaimed, CaseNotFound, InvalidInput, InvalidTransition, NotAuthorized } from "./errors.js";
import { cancelReminders, scheduleReminder, unclaimedDelay } from "./reminders.js";
import {
  actorOf,
  inTransaction,
  query,
  toView,
  writeEvent,
  writeOutbox,
  type Db,
  type OutboxRow,
  type Tx,
} from "./store.js";
import {
  OUTCOMES,
  type Asker,
  type CaseEventView,
  type CaseList,
  type CaseStatus,
  type CaseView,
  type Clock,
  type Outcome,
  type OutboxPayloads,
  type UserRef,
} from "./types.js";

/** Longest text relayed or stored as a note (a Slack section holds 3000 characters). */
export const MAX_TEXT = 2900;
const REF_PATTERN = /^ICE-\d{4}-\d{4,}$/i;
const MINUTE = 60_000;

export interface EscalationServiceOptions {
  db: Pick<Database, "prisma">;
  config: EscalationConfig;
  directory: LegalDirectory;
  /** Injectable for tests; default the system clock. */
  clock?: Clock;
}

export interface EscalateOptions {
  /** The question as typed; stored only as a short redacted excerpt for the lawyer. */
  question?: string;
}

/** The year in New York, for case references. */
function nycYear(d: Date): number {
  return Number(new Intl.DateTimeFormat("en-US", { timeZone: "America/New_York", year: "numeric" }).format(d));
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === "P2002";
}

function cleanText(text: unknown, what: string, required: boolean): string | null {
  if (text === undefined || text === null) {
    if (required) throw new InvalidInput(`The ${what} is empty.`);
    return null;
  }
  if (typeof text !== "string") throw new InvalidInput(`The ${what} must be text.`);
  const clean = redact(text).trim();
  if (!clean) {
    if (required) throw new InvalidInput(`The ${what} is empty.`);
    return null;
  }
  if (clean.length > MAX_TEXT) throw new InvalidInput(`The ${what} is too long (at most ${MAX_TEXT} characters).`);
  return clean;
}

function checkUser(user: UserRef, who: string): void {
  if (!user || typeof user.platform !== "string" || !user.platform || typeof user.userId !== "string" || !user.userId) {
    throw new InvalidInput(`The ${who} needs a platform and a user id.`);
  }
}

const same = (a: UserRef, platform: string | null, userId: string | null) =>
  a.platform === platform && a.userId === userId;

export class EscalationService {
  private readonly prisma: Db;
  private readonly config: EscalationConfig;
  private readonly directory: LegalDirectory;
  private readonly clock: Clock;

  constructor(options: EscalationServiceOptions) {
    this.prisma = options.db.prisma;
    this.config = options.config;
    this.directory = options.directory;
    this.clock = options.clock ?? (() => new Date());
  }

  /** The queue's phone number (also when the database is down). */
  phoneFor(queue: Queue): string {
    return this.config.queues[queue].phone;
  }

  // -------------------------------------------------------------------------------------
  // Transitions

  /**
   * Open a case from the answer the asker saw. The same idempotency key (a Slack retry, a
   * double click) returns the same case and sends nothing twice. Posts the case card to the
   * queue's legal channel(s), tells the asker the reference, and schedules the unclaimed
   * reminder.
   */
  async escalate(
    answer: Answer,
    asker: Asker,
    idempotencyKey: string,
    options: EscalateOptions = {},
  ): Promise<CaseView> {
    checkUser(asker, "asker");
    if (typeof idempotencyKey !== "string" || !idempotencyKey.trim() || idempotencyKey.length > 200) {
      throw new InvalidInput("An escalation needs an idempotency key (1-200 characters).");
    }
    const queue = answer?.escalate?.queue;
    if (!QUEUES.includes(queue)) throw new InvalidInput(`Unknown legal queue "${String(queue)}".`);

    const existing = await this.byKey(idempotencyKey, asker);
    if (existing) return existing;

    const q = this.config.queues[queue];
    const now = this.clock();
    const year = nycYear(now);
    try {
      return await inTransaction(this.prisma, async (tx) => {
        // Per-year counter: the row lock serialises concurrent escalations for the year.
        const [{ last }] = (await tx.$queryRaw<{ last: number }[]>`
          INSERT INTO "case_sequences" ("year", "last") VALUES (${year}, 1)
          ON CONFLICT ("year") DO UPDATE SET "last" = "case_sequences"."last" + 1
          RETURNING "last"`) as [{ last: number }];
        const seq = Number(last);
        const row = await tx.case.create({
          data: {
            ref: `ICE-${year}-${String(seq).padStart(4, "0")}`,
            year,
            seq,
            askerPlatform: asker.platform,
            askerUserId: asker.userId,
            askerRole: asker.role ?? answer.facts.role,
            queue,
            facts: answer.facts as unknown as Prisma.InputJsonValue,
            decision: answer.decision,
            headline: redact(answer.headline ?? ""),
            asOf: answer.asOf,
            steps: redactDeep(answer.steps ?? []),
            contacts: redactDeep(answer.contacts ?? []),
            citations: redactDeep(
              (answer.citations ?? []).map((c) => ({ source: c.source, title: c.title, date: c.date, quote: c.quote })),
            ),
            questionExcerpt: options.question ? redactedExcerpt(options.question) || null : null,
            urgent: Boolean(answer.escalate.urgent),
            idempotencyKey,
            createdAt: now,
            updatedAt: now,
            lastActivityAt: now,
          },
        });
        const view = toView(row);
        await writeEvent(tx, row.id, actorOf(asker), "case.opened", now, {
          queue,
          decision: row.decision,
          urgent: row.urgent,
        });
        await writeOutbox(tx, row.id, now, [
          ...legalPlatforms(q).map((platform): OutboxRow => ({
            channel: platform,
            kind: "case.card",
            target: { type: "queue", queue },
            payload: { case: view },
          })),
          this.askerNotice(row, "opened"),
        ]);
        await scheduleReminder(
          tx,
          row.id,
          "unclaimed",
          new Date(now.getTime() + unclaimedDelay(q.reminders, row.urgent)),
          now,
        );
        return view;
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        const again = await this.byKey(idempotencyKey, asker);
        if (again) return again;
      }
      throw error;
    }
  }

  /** Take the case. Exactly one lawyer wins; the same lawyer clicking again gets the case. */
  async claim(caseId: string, lawyer: UserRef): Promise<CaseView> {
    checkUser(lawyer, "lawyer");
    const c = await this.load(caseId);
    await this.requireLegal(lawyer, c.queue as Queue);
    const now = this.clock();
    return inTransaction(this.prisma, async (tx) => {
      const won = await tx.case.updateMany({
        where: { id: c.id, status: "open" },
        data: {
          status: "claimed",
          ownerPlatform: lawyer.platform,
          ownerId: lawyer.userId,
          claimedAt: now,
          updatedAt: now,
          lastActivityAt: now,
          version: { increment: 1 },
        },
      });
      const row = await tx.case.findUniqueOrThrow({ where: { id: c.id } });
      if (won.count === 0) {
        if (row.status === "claimed" && same(lawyer, row.ownerPlatform, row.ownerId)) return toView(row);
        if (row.status === "claimed") {
          throw new AlreadyClaimed(row.ref, { platform: row.ownerPlatform!, userId: row.ownerId! });
        }
        throw new InvalidTransition(row.ref, row.status, "claimed");
      }
      await writeEvent(tx, row.id, actorOf(lawyer), "case.claimed", now, {});
      await writeOutbox(tx, row.id, now, [
        ...this.cardUpdates(row),
        ...this.queueNotices(row, { event: "claimed", by: lawyer }),
        this.askerNotice(row, "claimed", { by: lawyer }),
      ]);
      await cancelReminders(tx, row.id, now, "unclaimed");
      const idle = this.config.queues[row.queue as Queue].reminders.idleMinutes;
      await scheduleReminder(tx, row.id, "idle", new Date(now.getTime() + idle * MINUTE), now);
      return toView(row);
    });
  }

  /**
   * A message on the case: from the asker it goes into the case thread; from the queue's
   * legal staff it goes to the asker by direct message. Anyone else is refused.
   */
  async message(caseId: string, from: UserRef, text: string): Promise<CaseView> {
    checkUser(from, "sender");
    const c = await this.load(caseId);
    const fromAsker = same(from, c.askerPlatform, c.askerUserId);
    if (!fromAsker && !(await this.isLegal(from, c.queue as Queue))) throw new NotAuthorized("not-your-case");
    const clean = cleanText(text, "message", true)!;
    const now = this.clock();
    return inTransaction(this.prisma, async (tx) => {
      const row = await this.transition(tx, c, ["open", "claimed"], "messaged", now, {});
      await writeEvent(tx, row.id, actorOf(from), fromAsker ? "message.asker" : "message.legal", now, { text: clean });
      const base = { ref: row.ref, caseId: row.id, from, text: clean };
      await writeOutbox(
        tx,
        row.id,
        now,
        fromAsker
          ? legalPlatforms(this.config.queues[row.queue as Queue]).map((platform): OutboxRow => ({
              channel: platform,
              kind: "relay.to-legal",
              target: { type: "queue", queue: row.queue as Queue },
              payload: base,
            }))
          : [
              {
                channel: row.askerPlatform,
                kind: "relay.to-asker",
                target: { type: "user", userId: row.askerUserId },
                payload: base,
              },
            ],
      );
      return toView(row);
    });
  }

  /** Close the case with an outcome and a note; the asker is told. */
  async resolve(caseId: string, lawyer: UserRef, outcome: Outcome, note?: string | null): Promise<CaseView> {
    checkUser(lawyer, "lawyer");
    if (!OUTCOMES.includes(outcome)) throw new InvalidInput(`Unknown outcome "${String(outcome)}".`);
    const c = await this.load(caseId);
    await this.requireLegal(lawyer, c.queue as Queue);
    const cleanNote = cleanText(note, "note", false);
    const now = this.clock();
    return inTransaction(this.prisma, async (tx) => {
      const current = await tx.case.findUniqueOrThrow({ where: { id: c.id } });
      if (
        current.status === "resolved" &&
        current.outcome === outcome &&
        same(lawyer, current.ownerPlatform, current.ownerId)
      ) {
        return toView(current); // the same modal submitted twice
      }
      const row = await this.transition(tx, current, ["open", "claimed"], "resolved", now, {
        status: "resolved",
        outcome,
        note: cleanNote,
        resolvedAt: now,
        ...(current.ownerId ? {} : { ownerPlatform: lawyer.platform, ownerId: lawyer.userId }),
        ...(outcome === "sources-do-not-cover" ? { flaggedForPolicy: true } : {}),
      });
      await writeEvent(tx, row.id, actorOf(lawyer), "case.resolved", now, { outcome, note: cleanNote });
      await writeOutbox(tx, row.id, now, [
        ...this.cardUpdates(row),
        ...this.queueNotices(row, { event: "resolved", by: lawyer, outcome, note: cleanNote }),
        this.askerNotice(row, "resolved", { by: lawyer, outcome, note: cleanNote }),
      ]);
      await cancelReminders(tx, row.id, now);
      return toView(row);
    });
  }

  /** Open a resolved or cancelled case again (the asker, or the queue's legal staff). */
  async reopen(caseId: string, actor: UserRef, reason?: string | null): Promise<CaseView> {
    checkUser(actor, "user");
    const c = await this.load(caseId);
    const byAsker = same(actor, c.askerPlatform, c.askerUserId);
    if (!byAsker && !(await this.isLegal(actor, c.queue as Queue))) throw new NotAuthorized("not-your-case");
    const cleanReason = cleanText(reason, "reason", false);
    const now = this.clock();
    return inTransaction(this.prisma, async (tx) => {
      const row = await this.transition(tx, c, ["resolved", "cancelled"], "reopened", now, {
        status: "open",
        ownerPlatform: null,
        ownerId: null,
        outcome: null,
        note: null,
        claimedAt: null,
        resolvedAt: null,
        cancelledAt: null,
      });
      await writeEvent(tx, row.id, actorOf(actor), "case.reopened", now, { reason: cleanReason, from: c.status });
      await writeOutbox(tx, row.id, now, [
        ...this.cardUpdates(row),
        ...this.queueNotices(row, { event: "reopened", by: actor, reason: cleanReason }),
        ...(byAsker ? [] : [this.askerNotice(row, "reopened", { by: actor, reason: cleanReason })]),
      ]);
      const q = this.config.queues[row.queue as Queue];
      await scheduleReminder(
        tx,
        row.id,
        "unclaimed",
        new Date(now.getTime() + unclaimedDelay(q.reminders, row.urgent)),
        now,
      );
      return toView(row);
    });
  }

  /** The asker withdraws the case. */
  async cancel(caseId: string, asker: UserRef, reason?: string | null): Promise<CaseView> {
    checkUser(asker, "asker");
    const c = await this.load(caseId);
    if (!same(asker, c.askerPlatform, c.askerUserId)) {
      throw new NotAuthorized("not-your-case", "Only the employee who asked can cancel this case.");
    }
    const cleanReason = cleanText(reason, "reason", false);
    const now = this.clock();
    return inTransaction(this.prisma, async (tx) => {
      const row = await this.transition(tx, c, ["open", "claimed"], "cancelled", now, {
        status: "cancelled",
        cancelledAt: now,
      });
      await writeEvent(tx, row.id, actorOf(asker), "case.cancelled", now, { reason: cleanReason });
      await writeOutbox(tx, row.id, now, [
        ...this.cardUpdates(row),
        ...this.queueNotices(row, { event: "cancelled", by: asker, reason: cleanReason }),
      ]);
      await cancelReminders(tx, row.id, now);
      return toView(row);
    });
  }

  // -------------------------------------------------------------------------------------
  // Reading

  /** One case, for its asker or its queue's legal staff. Accepts the id or the reference. */
  async getCase(caseIdOrRef: string, viewer: UserRef): Promise<CaseView> {
    checkUser(viewer, "viewer");
    const c = await this.load(caseIdOrRef);
    await this.requireVisible(c, viewer);
    return toView(c);
  }

  /** The case's timeline (events, oldest first), for its asker or its queue's legal staff. */
  async timeline(caseIdOrRef: string, viewer: UserRef): Promise<CaseEventView[]> {
    checkUser(viewer, "viewer");
    const c = await this.load(caseIdOrRef);
    await this.requireVisible(c, viewer);
    const events = await query(() =>
      this.prisma.caseEvent.findMany({ where: { caseId: c.id }, orderBy: { id: "asc" } }),
    );
    return events.map((e) => ({
      id: e.id,
      kind: e.kind,
      actor: e.actor,
      at: e.at.toISOString(),
      payload: e.payload as Record<string, unknown>,
    }));
  }

  /**
   * Cases the viewer may see: legal staff get the open and claimed cases of their queues;
   * everyone gets their own escalations. Nobody sees another employee's case.
   */
  async listCases(viewer: UserRef, options: { limit?: number } = {}): Promise<CaseList> {
    checkUser(viewer, "viewer");
    const limit = Math.min(Math.max(options.limit ?? 25, 1), 100);
    const queues: Queue[] = [];
    for (const queue of QUEUES) if (await this.isLegal(viewer, queue)) queues.push(queue);
    const [legal, own] = await Promise.all([
      queues.length === 0
        ? Promise.resolve([] as Case[])
        : query(() =>
            this.prisma.case.findMany({
              where: { queue: { in: queues }, status: { in: ["open", "claimed"] } },
              orderBy: [{ urgent: "desc" }, { createdAt: "asc" }],
              take: limit,
            }),
          ),
      query(() =>
        this.prisma.case.findMany({
          where: { askerPlatform: viewer.platform, askerUserId: viewer.userId },
          orderBy: { createdAt: "desc" },
          take: limit,
        }),
      ),
    ]);
    return { queues, legal: legal.map(toView), own: own.map(toView) };
  }

  /**
   * Which case a platform message belongs to: the card a reply was threaded under. For the
   * adapters' routing only; it returns no case content.
   */
  async caseForCardMessage(channel: string, platformMessageId: string): Promise<{ id: string; ref: string } | null> {
    const row = await query(() =>
      this.prisma.outbox.findFirst({
        where: { channel, kind: "case.card", platformMessageId },
        select: { case: { select: { id: true, ref: true } } },
      }),
    );
    return row?.case ?? null;
  }

  /**
   * Which case a message the bot delivered to its asker belongs to (the "case opened" notice,
   * a lawyer's relayed message...): the asker's reply threaded under it goes to that case.
   * For the adapters' routing only; it returns no case content.
   */
  async caseForAskerMessage(channel: string, platformMessageId: string): Promise<{ id: string; ref: string } | null> {
    const row = await query(() =>
      this.prisma.outbox.findFirst({
        where: { channel, kind: { in: ["asker.notice", "relay.to-asker"] }, platformMessageId },
        select: { case: { select: { id: true, ref: true } } },
      }),
    );
    return row?.case ?? null;
  }

  /** Is the user legal staff of this queue? (For adapters deciding which buttons to show.) */
  async isLegal(user: UserRef, queue: Queue): Promise<boolean> {
    try {
      return Boolean(await this.directory.isLegalStaff(user.platform, user.userId, queue));
    } catch (error) {
      if (error instanceof DatabaseUnavailable) throw error;
      return false; // a directory that cannot answer grants nothing
    }
  }

  // -------------------------------------------------------------------------------------
  // Internals

  private async byKey(idempotencyKey: string, asker: UserRef): Promise<CaseView | null> {
    const row = await query(() => this.prisma.case.findUnique({ where: { idempotencyKey } }));
    if (!row) return null;
    if (!same(asker, row.askerPlatform, row.askerUserId)) {
      throw new InvalidInput("This escalation key belongs to another user's case.");
    }
    return toView(row);
  }

  private async load(caseIdOrRef: string): Promise<Case> {
    if (typeof caseIdOrRef !== "string" || !caseIdOrRef) throw new CaseNotFound(String(caseIdOrRef));
    const byRef = REF_PATTERN.test(caseIdOrRef);
    const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(caseIdOrRef);
    if (!byRef && !isUuid) throw new CaseNotFound(caseIdOrRef);
    const row = await query(() =>
      this.prisma.case.findUnique({ where: byRef ? { ref: caseIdOrRef.toUpperCase() } : { id: caseIdOrRef } }),
    );
    if (!row) throw new CaseNotFound(caseIdOrRef);
    return row;
  }

  private async requireLegal(user: UserRef, queue: Queue): Promise<void> {
    if (!(await this.isLegal(user, queue))) throw new NotAuthorized("not-legal-staff");
  }

  private async requireVisible(c: Case, viewer: UserRef): Promise<void> {
    if (same(viewer, c.askerPlatform, c.askerUserId)) return;
    if (await this.isLegal(viewer, c.queue as Queue)) return;
    throw new NotAuthorized("not-your-case");
  }

  /** The conditional update every transition rests on: only from the allowed statuses. */
  private async transition(
    tx: Tx,
    c: Case,
    from: CaseStatus[],
    action: string,
    now: Date,
    data: Prisma.CaseUpdateManyMutationInput,
  ): Promise<Case> {
    const done = await tx.case.updateMany({
      where: { id: c.id, status: { in: from } },
      data: { ...data, updatedAt: now, lastActivityAt: now, version: { increment: 1 } },
    });
    const row = await tx.case.findUniqueOrThrow({ where: { id: c.id } });
    if (done.count === 0) throw new InvalidTransition(row.ref, row.status, action);
    return row;
  }

  private cardUpdates(row: Case): OutboxRow[] {
    const view = toView(row);
    return legalPlatforms(this.config.queues[row.queue as Queue]).map((platform): OutboxRow => ({
      channel: platform,
      kind: "case.card.update",
      target: { type: "queue", queue: row.queue as Queue },
      payload: { case: view },
    }));
  }

  private queueNotices(row: Case, notice: Omit<OutboxPayloads["queue.notice"], "ref" | "caseId">): OutboxRow[] {
    return legalPlatforms(this.config.queues[row.queue as Queue]).map((platform): OutboxRow => ({
      channel: platform,
      kind: "queue.notice",
      target: { type: "queue", queue: row.queue as Queue },
      payload: { ref: row.ref, caseId: row.id, ...notice },
    }));
  }

  private askerNotice(
    row: Case,
    event: "opened" | "claimed" | "resolved" | "reopened" | "cancelled",
    extra: { by?: UserRef; outcome?: Outcome; note?: string | null; reason?: string | null } = {},
  ): OutboxRow {
    const queue = row.queue as Queue;
    return {
      channel: row.askerPlatform,
      kind: "asker.notice",
      target: { type: "user", userId: row.askerUserId },
      payload: { ref: row.ref, caseId: row.id, queue, event, phone: this.phoneFor(queue), ...extra },
    };
  }
}
