/**
 * Escalation to legal staff, channel-neutral. What a chat adapter uses:
 *
 * - EscalationService: escalate / claim / message / resolve / reopen / cancel, getCase,
 *   timeline, listCases, caseForCardMessage, caseForAskerMessage, isLegal, phoneFor.
 * - ChannelGateway: implement `send(message)` for your platform; the OutboxWorker calls it.
 * - startEscalationLoops: run the outbox and reminders in the background.
 * - Errors: EscalationError (show its message), DatabaseUnavailable (answer from the core
 *   and show phoneFor(queue)).
 */
export {
  ConfigError,
  escalationConfigSchema,
  legalPlatforms,
  loadEscalationConfig,
  parseEscalationConfig,
  type EscalationConfig,
  type QueueConfig,
  type ReminderConfig,
} from "./config.js";
export { configDirectory, type ConfigDirectoryOptions, type LegalDirectory } from "./directory.js";
export {
  AlreadyClaimed,
  CaseNotFound,
  DatabaseUnavailable,
  EscalationError,
  InvalidInput,
  InvalidTransition,
  NotAuthorized,
  type EscalationErrorCode,
} from "./errors.js";
export {
  DeliveryError,
  OutboxWorker,
  type ChannelGateway,
  type DeliveryResult,
  type OutboxWorkerOptions,
  type RoundReport,
} from "./outbox.js";
export { ProfileStore, type Profile } from "./profiles.js";
export { SeenEventStore, SEEN_EVENT_KEEP_MS } from "./seen-events.js";
export { ReminderScheduler, type ReminderOptions } from "./reminders.js";
export { startEscalationLoops, type LoopOptions, type RunningLoops } from "./runner.js";
export { startEscalation, type Escalation, type EscalationSetupOptions } from "./setup.js";
export { EscalationService, MAX_TEXT, type EscalateOptions, type EscalationServiceOptions } from "./service.js";
export * from "./types.js";
