/**
 * The closed vocabulary of the policy contract (shared/policy/SPEC.md): the facts a
 * question is read into, and the decisions the rules can reach. Everything else in the
 * pack (rules, lexicon, escalation targets) is data checked against these lists.
 */

export const ROLES = [
  "doe",
  "nypd",
  "health",
  "social-services",
  "corrections",
  "other-agency",
  "legal",
  "unknown",
] as const;

export const PLACES = [
  "school",
  "hospital",
  "shelter-or-social-services",
  "city-office",
  "police-facility",
  "jail-or-custody",
  "street-or-public-space",
  "unknown",
] as const;

export const AREAS = ["public", "non-public", "unknown"] as const;

export const REQUESTERS = ["immigration", "federal-law-enforcement", "unknown-law-enforcement", "none"] as const;

export const REQUESTS = [
  "entry",
  "information",
  "assistance",
  "detainer",
  "agreement",
  "task-force",
  "rights-referral",
  "general",
] as const;

export const DOCUMENTS = ["judicial-warrant", "administrative-warrant", "subpoena", "none", "unknown"] as const;

export const PRESSURES = ["none", "insists", "force-or-threat", "emergency"] as const;

export type Role = (typeof ROLES)[number];
export type Place = (typeof PLACES)[number];
export type Area = (typeof AREAS)[number];
export type Requester = (typeof REQUESTERS)[number];
export type Request = (typeof REQUESTS)[number];
export type DocumentKind = (typeof DOCUMENTS)[number];
export type Pressure = (typeof PRESSURES)[number];

/** The seven facts of the SPEC: what the rules read, and what `--json` prints. */
export interface Facts {
  role: Role;
  place: Place;
  area: Area;
  requester: Requester;
  request: Request;
  document: DocumentKind;
  pressure: Pressure;
}

export const FACT_VALUES = {
  role: ROLES,
  place: PLACES,
  area: AREAS,
  requester: REQUESTERS,
  request: REQUESTS,
  document: DOCUMENTS,
  pressure: PRESSURES,
} as const satisfies { [K in keyof Facts]: readonly Facts[K][] };

export type FactName = keyof Facts;
export const FACT_NAMES = Object.keys(FACT_VALUES) as FactName[];

/**
 * Signals: what the extractor notices beyond the seven facts, which some rules read
 * (the SPEC's conventions name them: a private site, a task force's criminal focus,
 * a judge-signed arrest warrant, a side request for legal help). They are reported in
 * the answer but are not part of the SPEC's facts object.
 */
export interface Signals {
  /** The question says the site is private (not City property). */
  privateSite: boolean;
  /** A task force's stated focus is criminal (gangs, trafficking, narcotics, terrorism). */
  criminalFocus: boolean;
  /** The judicial document is an arrest warrant (not a search warrant). */
  arrestWarrant: boolean;
  /** Someone (a resident, a parent) wants legal help or rights material besides the main request. */
  wantsReferral: boolean;
  /** The asker wants to block, fight or otherwise physically resist the agents. */
  asksToResist: boolean;
  /** The question reads like an attempt to instruct the bot ("ignore your rules"). */
  instructionAttempt: boolean;
}

export const SIGNAL_NAMES = [
  "privateSite",
  "criminalFocus",
  "arrestWarrant",
  "wantsReferral",
  "asksToResist",
  "instructionAttempt",
] as const satisfies readonly (keyof Signals)[];

export const DECISIONS = [
  "OUT_OF_SCOPE",
  "NO_POLICY_IN_FORCE",
  "AGREEMENT_PROHIBITED",
  "TASK_FORCE_PERMITTED",
  "SAFETY_DO_NOT_OBSTRUCT",
  "NYPD_ASSIST_EMERGENCY",
  "NYPD_ASSIST_DUTY_CHIEF",
  "DETAINER_LIMITED",
  "ASSIST_NO_VOLUNTARY_COOPERATION",
  "INFO_DO_NOT_DISCLOSE",
  "ENTRY_JUDICIAL_WARRANT_REVIEW",
  "ENTRY_DENY_WITHOUT_JUDICIAL_WARRANT",
  "RIGHTS_REFERRAL",
  "UNCOVERED_ESCALATE",
] as const;
export type Decision = (typeof DECISIONS)[number];

/** Legal queues are routing keys: deployment config maps each to channels and a phone. */
export const QUEUES = ["doe-legal", "nypd-legal", "agency-counsel"] as const;
export type Queue = (typeof QUEUES)[number];

/** How a rule escalates, in the SPEC's words: no / offer / yes / yes, urgent / yes, notify. */
export const ESCALATION_MODES = ["none", "offer", "required", "urgent", "notify"] as const;
export type EscalationMode = (typeof ESCALATION_MODES)[number];
