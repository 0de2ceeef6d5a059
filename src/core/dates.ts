/**
 * Dates: the as-of date an answer is given for, and dates written inside a question
 * ("what was the rule in June 2016", "el 21 de marzo de 2017"). The core never reads the
 * clock; "today" is passed in by the caller.
 */
import type { CompiledLexicon } from "./text.js";

export interface DateInText {
  /** YYYY-MM-DD */
  date: string;
  /** True when only a month or a year was given and a day was chosen for it. */
  approximate: boolean;
  /** The words the date was read from. */
  text: string;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Is this a real calendar date written as YYYY-MM-DD? */
export function isIsoDate(value: string): boolean {
  if (!ISO_DATE.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

function iso(year: number, month: number, day: number): string | undefined {
  const value = `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
  return isIsoDate(value) ? value : undefined;
}

// A season or part of a year read as one representative day.
const SEASON_DAY: Record<string, [number, number]> = {
  winter: [1, 15],
  spring: [4, 15],
  summer: [7, 15],
  fall: [10, 15],
  autumn: [10, 15],
  early: [2, 15],
  mid: [7, 1],
  late: [11, 15],
  invierno: [1, 15],
  primavera: [4, 15],
  verano: [7, 15],
  otono: [10, 15],
};

/** Holidays people date things by: month, day, and whether the day is only approximate. */
const HOLIDAYS: Record<string, [number, number, boolean]> = {
  halloween: [10, 31, false],
  christmas: [12, 25, false],
  "christmas eve": [12, 24, false],
  "new years eve": [12, 31, false],
  "new years day": [1, 1, false],
  "new years": [1, 1, false],
  "valentines day": [2, 14, false],
  "independence day": [7, 4, false],
  "fourth of july": [7, 4, false],
  "4th of july": [7, 4, false],
  "july fourth": [7, 4, false],
  thanksgiving: [11, 25, true],
  "memorial day": [5, 28, true],
  "labor day": [9, 5, true],
  "columbus day": [10, 10, true],
  "mlk day": [1, 18, true],
};
const HOLIDAY_NAMES = Object.keys(HOLIDAYS)
  .sort((a, b) => b.length - a.length)
  .map((h) => h.replace(/ /g, "\\s+"))
  .join("|");

const SPOKEN: Record<string, number> = {
  one: 1,
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
};

function spokenNumber(words: string): number | undefined {
  const parts = words.split(/[\s-]+/);
  let total = 0;
  for (const p of parts) {
    const n = SPOKEN[p];
    if (n === undefined) return undefined;
    total += n;
  }
  return total;
}

/** Birth dates, convictions and the like are not the date a question is about. */
const NOT_AN_AS_OF =
  /(?:born|birth|dob|d\.o\.b|nacid[oa]|nacimiento|convicted|conviction|sentenced|pled|pleaded|condenad[oa]|sentenciad[oa])\W*(?:\w+\W+){0,3}$/;

/**
 * The first date a question names, if any. A bare year reads as July 1 of that year, a
 * month and year as the 15th: both are marked approximate so the answer can say so.
 */
interface DatePatterns {
  monthFirst: RegExp;
  dayFirst: RegExp;
  seasons: RegExp;
  holidays: RegExp;
  months: Map<string, number>;
}

// Built once per lexicon: findDateInText runs on every question.
const patternsFor = new WeakMap<CompiledLexicon, DatePatterns>();

function datePatterns(lex: CompiledLexicon): DatePatterns {
  let p = patternsFor.get(lex);
  if (!p) {
    const monthNames = [...lex.months.keys()].sort((a, b) => b.length - a.length).join("|");
    const seasons = Object.keys(SEASON_DAY).join("|");
    p = {
      // "June 5, 2016", "June 5th 2016", "June 2016"
      monthFirst: new RegExp(
        `\\b(${monthNames})\\.?\\s+(?:(\\d{1,2})(?:st|nd|rd|th)?,?\\s+)?(?:of\\s+|de\\s+)?((?:19|20)\\d\\d)\\b`,
        "g",
      ),
      // "5 June 2016", "21 de marzo de 2017"
      dayFirst: new RegExp(
        `\\b(\\d{1,2})\\s+(?:de\\s+)?(${monthNames})\\.?,?\\s+(?:de\\s+|del\\s+)?((?:19|20)\\d\\d)\\b`,
        "g",
      ),
      // "summer 2025", "early 2026"
      seasons: new RegExp(`\\b(${seasons})(?:\\s+of|\\s+de|\\s+del)?\\s+((?:19|20)\\d\\d)\\b`, "g"),
      // "Halloween 2016", "the 4th of July 2025"
      holidays: new RegExp(`\\b(${HOLIDAY_NAMES})(?:\\s+(?:of|de|del))?,?\\s+((?:19|20)\\d\\d)\\b`, "g"),
      months: lex.months,
    };
    patternsFor.set(lex, p);
  }
  return p;
}

/** How precise a date read from text is: a bare or spoken year (1) is less than a month or a day (2). */
function precision(d: DateInText): number {
  return /^\D*\d{4}\D*$|^\D*['\u2019]\d\d$|thousand|twenty/.test(d.text) ? 1 : 2;
}

// The kinds of dates read from text (global: read with allMatches).
const ISO_IN_TEXT = /\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b/g;
const SLASHED = /\b(\d{1,2})\/(\d{1,2})\/((?:19|20)?\d\d)\b/g;
const SHORT_YEAR = /(?:^|[\s(])['\u2019]([0-3]\d)\b/g;
const SPOKEN_YEAR = /\b(?:two thousand(?: and)?|twenty) ((?:twenty|thirty)[\s-]\w+|\w+)\b/g;
const BARE_YEAR = /(?<![\d/-])\b((?:19|20)\d\d)\b(?![\d/-])/g;

/**
 * Every match of a global pattern, as text.matchAll(pattern) lists them, without the copy of
 * the pattern matchAll makes on every call (this runs for most questions).
 */
function allMatches(pattern: RegExp, text: string): RegExpExecArray[] {
  const found: RegExpExecArray[] = [];
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    found.push(m);
    if (m[0] === "") pattern.lastIndex++;
  }
  return found;
}

/** Something that could be a date: digits, or a year said in words. */
const MAYBE_A_DATE = /\d|thousand|twenty/;

/**
 * The first date a question names, if any. A bare year reads as July 1 of that year, a
 * month and year as the 15th: both are marked approximate so the answer can say so.
 */
export function findDateInText(question: string, lex: CompiledLexicon): DateInText | undefined {
  if (!MAYBE_A_DATE.test(question)) return undefined;
  const patterns = datePatterns(lex);
  let text = question.toLowerCase();
  // Plain ASCII (most questions) has no accents to strip.
  if (/[\u0080-\uffff]/.test(text)) text = text.normalize("NFKD").replace(/\p{M}+/gu, "");
  // Each kind of date needs something most questions lack: a year, a slash, an apostrophe
  // before two digits, or a year said in words. Look only for the kinds that can be there.
  const hasYear = /(?:19|20)\d\d/.test(text);
  const hasApostrophe = text.includes("'") || text.includes("\u2019");
  const hasSlash = text.includes("/");
  const spokenYear = text.includes("thousand") || text.includes("twenty");
  if (!hasYear && !hasSlash && !hasApostrophe && !spokenYear) return undefined;
  if (hasApostrophe) text = text.replace(/(\w)['\u2019]s\b/g, "$1s");
  const candidates: { index: number; found: DateInText }[] = [];
  const push = (index: number, date: string | undefined, approximate: boolean, raw: string) => {
    if (!date) return;
    if (NOT_AN_AS_OF.test(text.slice(Math.max(0, index - 30), index))) return;
    candidates.push({ index, found: { date, approximate, text: raw.trim() } });
  };

  if (hasYear) {
    for (const m of allMatches(ISO_IN_TEXT, text)) {
      push(m.index, iso(+m[1]!, +m[2]!, +m[3]!), false, m[0]);
    }
  }
  if (hasSlash) {
    for (const m of allMatches(SLASHED, text)) {
      const year = m[3]!.length === 2 ? 2000 + +m[3]! : +m[3]!;
      push(m.index, iso(year, +m[1]!, +m[2]!), false, m[0]);
    }
  }
  if (hasYear) {
    for (const m of allMatches(patterns.monthFirst, text)) {
      push(m.index, iso(+m[3]!, patterns.months.get(m[1]!)!, m[2] ? +m[2] : 15), !m[2], m[0]);
    }
    for (const m of allMatches(patterns.dayFirst, text)) {
      push(m.index, iso(+m[3]!, patterns.months.get(m[2]!)!, +m[1]!), false, m[0]);
    }
    for (const m of allMatches(patterns.seasons, text)) {
      const [month, day] = SEASON_DAY[m[1]!]!;
      push(m.index, iso(+m[2]!, month, day), true, m[0]);
    }
    for (const m of allMatches(patterns.holidays, text)) {
      const [month, day, approximate] = HOLIDAYS[m[1]!.replace(/\s+/g, " ")]!;
      push(m.index, iso(+m[2]!, month, day), approximate, m[0]);
    }
  }
  // "'16", "back in '19"
  if (hasApostrophe) {
    for (const m of allMatches(SHORT_YEAR, text)) {
      push(m.index, iso(2000 + +m[1]!, 7, 1), true, m[0]);
    }
  }
  // Years spoken out: "two thousand fifteen", "twenty sixteen", "twenty twenty five".
  if (spokenYear) {
    for (const m of allMatches(SPOKEN_YEAR, text)) {
      const n = spokenNumber(m[1]!);
      if (n !== undefined && n >= 1 && n <= 39 && !(m[0].startsWith("twenty") && n < 10))
        push(m.index, iso(2000 + n, 7, 1), true, m[0]);
    }
  }
  // A bare year, unless it is part of something already read or a number like "PS 2017".
  if (hasYear) {
    for (const m of allMatches(BARE_YEAR, text)) {
      if (candidates.some((c) => m.index >= c.index && m.index < c.index + c.found.text.length + 1)) continue;
      if (
        /(?:ps|is|ms|hs|room|no\.?|#|number|unit|apt|i-?|form)\s*$/.test(text.slice(Math.max(0, m.index - 7), m.index))
      )
        continue;
      push(m.index, iso(+m[1]!, 7, 1), true, m[0]);
    }
  }
  // The most precise date wins ("before the 2017 protocols, say Feb 2017" is February),
  // then the first one written.
  candidates.sort((a, b) => precision(b.found) - precision(a.found) || a.index - b.index);
  return candidates[0]?.found;
}

/** Today's date in New York, where the policy applies. Only the edges (CLI, servers) call this. */
export function todayInNewYork(now: Date = new Date()): string {
  return new Intl.DateTimeFormat("en-CA", {
    timeZone: "America/New_York",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(now);
}
