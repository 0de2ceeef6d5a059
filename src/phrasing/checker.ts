/**
 * The checker: the model's sentences are shown only if every one of them passes every rule
 * below. Each rule has a reason code; one broken sentence rejects the whole phrasing (the
 * employee then sees the template wording, which is always complete on its own).
 *
 * The rules are deliberately blunt. A false rejection costs a friendlier sentence; a false
 * acceptance could tell an employee something the policy does not say. "Present in the
 * inputs" means present in what the model was shown (src/phrasing/input.ts): the question
 * is never an input here, so nothing from it can be echoed into a sentence.
 *
 * Matching runs on folded text (lower case, accents removed, curly apostrophes straight),
 * so Spanish patterns are written without accents.
 */
import type { PhrasingInput } from "./input.js";

export const REJECTION_REASONS = [
  "unknown-citation",
  "duplicate-citation",
  "missing-citation",
  "empty",
  "too-long",
  "link",
  "email",
  "phone",
  "off-script",
  "contradicts-decision",
  "urges-resistance",
  "invented-document",
  "invented-agency",
  "invented-date",
  "invented-number",
  "invented-name",
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

export interface Violation {
  reason: RejectionReason;
  /** The citation whose sentence broke the rule. */
  citation: string;
  /**
   * Which entry of a closed list matched (a pattern name, an agency, a document type). Never
   * text the model wrote, so it is safe to log.
   */
  term?: string;
}

export interface ProposedSentence {
  citation: string;
  text: string;
}

export type CheckResult = { ok: true; sentences: Record<string, string> } | { ok: false; violations: Violation[] };

export interface CheckOptions {
  maxSentenceChars: number;
}

// ---------------------------------------------------------------------------------------
// Text helpers

/** Lower case, no accents, straight apostrophes, single spaces. */
export function fold(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{M}+/gu, "")
    .replace(/[\u2018\u2019\u02bc`]/g, "'")
    .replace(/[\u201c\u201d«»]/g, '"')
    .toLowerCase()
    .replace(/\s+/g, " ");
}

const NEGATORS =
  /\b(?:not|no|never|nor|neither|cannot|without|rather than|instead of|en lugar de|en vez de|n't|nunca|jamas|ni|sin|prohibit\w*|prohib\w*|forbid\w*|refus\w*|restrict\w*|restring\w*|limit\w*|avoid\w*|evit\w*|rechaz\w*)\b|n't\b/;
/** Negations that do not negate: "don't hesitate to let them in". */
const FALSE_NEGATIONS =
  /\b(?:(?:do not|don't|dont|never) (?:hesitate|fail|forget|wait)|not only|no (?:dude|dudes|duden|olvide|olvides|deje de|dejes de|espere)|sin (?:dudar|demora|esperar))\b/;
const CLAUSE_BREAK = /[,;:.!?()]|\b(?:but|however|then|and|so|pero|sin embargo|luego|y|asi que|entonces|despues)\b/g;

/** Is the match at `index` negated within its own clause ("do not let them in")? */
function negated(folded: string, index: number): boolean {
  const before = folded.slice(0, index);
  let start = 0;
  for (const m of before.matchAll(CLAUSE_BREAK)) start = m.index + m[0].length;
  const clause = before.slice(start);
  const words = clause.trim().split(" ").slice(-10).join(" ");
  if (FALSE_NEGATIONS.test(words)) return false;
  return NEGATORS.test(words);
}

interface Pattern {
  name: string;
  re: RegExp;
}

function firstAffirmed(folded: string, patterns: Pattern[]): Pattern | undefined {
  for (const p of patterns) {
    const re = new RegExp(p.re.source, "g");
    for (const m of folded.matchAll(re)) {
      if (!negated(folded, m.index)) return p;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------
// Rule data

const AGENT = String.raw`(?:them|him|her|ice|(?:the |those |these )?(?:\w+ ){0,2}(?:agents?|officers?|officials?|police))`;

const ENTRY_PATTERNS: Pattern[] = [
  {
    name: "let-in",
    re: new RegExp(
      String.raw`\blet(?:s|ting)? ${AGENT}(?: \w+){0,2}? (?:in|inside|into|enter|through|pass|past|onto|beyond|come in|go in|up)\b`,
    ),
  },
  {
    name: "allow-entry",
    re: new RegExp(
      String.raw`\b(?:allow|permit)(?:s|ed|ing)? (?:${AGENT} )?(?:to )?(?:entry|enter|in|inside|into|access|onto|through|past|beyond|go in|come in|proceed)\b`,
    ),
  },
  { name: "open-door", re: /\bopen(?:s|ing)? (?:up )?(?:the |your |a |all )?(?:\w+ )?(?:doors?|gates?|entrance)\b/ },
  { name: "open-for", re: /\bopen (?:up )?(?:for|to) (?:them|the agents|ice)\b/ },
  {
    name: "give-access",
    re: /\b(?:give|grant|provide|offer)s? (?:them |the agents |ice )?(?:access|entry|entrance)\b/,
  },
  {
    name: "escort-in",
    re: new RegExp(
      String.raw`\b(?:escort|take|bring|show|walk|lead|usher)s? ${AGENT}(?: \w+)? (?:in|inside|into|through|past|back|upstairs)\b`,
    ),
  },
  {
    name: "may-enter",
    re: /\b(?:they|agents|officers|ice)(?: \w+)? (?:may|can|could|should|are (?:allowed|permitted|free|welcome) to) (?:enter|come in|go in|go past|go beyond|search|access)\b/,
  },
  { name: "go-anywhere", re: /\b(?:go|search|enter|look)(?: \w+)? (?:anywhere|wherever|everywhere)\b/ },
  { name: "wave-through", re: /\bwave (?:them|the agents) (?:in|through)\b/ },
  {
    name: "consent",
    re: /\b(?:consent(?:s)? to (?:the |their |an? )?(?:entry|search)|give (?:your |them )?consent)\b/,
  },
  { name: "step-aside", re: /\bstep(?:s|ping)? aside\b/ },
  {
    name: "es-let-in",
    re: /\b(?:dej(?:e|en|ar|a|emos)(?:los|las|le|les)? (?:pasar|entrar)|(?:los|las|le|les) dej(?:e|en|a|ar|emos) (?:pasar|entrar))\b/,
  },
  {
    name: "es-allow-entry",
    re: /\b(?:les |los )?permit(?:a|an|ir|e|en|ales|anles)(?:les|los)? (?:el |la )?(?:paso|entrada|ingreso|acceso|entrar|pasar|ingresar|que entren|que pasen)\b/,
  },
  { name: "es-open-door", re: /\babr(?:a|an|ir|e|en|anles|ales)(?:les)? (?:la|las) puertas?\b/ },
  {
    name: "es-give-access",
    re: /\b(?:de|den|dar|otorgue|otorguen|conceda|concedan)(?:les)? (?:el )?(?:acceso|paso|entrada)\b/,
  },
  { name: "es-may-enter", re: /\b(?:pueden|podran|puede) (?:entrar|pasar|ingresar)\b/ },
  {
    name: "es-step-aside",
    re: /\b(?:hag(?:ase|anse) a un lado|hazte a un lado|apart(?:ese|ense)|quit(?:ese|ense) del camino)\b/,
  },
];

const INFO_PATTERNS: Pattern[] = [
  {
    name: "give-records",
    re: /\b(?:give|hand|send|show|provide|pass|turn|read)s?(?: over| out)? (?:them |the agents |ice |over |out )?(?:the |our |any |all |their |his |her |its |student |personal |a copy of the )*(?:records?|files?|data|information|info|address(?:es)?|lists?|schedules?|rosters?|details)\b/,
  },
  { name: "hand-over", re: /\bhand(?:s|ed|ing)? (?:it |them |everything |the \w+ )?over\b/ },
  { name: "share", re: /\bshar(?:e|es|ed|ing)\b/ },
  { name: "disclose", re: /\b(?:disclos|divulg|reveal)(?:e|es|ed|ing)?\b/ },
  {
    name: "release-records",
    re: /\breleas(?:e|es|ing) (?:the |their |any |all )?(?:records|data|information|files)\b/,
  },
  { name: "confirm-presence", re: /\bconfirm(?:s|ing)? (?:to (?:them|the agents) )?(?:whether|that|if)\b/ },
  { name: "tell-where", re: /\btell (?:them|the agents|ice) (?:where|whether|if)\b/ },
  { name: "es-share", re: /\bcompart(?:a|an|ir|e|en|iendo|irlos|irla)\b/ },
  { name: "es-hand-over", re: /\bentreg(?:ue|uen|ar|a|arles|ueles|uenles)\b/ },
  {
    name: "es-give-records",
    re: /\b(?:de|den|dar|proporcion(?:e|en|ar)|facilit(?:e|en|ar))(?:les)? (?:los|la|las|sus|toda la) (?:registros|datos|informacion|expedientes|direcciones|listas?)\b/,
  },
  { name: "es-disclose", re: /\b(?:revel|divulg)(?:e|en|ar|ue|uen)\b/ },
  { name: "es-confirm", re: /\bconfirm(?:e|en|ar|ele|enle)(?:les)? (?:si|que)\b/ },
];

const ASSIST_PATTERNS: Pattern[] = [
  { name: "cooperate", re: /\b(?:cooperat|collaborat)(?:e|es|ed|ing)\b/ },
  {
    name: "help-agents",
    re: /\b(?:help|assist|aid|support)(?:s|ed|ing)? (?:them|the agents|the officers|ice|immigration|federal agents|with (?:the|an|their) (?:arrest|operation|raid|deportation))\b/,
  },
  {
    name: "hold-person",
    re: /\b(?:hold|detain|transport|lure|stop|keep)(?:s|ing)? (?:him|her|them|the (?:person|student|resident|client|patient|worker|man|woman)) (?:for|until|there)\b/,
  },
  { name: "sign-agreement", re: /\bsign (?:the |a |an )?(?:287\(?g\)? )?agreement\b/ },
  { name: "work-under", re: /\bwork (?:under|for) (?:ice|immigration|their supervision|their direction)\b/ },
  { name: "join-operation", re: /\bjoin (?:the |their )?(?:operation|raid)\b/ },
  { name: "es-cooperate", re: /\b(?:cooper|colabor)(?:a|an|e|en|ar|ara|aran|are|aremos|ando|emos)\b/ },
  { name: "es-help-agents", re: /\bayud(?:e|en|ar|arles|eles)(?:les)? a (?:los agentes|ice|inmigracion|la migra)\b/ },
];

const RESIST_PATTERNS: Pattern[] = [
  { name: "resist", re: /\bresist(?:s|ing|ed)?\b/ },
  {
    name: "block",
    re: /\bblock(?:s|ing|ed)? (?:them|him|her|the (?:door|doors|way|entrance|exit|agents?|officers?)|their (?:way|path)|access|entry)\b/,
  },
  { name: "fight", re: /\bfight(?:s|ing)?\b/ },
  { name: "physically-stop", re: /\bphysically (?:stop|prevent|remove|push|restrain|block|bar|keep)\b/ },
  { name: "stand-ground", re: /\bstand (?:your|their) ground\b/ },
  { name: "barricade", re: /\bbarricad\w*/ },
  { name: "push-out", re: /\b(?:push|force|drive|throw) (?:them|the agents?|the officers?) (?:out|back|away)\b/ },
  { name: "es-resist", re: /\bresist(?:a|an|ir|irse|e|en|ase|anse)\b/ },
  { name: "es-block", re: /\bbloque(?:e|en|ar|ando)\w*/ },
  { name: "es-prevent", re: /\b(?:impid(?:a|an)|impedir)(?:les)? (?:el paso|la entrada|que entren)\b/ },
  { name: "es-fight", re: /\b(?:luch|pele)(?:e|en|ar)\b/ },
  { name: "es-confront", re: /\benfrent(?:e|en|ar)(?:se|los|las)?\b/ },
  { name: "es-physically-stop", re: /\bdeten(?:er|ga|gan)(?:los|las)? fisicamente\b/ },
];

const INFO_DECISIONS = new Set(["INFO_DO_NOT_DISCLOSE"]);
const ASSIST_DECISIONS = new Set(["ASSIST_NO_VOLUNTARY_COOPERATION", "AGREEMENT_PROHIBITED"]);

const SAFETY_WORDS =
  /\b(?:safety|safe|unsafe|threat\w*|danger\w*|force|forced|seguridad|segur[oa]s?|amenaz\w*|peligr\w*|fuerza)\b/;
const ONLY_WITH_WARRANT =
  /\b(?:only|solo|solamente|unicamente|unless|a menos que|salvo que|excepto)\b.*\b(?:warrant|court|judge|orden judicial|orden de un juez|orden firmada|juez|tribunal|corte)\b/;
const LEGAL_BASIS =
  /\b(?:(?:required|requires|require) by (?:the )?law|law (?:explicitly |specifically |clearly )?requires?|legal basis|unless (?:the )?law|court order|counsel (?:confirms|approves|agrees)|(?:lo )?(?:exija|requiera|exige|requiere) (?:expresamente |explicitamente )?la ley|la ley lo (?:exija|requiera|exige|requiere)|(?:exigido|requerido|obligatorio|obligado) por (?:la )?ley|base legal|fundamento legal|orden judicial)\b/;

const LINK = /\b(?:https?:\/\/|www\.)|\b[a-z0-9-]+\.(?:gov|com|org|net|edu|nyc|io|us|info|ly|co)\b|\]\(/;
const EMAIL = /[\w.+-]+@[\w-]+\.[\w.-]+/;
const PHONE = /(?:\+?\d[\d\s().-]{6,}\d)/;
const OFF_SCRIPT =
  /\b(?:ignore|ignoring|disregard\w*|as an ai|an ai (?:language )?model|language model|chatbot|(?:previous|prior|above|earlier|system|my) (?:instructions|rules|prompt)|system prompt|i cannot|i can't|i'm sorry|i am sorry|i apologi[sz]e|jailbreak|developer mode|(?:the )?(?:rules|policy|policies|guidance) (?:have |has )?(?:changed|been (?:lifted|suspended|revoked)|no longer appl(?:y|ies))|ignor(?:a|e|en|ar|ando)\b|instrucciones (?:anteriores|previas|del sistema)|como (?:una )?(?:ia|inteligencia artificial)|modelo de lenguaje|lo siento|no puedo|las reglas (?:han )?cambiado)\b/;

interface AgencyGroup {
  key: string;
  acronyms: string[];
  /** Folded names in English and Spanish. */
  names: string[];
}

/** Longer names first within overlapping groups (HSI before DHS). */
const AGENCIES: AgencyGroup[] = [
  {
    key: "HSI",
    acronyms: ["HSI"],
    names: ["homeland security investigations", "investigaciones de seguridad nacional"],
  },
  {
    key: "ICE",
    acronyms: ["ICE"],
    names: [
      "immigration and customs enforcement",
      "servicio de inmigracion y control de aduanas",
      "inmigracion y control de aduanas",
      "la migra",
    ],
  },
  { key: "ERO", acronyms: ["ERO"], names: ["enforcement and removal operations"] },
  {
    key: "CBP",
    acronyms: ["CBP"],
    names: [
      "customs and border protection",
      "border patrol",
      "patrulla fronteriza",
      "aduanas y proteccion fronteriza",
      "oficina de aduanas",
    ],
  },
  {
    key: "USCIS",
    acronyms: ["USCIS"],
    names: ["citizenship and immigration services", "servicios de ciudadania e inmigracion"],
  },
  {
    key: "DHS",
    acronyms: ["DHS"],
    names: [
      "department of homeland security",
      "homeland security",
      "departamento de seguridad nacional",
      "seguridad nacional",
      "homeless services",
    ],
  },
  {
    key: "FBI",
    acronyms: ["FBI"],
    names: ["federal bureau of investigation", "buro federal de investigaciones", "oficina federal de investigacion"],
  },
  { key: "DEA", acronyms: ["DEA"], names: ["drug enforcement administration", "administracion de control de drogas"] },
  { key: "ATF", acronyms: ["ATF"], names: ["bureau of alcohol", "alcohol, tobacco"] },
  { key: "USMS", acronyms: ["USMS"], names: ["marshals service", "us marshals", "u.s. marshals", "alguaciles"] },
  { key: "DOJ", acronyms: ["DOJ"], names: ["department of justice", "departamento de justicia"] },
  {
    key: "NYPD",
    acronyms: ["NYPD"],
    names: ["new york police department", "police department", "departamento de policia"],
  },
  { key: "DOE", acronyms: ["DOE"], names: ["department of education", "departamento de educacion"] },
  { key: "DOC", acronyms: ["DOC"], names: ["department of correction", "departamento de correccion"] },
  { key: "HRA", acronyms: ["HRA"], names: ["human resources administration", "administracion de recursos humanos"] },
  { key: "ACS", acronyms: ["ACS"], names: ["administration for children's services", "children's services"] },
  { key: "NYCHA", acronyms: ["NYCHA"], names: ["housing authority"] },
  { key: "H+H", acronyms: ["H+H", "HHC"], names: ["health and hospitals"] },
];
/** Capitals that are not agencies. */
const ACRONYM_ALLOWLIST = new Set(["I", "US", "USA", "U.S", "EE", "UU", "NYC", "OK", "ID"]);

interface DocumentConcept {
  key: string;
  /** In the model's sentence (folded). */
  said: RegExp;
  /** In the inputs (folded). */
  given: RegExp;
}

const DOCUMENTS: DocumentConcept[] = [
  {
    key: "administrative-warrant",
    said: /\b(?:administrative warrants?|orden(?:es)? administrativas?|ice forms?|formularios? de ice)\b/,
    given: /\badministrative\b|\bi-20[05]\b|\bice forms?\b/,
  },
  {
    key: "arrest-warrant",
    said: /\b(?:arrest warrants?|orden(?:es)? de (?:arresto|detencion|captura|aprehension))\b/,
    given: /\barrest warrant/,
  },
  {
    key: "search-warrant",
    said: /\b(?:search warrants?|orden(?:es)? de (?:registro|cateo|allanamiento))\b/,
    given: /\bsearch warrant/,
  },
  {
    key: "judicial-warrant",
    said: /\b(?:judicial warrants?|court warrants?|court orders?|signed by a judge|judge-signed|orden(?:es)? judicial(?:es)?|mandamiento judicial|orden(?:es)? (?:de un|del|firmadas? por (?:un|una|el) ?) ?(?:juez|jueza|tribunal|corte)|orden(?:es)? de (?:la )?corte)\b/,
    given: /\bjudicial\b|\bcourt\b|\bjudge\b/,
  },
  {
    key: "subpoena",
    said: /\b(?:subpoenas?|citacion(?:es)?(?: judicial(?:es)?)?|citatorios?|orden(?:es)? de comparecencia)\b/,
    given: /\bsubpoena/,
  },
  {
    key: "detainer",
    said: /\b(?:detainers?|solicitud(?:es)? de (?:detencion|retencion)|orden(?:es)? de retencion)\b/,
    given: /\bdetainer/,
  },
  { key: "warrant", said: /\bwarrants?\b/, given: /\bwarrant/ },
  {
    key: "identity-document",
    said: /\b(?:passports?|pasaportes?|green cards?|tarjeta verde|visas?|social security|seguro social|ssn|driver'?s licen[cs]e|licencia de conducir)\b/,
    given: /\b(?:passport|green card|visa|social security|licen[cs]e)\b/,
  },
];
const FORM_NUMBER = /\bi-? ?(\d{3}[a-z]?)\b/g;

const MONTHS: Record<string, number> = {
  january: 1,
  february: 2,
  march: 3,
  april: 4,
  june: 6,
  july: 7,
  august: 8,
  september: 9,
  october: 10,
  november: 11,
  december: 12,
  enero: 1,
  febrero: 2,
  marzo: 3,
  abril: 4,
  mayo: 5,
  junio: 6,
  julio: 7,
  agosto: 8,
  septiembre: 9,
  setiembre: 9,
  octubre: 10,
  noviembre: 11,
  diciembre: 12,
};
/** "May" is a month only next to a day number. */
const MAY_AS_MONTH = /\bmay \d{1,2}\b|\b\d{1,2}(?:st|nd|rd|th)? (?:of )?may\b/;
const DAY_NAMES = new Set(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "may"]);
const DAY_WORDS =
  /\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|tomorrow|lunes|martes|miercoles|jueves|viernes|sabado|domingo|ayer)\b/g;
const ISO_DATE = /\b(\d{4})-(\d{2})-(\d{2})\b/g;
const YEAR = /\b(?:1[89]\d{2}|20\d{2})\b/g;
const NUMERIC_DATE = /\b\d{1,2}[/.]\d{1,2}(?:[/.]\d{2,4})?\b/g;
const DIGITS = /\d+(?:[.,]\d{3})*/g;

const NUMBER_WORDS: Record<string, number> = {
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
  hundred: 100,
  thousand: 1000,
  million: 1_000_000,
  dozen: 12,
};
const SPANISH_NUMBER_WORDS: Record<string, number> = {
  dos: 2,
  tres: 3,
  cuatro: 4,
  cinco: 5,
  seis: 6,
  siete: 7,
  ocho: 8,
  nueve: 9,
  diez: 10,
  doce: 12,
  trece: 13,
  catorce: 14,
  quince: 15,
  veinte: 20,
  treinta: 30,
  cuarenta: 40,
  cincuenta: 50,
  sesenta: 60,
  setenta: 70,
  ochenta: 80,
  noventa: 90,
  cien: 100,
  ciento: 100,
  mil: 1000,
  millon: 1_000_000,
  millones: 1_000_000,
  docena: 12,
  once: 11,
};

/** Capitalised words a plain sentence may use without the inputs saying them. */
const NAME_ALLOWLIST = new Set(
  [
    "city",
    "mayor",
    "mayoral",
    "council",
    "department",
    "office",
    "agency",
    "agencies",
    "federal",
    "state",
    "court",
    "judge",
    "law",
    "local",
    "legal",
    "counsel",
    "chancellor",
    "principal",
    "school",
    "schools",
    "police",
    "officer",
    "officers",
    "agent",
    "agents",
    "immigration",
    "rights",
    "know",
    "your",
    "executive",
    "order",
    "guidance",
    "united",
    "states",
    "new",
    "york",
    "education",
    "public",
    "english",
    "spanish",
    "ciudad",
    "alcalde",
    "alcaldesa",
    "alcaldia",
    "concejo",
    "departamento",
    "oficina",
    "agencia",
    "agencias",
    "federales",
    "estado",
    "estados",
    "unidos",
    "tribunal",
    "corte",
    "juez",
    "jueza",
    "ley",
    "leyes",
    "legales",
    "abogado",
    "abogada",
    "canciller",
    "director",
    "directora",
    "escuela",
    "escuelas",
    "policia",
    "agente",
    "agentes",
    "inmigracion",
    "derechos",
    "conozca",
    "conoce",
    "sus",
    "tus",
    "orden",
    "ejecutiva",
    "guia",
    "nueva",
    "educacion",
    "servicios",
    "sociales",
    "publicas",
    "publica",
    "ingles",
    "espanol",
    "nyc",
  ].map(fold),
);

// ---------------------------------------------------------------------------------------
// What the inputs contain

interface InputFacts {
  folded: string;
  words: Set<string>;
  acronyms: Set<string>;
  numbers: Set<number>;
  months: Set<number>;
  forms: Set<string>;
  /** Per citation: does its quote or a step citing it speak of safety? */
  safetyCited: Set<string>;
  /** Per citation: does its own quote speak of sharing information, or of cooperating? */
  quoteSays: Map<string, { info: boolean; assist: boolean }>;
}

function numbersIn(folded: string, spanish: boolean): number[] {
  const out: number[] = [];
  for (const m of folded.matchAll(DIGITS)) out.push(Number(m[0].replace(/[.,]/g, "")));
  for (const m of folded.matchAll(/\b[a-z]+\b/g)) {
    const w = m[0];
    const n = (spanish ? SPANISH_NUMBER_WORDS : NUMBER_WORDS)[w];
    if (n !== undefined) out.push(n);
  }
  return out;
}

function inputFacts(input: PhrasingInput): InputFacts {
  // Citation ids are labels, not content. Source ids are content the model is shown
  // ("doe-schools-2017": a sentence may say the DOE), read as words.
  const sourceWords = [...new Set(input.citations.map((c) => c.source))].join(" ").replace(/-/g, " ");
  const raw = [
    input.headline,
    ...input.steps.map((s) => s.text),
    ...input.citations.flatMap((c) => [c.quote, c.date]),
    sourceWords,
  ].join("\n");
  const folded = fold(raw);
  const words = new Set(folded.match(/\p{L}+/gu) ?? []);
  const acronyms = new Set(raw.match(/\b[A-Z][A-Z+.]*[A-Z]\b/g) ?? []);
  for (const w of sourceWords.split(" ")) if (/^[a-z]{2,5}$/.test(w)) acronyms.add(w.toUpperCase());
  // An ISO date gives a year, a month and a day, not three numbers a sentence may state.
  const months = new Set<number>();
  const numbers = new Set<number>();
  for (const m of folded.matchAll(ISO_DATE)) {
    numbers.add(Number(m[1]));
    months.add(Number(m[2]));
    numbers.add(Number(m[3]));
  }
  for (const n of numbersIn(folded.replace(ISO_DATE, " "), false)) numbers.add(n);
  for (const [name, n] of Object.entries(MONTHS)) if (new RegExp(`\\b${name}\\b`).test(folded)) months.add(n);
  if (MAY_AS_MONTH.test(folded)) months.add(5);
  const forms = new Set([...folded.matchAll(FORM_NUMBER)].map((m) => m[1]!));
  const safetyCited = new Set<string>();
  for (const c of input.citations) {
    const steps = input.steps.filter((s) => s.citations.includes(c.id)).map((s) => s.text);
    if (SAFETY_WORDS.test(fold([c.quote, ...steps].join(" ")))) safetyCited.add(c.id);
  }
  const quoteSays = new Map(
    input.citations.map((c) => {
      const q = fold(c.quote);
      return [c.id, { info: !!firstAffirmed(q, INFO_PATTERNS), assist: !!firstAffirmed(q, ASSIST_PATTERNS) }];
    }),
  );
  return { folded, words, acronyms, numbers, months, forms, safetyCited, quoteSays };
}

// ---------------------------------------------------------------------------------------
// The rules, one sentence at a time; the first broken rule is that sentence's reason.

function checkSentence(
  input: PhrasingInput,
  facts: InputFacts,
  citation: string,
  text: string,
  options: CheckOptions,
): Violation | undefined {
  const v = (reason: RejectionReason, term?: string): Violation => ({ reason, citation, ...(term ? { term } : {}) });
  const f = fold(text).trim();
  const spanish = input.language === "es";

  if (f === "") return v("empty");
  if (text.length > options.maxSentenceChars) return v("too-long");
  if (EMAIL.test(f)) return v("email");
  if (LINK.test(f)) return v("link");
  for (const m of f.matchAll(new RegExp(PHONE.source, "g"))) {
    if (/^\d{4}-\d{2}-\d{2}$/.test(m[0].trim())) continue;
    if ((m[0].match(/\d/g) ?? []).length >= 7) return v("phone");
  }
  const off = f.match(OFF_SCRIPT);
  if (off) return v("off-script");

  // Contradicting the decision. Letting agents in is never what an excerpt's sentence may
  // say on its own (only the step-aside excerpt, with its safety condition, or "only with a
  // court warrant"). Handing over information or cooperating contradicts the decisions that
  // refuse them; under other decisions a sentence may say it only where its own excerpt does
  // (detainer sharing, criminal task forces, the Duty Chief's assistance).
  const entry = firstAffirmed(f, ENTRY_PATTERNS);
  if (entry && !((facts.safetyCited.has(citation) && SAFETY_WORDS.test(f)) || ONLY_WITH_WARRANT.test(f))) {
    return v("contradicts-decision", entry.name);
  }
  const info = firstAffirmed(f, INFO_PATTERNS);
  if (info && !LEGAL_BASIS.test(f) && (INFO_DECISIONS.has(input.decision) || !facts.quoteSays.get(citation)!.info)) {
    return v("contradicts-decision", info.name);
  }
  const assist = firstAffirmed(f, ASSIST_PATTERNS);
  if (assist && (ASSIST_DECISIONS.has(input.decision) || !facts.quoteSays.get(citation)!.assist)) {
    return v("contradicts-decision", assist.name);
  }
  const resist = firstAffirmed(f, RESIST_PATTERNS);
  if (resist) return v("urges-resistance", resist.name);

  // Document types.
  for (const m of f.matchAll(FORM_NUMBER)) {
    if (!facts.forms.has(m[1]!)) return v("invented-document", "form-number");
  }
  for (const d of DOCUMENTS) {
    if (d.said.test(f) && !d.given.test(facts.folded)) return v("invented-document", d.key);
  }

  // Agencies, by name or acronym. Names of agencies the inputs mention may be used (and
  // translated); their words are then not names.
  const agencyWords = new Set<string>();
  for (const a of AGENCIES) {
    const inInputs = a.acronyms.some((x) => facts.acronyms.has(x)) || a.names.some((n) => facts.folded.includes(n));
    const named = a.names.filter((n) => new RegExp(`\\b${n.replace(/[.+()]/g, "\\$&")}\\b`).test(f));
    const abbreviated = a.acronyms.some((x) =>
      new RegExp(`(?<![A-Za-z])${x.replace(/[.+]/g, "\\$&")}(?![A-Za-z])`).test(text),
    );
    if ((named.length > 0 || abbreviated) && !inInputs) return v("invented-agency", a.key);
    for (const n of named) for (const w of n.split(/[^a-z]+/)) if (w) agencyWords.add(w);
  }
  for (const m of text.matchAll(/(?<![\p{L}\d])[A-Z][A-Z.+]*[A-Z](?![\p{L}\d])/gu)) {
    const acronym = m[0].replace(/\.$/, "");
    if (ACRONYM_ALLOWLIST.has(acronym) || facts.acronyms.has(acronym)) continue;
    if (/^\d/.test(acronym)) continue;
    return v("invented-agency", "unknown-acronym");
  }

  // Dates, then other numbers.
  for (const m of f.matchAll(YEAR)) if (!facts.numbers.has(Number(m[0]))) return v("invented-date");
  for (const m of f.matchAll(NUMERIC_DATE)) {
    const parts = m[0].split(/[/.]/).map(Number);
    if (parts.some((n) => !facts.numbers.has(n))) return v("invented-date");
  }
  for (const [name, n] of Object.entries(MONTHS)) {
    if (new RegExp(`\\b${name}\\b`).test(f) && !facts.months.has(n)) return v("invented-date");
  }
  if (MAY_AS_MONTH.test(f) && !facts.months.has(5)) return v("invented-date");
  for (const m of f.matchAll(DAY_WORDS)) if (!facts.words.has(m[0])) return v("invented-date");
  for (const m of f.matchAll(ISO_DATE)) {
    if (!facts.numbers.has(Number(m[1])) || !facts.months.has(Number(m[2])) || !facts.numbers.has(Number(m[3]))) {
      return v("invented-date");
    }
  }
  for (const n of numbersIn(f.replace(ISO_DATE, " "), spanish)) if (!facts.numbers.has(n)) return v("invented-number");

  // Names: capitalised words the inputs do not contain, except at a sentence start.
  for (const m of text.matchAll(/[\p{L}][\p{L}\p{M}'’]*/gu)) {
    const word = m[0];
    if (!/^\p{Lu}/u.test(word) || word.length < 2) continue;
    if (word === word.toUpperCase()) continue; // acronyms were checked above
    const before = text.slice(0, m.index).replace(/[\s"'“”‘’«»¿¡([*_-]+$/u, "");
    if (before === "" || /[.!?:;]$/.test(before)) continue;
    const w = fold(word).replace(/'s$/, "").replace(/'/g, "");
    if (facts.words.has(w) || NAME_ALLOWLIST.has(w) || agencyWords.has(w) || w in MONTHS || DAY_NAMES.has(w)) continue;
    return v("invented-name");
  }
  return undefined;
}

/** Checks the model's sentences against what it was given. */
export function checkPhrasing(input: PhrasingInput, proposed: ProposedSentence[], options: CheckOptions): CheckResult {
  const given = new Set(input.citations.map((c) => c.id));
  const violations: Violation[] = [];
  const seen = new Set<string>();
  for (const p of proposed) {
    if (!given.has(p.citation)) violations.push({ reason: "unknown-citation", citation: p.citation.slice(0, 80) });
    else if (seen.has(p.citation)) violations.push({ reason: "duplicate-citation", citation: p.citation });
    seen.add(p.citation);
  }
  for (const id of given) if (!seen.has(id)) violations.push({ reason: "missing-citation", citation: id });

  const facts = inputFacts(input);
  for (const p of proposed) {
    if (!given.has(p.citation)) continue;
    const broken = checkSentence(input, facts, p.citation, p.text, options);
    if (broken) violations.push(broken);
  }
  if (violations.length > 0) {
    const order = (r: RejectionReason) => REJECTION_REASONS.indexOf(r);
    violations.sort((a, b) => order(a.reason) - order(b.reason));
    return { ok: false, violations };
  }
  return { ok: true, sentences: Object.fromEntries(proposed.map((p) => [p.citation, p.text.trim()])) };
}
