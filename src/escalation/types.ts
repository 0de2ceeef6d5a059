/**
 * The channel-neutral vocabulary of escalation: who acts, what a case looks like to the
 * adapters, and the messages the outbox asks a channel to deliver. Slack and Teams adapters
 * render these; nothing here knows either platform.
 */
import type { Decision, Facts, Queue, Role } from "../policy/vocabulary.js";

/** A chat platform ("slack", "teams"; "cli" in tests and tools). */
export type Platform = "slack" | "teams" | (string & {});

/** A person on a platform. On Teams, userId is the Microsoft Entra (AAD) object id. */
export interface UserRef {
  platform: Platform;
  userId: string;
}

/** The employee who escalates; role from their profile (else the answer's facts). */
export interface Asker extends UserRef {
  role?: Role;
}

export const CASE_STATUSES = ["open", "claimed", "resolved", "cancelled"] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** How a lawyer closes a case. "sources-do-not-cover" flags it for the policy authors. */
export const OUTCOMES = [
  "advised",
  "handled-by-phone",
  "referred",
  "no-action-needed",
  "sources-do-not-cover",
] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const OUTCOME_LABELS: Record<Outcome, string> = {
  advised: "Advice given",
  "handled-by-phone": "Handled by phone",
  referred: "Referred elsewhere",
  "no-action-needed": "No action needed",
  "sources-do-not-cover": "The sources do not cover this",
};

export interface CitationView {
  source: string;
  title?: string;
  date?: string;
  quote: string;
}

/** A case as adapters see and render it (JSON-friendly: dates are ISO strings). */
export interface CaseView {
  id: string;
  /** Human reference, e.g. ICE-2026-0042. */
  ref: string;
  status: CaseStatus;
  queue: Queue;
  urgent: boolean;
  decision: Decision;
  headline: string;
  asOf: string;
  facts: Facts;
  steps: string[];
  contacts: string[];
  citations: CitationView[];
  /** A redacted excerpt of the question, when the adapter passed it. */
  questionExcerpt: string | null;
  asker: UserRef & { role: string };
  owner: UserRef | null;
  outcome: Outcome | null;
  note: string | null;
  flaggedForPolicy: boolean;
  /** Bumped on every change; a card rendered from an older version is stale. */
  version: number;
  createdAt: string;
  updatedAt: string;
  lastActivityAt: string;
  claimedAt: string | null;
  resolvedAt: string | null;
  cancelledAt: string | null;
}

export interface CaseEventView {
  id: number;
  kind: string;
  /** "<platform>:<userId>", "system" or "reminder". */
  actor: string;
  at: string;
  payload: Record<string, unknown>;
}

export interface CaseList {
  /** Queues the viewer is legal staff of. */
  queues: Queue[];
  /** Open and claimed cases in those queues (urgent first, then oldest first). */
  legal: CaseView[];
  /** The viewer's own escalations, newest first. */
  own: CaseView[];
}

export type Clock = () => Date;

// ---------------------------------------------------------------------------------------
// Outbox messages: what a channel gateway is asked to deliver.

/** Where a message goes: the queue's legal channel (in the case thread once the card is
 * posted), or one person by direct message. */
export type Target = { type: "queue"; queue: Queue } | { type: "user"; userId: string };

export type CaseEventName = "opened" | "claimed" | "resolved" | "reopened" | "cancelled";

export interface OutboxPayloads {
  /** Post the case card to the queue's legal channel. */
  "case.card": { case: CaseView };
  /** The case changed: update the card in place (message id in `thread`). */
  "case.card.update": { case: CaseView };
  /** A line in the case thread: who claimed, resolved, reopened or cancelled. */
  "queue.notice": {
    ref: string;
    caseId: string;
    event: Exclude<CaseEventName, "opened">;
    by: UserRef;
    outcome?: Outcome;
    note?: string | null;
    reason?: string | null;
  };
  /** Tell the asker what happened to their case. */
  "asker.notice": {
    ref: string;
    caseId: string;
    queue: Queue;
    event: CaseEventName;
    by?: UserRef;
    outcome?: Outcome;
    note?: string | null;
    reason?: string | null;
    /** The queue's phone number, for the asker's reference. */
    phone: string;
  };
  /** A lawyer's message, to the asker by direct message. */
  "relay.to-asker": { ref: string; caseId: string; from: UserRef; text: string };
  /** The asker's message, into the case thread. */
  "relay.to-legal": { ref: string; caseId: string; from: UserRef; text: string };
  /** Nobody has claimed the case: re-ping the queue channel, or the backup by DM. */
  "reminder.unclaimed": {
    ref: string;
    caseId: string;
    queue: Queue;
    urgent: boolean;
    waitingMinutes: number;
    round: number;
    toBackup: boolean;
  };
  /** A claimed case has had no activity: remind its owner by DM. */
  "reminder.idle": { ref: string; caseId: string; queue: Queue; idleMinutes: number; round: number };
}

export type OutboxKind = keyof OutboxPayloads;

interface OutboxMessageBase {
  /** The outbox row id: unique per message, usable as an idempotency hint. */
  id: number;
  caseId: string;
  /** The platform that must deliver it. */
  channel: Platform;
  target: Target;
  /** Delivery attempts before this one. */
  attempts: number;
  /** The case card's message id on this channel (post in its thread / update it), once sent. */
  thread?: string;
}

/** One message to deliver; switch on `kind` for a typed payload. */
export type OutboxMessage = {
  [K in OutboxKind]: OutboxMessageBase & { kind: K; payload: OutboxPayloads[K] };
}[OutboxKind];
