/**
 * Words every chat surface shares: the example questions and how people name their role
 * ("role nurse", "rol maestra"). Channel-neutral: Slack and Teams render them their own way.
 */
import type { Role } from "../../policy/vocabulary.js";

/** Example questions (help, App Home). Our own words, so a button may carry its index. */
export const EXAMPLES = [
  "ICE agents are at the front desk of my school without a warrant",
  "Immigration officers want our list of shelter residents",
  "ICE showed an I-200 form and wants to come into the clinic",
  "ICE asked us to help with an arrest outside the precinct",
  "Agents are forcing their way into the office and I feel unsafe",
  "La migra está en la puerta del refugio, ¿qué hago?",
] as const;

/** Words people use for their role (`/ice-protocol role ...` in Slack, `role ...` in Teams). */
const ROLE_WORDS: [RegExp, Role][] = [
  [/^(doe|school|schools|teacher|principal|school staff|educator)$/, "doe"],
  [/^(nypd|police|officer|cop|school safety|school safety agent|ssa)$/, "nypd"],
  [/^(health|hospital|clinic|nurse|doctor|h\+h|nyc health|health \+ hospitals)$/, "health"],
  [/^(social-services|social services|shelter|hra|dhs|caseworker|social worker)$/, "social-services"],
  [/^(corrections|doc|jail|correction officer|rikers)$/, "corrections"],
  [/^(other-agency|other agency|other|agency|city agency|city worker|city employee)$/, "other-agency"],
  [/^(legal|lawyer|attorney|counsel)$/, "legal"],
  [/^(unknown|none|clear|reset|forget)$/, "unknown"],
];

export function parseRoleWords(text: string): Role | undefined {
  const words = text.trim().toLowerCase().replace(/\s+/g, " ");
  for (const [pattern, role] of ROLE_WORDS) if (pattern.test(words)) return role;
  return undefined;
}

/** The roles' names, as every surface shows them. */
export const ROLE_LABELS: Record<Role, string> = {
  doe: "School staff (DOE)",
  nypd: "NYPD (including school safety agents)",
  health: "Hospital or clinic staff",
  "social-services": "Shelter or social services staff",
  corrections: "Corrections staff",
  "other-agency": "Another City agency",
  legal: "Legal staff or counsel",
  unknown: "Not set",
};

/** The facts an asker may correct in "what I understood", in reading order. */
export const CORRECTABLE = ["place", "requester", "request", "document", "pressure"] as const;
export type CorrectableFact = (typeof CORRECTABLE)[number];

export type RoleCommand = { kind: "role"; role?: Role; unknownWords?: string } | { kind: "ask"; question: string };

/**
 * "role nurse", "rol maestra", "role" alone: the role command, or undefined when the line is
 * not one. "role of ICE agents in schools?" is a question, not a role to set.
 */
export function parseRoleCommand(trimmed: string): RoleCommand | undefined {
  const role = /^(?:role|rol|my role|set role)(?:\s+(.*))?$/s.exec(trimmed.toLowerCase());
  if (!role) return undefined;
  const words = role[1]?.trim() ?? "";
  if (words === "") return { kind: "role" };
  const parsed = parseRoleWords(words.replace(/^(?:is|=|:|i am|i'm)\s+/, ""));
  if (parsed) return { kind: "role", role: parsed };
  if (words.split(/\s+/).length >= 3) return { kind: "ask", question: trimmed };
  return { kind: "role", unknownWords: words };
}
