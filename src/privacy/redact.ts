/**
 * Redaction of the identifiers employees type into questions and messages, applied to
 * every text before it is stored: A-numbers, Social Security numbers, dates of birth,
 * phone numbers and e-mail addresses become [A-NUMBER], [SSN], [DOB], [PHONE], [EMAIL].
 *
 * It errs on the side of privacy: a plain numeric date (01/02/1990, 1-2-90) is taken for a
 * date of birth, and a bare run of nine digits for an SSN, because a lawyer can ask again
 * but a leaked identifier cannot be taken back. ISO dates (2026-11-22), the form employees
 * use for "as of" dates, are kept unless a birth word precedes them.
 */

export const REDACTION_TOKENS = ["[A-NUMBER]", "[SSN]", "[DOB]", "[PHONE]", "[EMAIL]"] as const;
export type RedactionToken = (typeof REDACTION_TOKENS)[number];

const MONTHS =
  "(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?" +
  "|enero|febrero|marzo|abril|mayo|junio|julio|agosto|se?tiembre|octubre|noviembre|diciembre)\\.?";

/** Any written date: numeric (m/d/y, y-m-d, d.m.y) or with a month name, English or Spanish. */
const ANY_DATE =
  `(?:\\d{1,2}[/.-]\\d{1,2}[/.-](?:\\d{4}|\\d{2})` +
  `|\\d{4}[/.-]\\d{1,2}[/.-]\\d{1,2}` +
  `|${MONTHS}\\s+\\d{1,2}(?:st|nd|rd|th)?,?\\s+\\d{4}` +
  `|\\d{1,2}(?:st|nd|rd|th)?\\s+(?:of\\s+|de\\s+)?${MONTHS},?\\s+(?:de(?:l)?\\s+)?\\d{4}` +
  `|${MONTHS},?\\s+(?:de(?:l)?\\s+)?\\d{4}` +
  `|\\d{8})`;

const BIRTH_WORDS =
  "(?:d\\.?\\s?o\\.?\\s?b\\.?|date\\s+of\\s+birth|birth\\s*date|birthday|born|b\\.|" +
  "fecha\\s+de\\s+nacimiento|f\\.?\\s?d\\.?\\s?n\\.?|naci[óo]|nacid[oa])";

interface Rule {
  token: RedactionToken;
  pattern: RegExp;
  /** Replace only this group (keeping the words around it); default the whole match. */
  group?: number;
}

const RULES: Rule[] = [
  // E-mail first: addresses contain digits the other rules would cut up.
  {
    token: "[EMAIL]",
    pattern: /[A-Za-z0-9._%+-]+\s?(?:@|\(at\)|\[at\])\s?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g,
  },
  // A-number with its words: "A-number 123 456 789", "A# 12345678", "alien number: ..."
  {
    token: "[A-NUMBER]",
    pattern:
      /((?:\ba[\s-]?(?:number|no\.?|num\.?|#)|\balien\s+(?:registration\s+)?(?:number|no\.?|#)|\buscis\s+(?:number|no\.?|#)|\bn[uú]mero\s+(?:de\s+)?(?:extranjero|a))\s*(?:is|es|:|#)?\s*)(a?[\s-]?\d{3}[\s-]?\d{3}[\s-]?\d{2,3})\b/gi,
    group: 2,
  },
  // A-number by its shape: A + 8 or 9 digits, with optional dashes or spaces.
  { token: "[A-NUMBER]", pattern: /\bA[\s-]?(?:\d{3}[\s-]?\d{3}[\s-]?\d{3}|\d{2}[\s-]?\d{3}[\s-]?\d{3}|\d{8,9})\b/gi },
  // SSN with its words, any separators.
  {
    token: "[SSN]",
    pattern:
      /(\b(?:ssn|ss#|soc(?:ial)?\.?\s+sec(?:urity)?\.?(?:\s+(?:number|no\.?|#))?|seguro\s+social)\s*(?:is|es|:|#)?\s*)(\d{3}[\s.-]?\d{2}[\s.-]?\d{4})\b/gi,
    group: 2,
  },
  // SSN by its shape: 123-45-6789, 123 45 6789.
  { token: "[SSN]", pattern: /\b\d{3}([\s-])\d{2}\1\d{4}\b/g },
  // Date of birth after a birth word: any written date.
  {
    token: "[DOB]",
    pattern: new RegExp(`(\\b${BIRTH_WORDS}\\s*(?:on|in|is|was|el|en|:|-)?\\s*(?:the\\s+)?)(${ANY_DATE})`, "gi"),
    group: 2,
  },
  // Plain numeric dates (01/02/1990, 1-2-90, 02.01.1990): treated as dates of birth.
  { token: "[DOB]", pattern: /\b\d{1,2}([/.-])\d{1,2}\1(?:\d{4}|\d{2})\b/g },
  // Phone numbers: North American with optional +1, any common separators; international +CC.
  {
    token: "[PHONE]",
    pattern: /(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\b\d{3}[\s.-]?)\d{3}[\s.-]?\d{4}\b/g,
  },
  { token: "[PHONE]", pattern: /\+\d{1,3}(?:[\s.-]?\(?\d{1,4}\)?){2,5}\d/g },
  // Local seven-digit numbers written with a separator: 555-1234.
  { token: "[PHONE]", pattern: /\b\d{3}[.-]\d{4}\b/g },
  // A bare run of nine digits: an SSN (or an A-number without its A); redact either way.
  { token: "[SSN]", pattern: /\b\d{9}\b/g },
];

/** Replace every identifier in `text` with its token. Idempotent. */
export function redact(text: string): string {
  let out = text;
  for (const rule of RULES) {
    out = out.replace(rule.pattern, (...args: unknown[]) => {
      const match = args[0] as string;
      if (rule.group === undefined) return rule.token;
      const keep = args[1] as string;
      const value = args[rule.group] as string | undefined;
      return value === undefined ? match : `${keep}${rule.token}`;
    });
  }
  return out;
}

/** Redact every string inside a JSON-like value (objects, arrays), keys untouched. */
export function redactDeep<T>(value: T): T {
  if (typeof value === "string") return redact(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v)) as T;
  if (value && typeof value === "object" && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v)])) as T;
  }
  return value;
}

/** Redact, then cut to at most `max` characters (on a word boundary when possible). */
export function redactedExcerpt(text: string, max = 500): string {
  const clean = redact(text).replace(/\s+/g, " ").trim();
  if (clean.length <= max) return clean;
  const cut = clean.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  return `${space > max * 0.6 ? cut.slice(0, space) : cut}…`;
}
