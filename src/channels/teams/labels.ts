/**
 * Words the Teams cards use for roles and facts, the example questions, and how a typed
 * line is read as a command (help, role, sources, cases) or a question. Presentation only:
 * what the bot decides comes from the core. (The Slack adapter has its own wording; the
 * channel adapters do not import each other.)
 */
import type { Facts, Role } from "../../policy/vocabulary.js";

export { CORRECTABLE, ROLE_LABELS, type CorrectableFact } from "../common/words.js";
import { parseRoleCommand, type CorrectableFact } from "../common/words.js";

export const FACT_TITLES: Record<CorrectableFact, string> = {
  place: "Where",
  requester: "Which agents",
  request: "What they want",
  document: "Document",
  pressure: "Pressure",
};

export const FACT_LABELS: { [K in CorrectableFact]: Record<Facts[K], string> } = {
  place: {
    school: "At a school",
    hospital: "At a hospital or clinic",
    "shelter-or-social-services": "At a shelter or social services office",
    "city-office": "At another City building",
    "police-facility": "At a police facility",
    "jail-or-custody": "At a jail or in custody",
    "street-or-public-space": "Outside, on the street",
    unknown: "Not sure",
  },
  requester: {
    immigration: "Immigration (ICE, HSI, CBP)",
    "federal-law-enforcement": "FBI, DEA, ATF or Marshals",
    "unknown-law-enforcement": "Law enforcement, not sure which",
    none: "No agents involved",
  },
  request: {
    entry: "To come in",
    information: "Records or information",
    assistance: "Our help (arrest, transport...)",
    detainer: "A hold or a release date",
    agreement: "A standing agreement (287(g))",
    "task-force": "A joint criminal task force",
    "rights-referral": "Someone needs rights info or legal help",
    general: "A general question",
  },
  document: {
    "judicial-warrant": "Signed by a judge",
    "administrative-warrant": "ICE form / signed by an officer",
    subpoena: "A subpoena",
    none: "No document",
    unknown: "Not sure",
  },
  pressure: {
    none: "No pressure",
    insists: "They insist or argue",
    "force-or-threat": "Force, threats, or I feel unsafe",
    emergency: "A life-safety emergency",
  },
};

export { EXAMPLES, parseRoleWords } from "../common/words.js";

export type Command =
  | { kind: "help" }
  | { kind: "sources" }
  | { kind: "cases" }
  | { kind: "role"; role?: Role; unknownWords?: string }
  | { kind: "ask"; question: string };

/** A line typed to the bot (mention removed): a command, or a question. */
export function parseCommand(text: string): Command {
  const trimmed = text.trim();
  const lower = trimmed.toLowerCase();
  if (lower === "" || /^(help|ayuda|\?|usage|hi|hello|hola)$/.test(lower)) return { kind: "help" };
  if (/^(sources|fuentes)\??$/.test(lower)) return { kind: "sources" };
  if (/^(cases|my cases|casos)$/.test(lower)) return { kind: "cases" };
  const role = parseRoleCommand(trimmed);
  if (role) return role;
  return { kind: "ask", question: trimmed };
}
