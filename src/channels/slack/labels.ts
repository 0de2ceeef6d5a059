/**
 * Words for the facts' values as an employee reads them on a phone (menu options, at most
 * 75 characters each), and the example questions shown in help and App Home.
 */
import type { Facts } from "../../policy/vocabulary.js";

/**
 * The facts the "what I understood" menus let the asker correct, in reading order. The role
 * has its own remembered path (asked in the answer when unknown, `/ice-protocol role`, App
 * Home), so the line only shows it.
 */
export { CORRECTABLE, ROLE_LABELS, type CorrectableFact } from "../common/words.js";
import type { CorrectableFact } from "../common/words.js";

export const FACT_LABELS: { [K in CorrectableFact | "role"]: Record<Facts[K], string> } = {
  place: {
    school: "At a school",
    hospital: "At a hospital or clinic",
    "shelter-or-social-services": "At a shelter or social services office",
    "city-office": "At another City building",
    "police-facility": "At a police facility",
    "jail-or-custody": "At a jail or in custody",
    "street-or-public-space": "Outside, on the street",
    unknown: "Place: not sure",
  },
  requester: {
    immigration: "Agents: immigration (ICE, HSI, CBP)",
    "federal-law-enforcement": "Agents: FBI, DEA, ATF or Marshals",
    "unknown-law-enforcement": "Agents: law enforcement, not sure which",
    none: "No agents involved",
  },
  request: {
    entry: "They want: to come in",
    information: "They want: records or information",
    assistance: "They want: our help (arrest, transport...)",
    detainer: "They want: a hold or a release date",
    agreement: "They want: a standing agreement (287(g))",
    "task-force": "They want: a joint criminal task force",
    "rights-referral": "Someone needs rights info or legal help",
    general: "A general question",
  },
  document: {
    "judicial-warrant": "Document: signed by a judge",
    "administrative-warrant": "Document: ICE form / signed by an officer",
    subpoena: "Document: a subpoena",
    none: "No document",
    unknown: "Document: not sure",
  },
  pressure: {
    none: "No pressure",
    insists: "They insist or argue",
    "force-or-threat": "Force, threats, or I feel unsafe",
    emergency: "A life-safety emergency",
  },
  role: {
    doe: "You: school staff (DOE)",
    nypd: "You: NYPD",
    health: "You: hospital or clinic staff",
    "social-services": "You: shelter or social services",
    corrections: "You: corrections staff",
    "other-agency": "You: another City agency",
    legal: "You: legal staff",
    unknown: "You: role not set",
  },
};

export { EXAMPLES, parseRoleWords } from "../common/words.js";
