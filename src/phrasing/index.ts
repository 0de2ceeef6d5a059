/**
 * The phrasing layer's public surface. Channels need only `deliverAnswer` (or
 * `applyPhrasing` with a `PhrasingService`); the composition root builds the service with
 * `createPhrasingService(process.env, { logger })`.
 */
export { applyPhrasing, LABELS, type CitationView, type PhrasedView } from "./apply.js";
export { checkPhrasing, REJECTION_REASONS, type RejectionReason, type Violation } from "./checker.js";
export { describePhrasingConfig, loadPhrasingConfig, type Env, type PhrasingConfig } from "./config.js";
export { deliverAnswer, type Delivery, type Phraser } from "./deliver.js";
export { buildPhrasingInput, type PhrasableAnswer, type PhrasingInput } from "./input.js";
export {
  createPhrasingService,
  PhrasingService,
  type FallbackReason,
  type PhraseOptions,
  type PhraseResult,
  type PhrasingLogger,
  type PhrasingStats,
} from "./service.js";
