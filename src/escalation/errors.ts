/**
 * Typed refusals. An adapter catches EscalationError (show `message` to the user: it is
 * written for them) and DatabaseUnavailable (answer from the core, show the phone number).
 * A refusal never changes anything.
 */
import type { CaseStatus, UserRef } from "./types.js";

export { DatabaseUnavailable } from "../db/errors.js";

export type EscalationErrorCode =
  "not-authorized" | "case-not-found" | "invalid-transition" | "already-claimed" | "invalid-input";

export abstract class EscalationError extends Error {
  abstract readonly code: EscalationErrorCode;
}

export class NotAuthorized extends EscalationError {
  override name = "NotAuthorized";
  readonly code = "not-authorized";
  constructor(
    /** not-legal-staff: a legal action by someone who is not the queue's legal staff;
     * not-your-case: someone who is neither the asker nor the queue's legal staff. */
    readonly reason: "not-legal-staff" | "not-your-case",
    message = reason === "not-legal-staff"
      ? "Only this queue's legal staff can do that."
      : "This case is visible only to the employee who asked and the legal staff of its queue.",
  ) {
    super(message);
  }
}

export class CaseNotFound extends EscalationError {
  override name = "CaseNotFound";
  readonly code = "case-not-found";
  constructor(readonly caseRef: string) {
    super(`There is no case ${caseRef}.`);
  }
}

export class InvalidTransition extends EscalationError {
  override name = "InvalidTransition";
  readonly code = "invalid-transition";
  constructor(
    readonly ref: string,
    readonly status: CaseStatus,
    readonly action: string,
  ) {
    super(`Case ${ref} is ${status}: it cannot be ${action} now.`);
  }
}

export class AlreadyClaimed extends EscalationError {
  override name = "AlreadyClaimed";
  readonly code = "already-claimed";
  constructor(
    readonly ref: string,
    readonly owner: UserRef,
  ) {
    super(`Case ${ref} has already been claimed by someone else.`);
  }
}

export class InvalidInput extends EscalationError {
  override name = "InvalidInput";
  readonly code = "invalid-input";
}
