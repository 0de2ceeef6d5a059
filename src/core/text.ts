/**
 * Text normalisation and term matching: the lexicon compiled once into regular
 * expressions, and the few questions the extractor asks of a match (is it negated, is it
 * doubted, is it said in the first person). Pure and synchronous.
 */
import type { Lexicon, TermName } from "../policy/lexicon-schema.js";
import { TERM_NAMES } from "../policy/lexicon-schema.js";
import { anchorWords, mayStartWithSpace } from "./anchors.js";
import { compileGate, patternGate, TextPairs, type GateCheck } from "./required.js";
import { WordTable, type Tokenized, type WordInfo } from "./tokens.js";
import {
  addAnchor,
  flatten,
  newAnchorNode,
  walkWord,
  wordStartsByTerm,
  packStarts,
  type FlatTrie,
  type PackedStarts,
} from "./trie.js";

export interface Span {
  start: number;
  end: number;
  text: string;
  /** Remembered answers to isNegated / isDoubted: each is asked several times per match. */
  negated?: boolean;
  doubted?: boolean;
}

export interface CompiledLexicon {
  /** Each rewrite with what the text must contain for it to apply. */
  rewrites: [RegExp, string, GateCheck][];
  words: Map<string, string>;
  /** Fuzzy spelling: a variant one edit away -> the intended word. */
  spellingVariants: Map<string, string>;
  /** Words the spelling corrector must leave alone (every word the lexicon itself uses). */
  knownWords: Set<string>;
  negationCues: Set<string>;
  /** Cues that reach only the next word or two ("no", "sin"). */
  shortCues: Set<string>;
  verbsAfterNo: Set<string>;
  negationBreakers: Set<string>;
  negationWindow: number;
  negatedAfter: RegExp;
  doubt: RegExp;
  selfCue: RegExp;
  ownCue: RegExp;
  notOwn: RegExp;
  atCue: RegExp;
  /** "are already in the", "walked into our": the agents are inside, at the end of a text. */
  insideBefore: RegExp;
  ownAfter: RegExp;
  rank: RegExp;
  describes: RegExp;
  here: RegExp;
  terms: Record<TermName, RegExp>;
  /** The anchors as a trie of characters: walking a word's letters finds the terms it may start. */
  termsAnchoredBy: FlatTrie | null;
  /** Terms with no anchors: they may match anywhere and always run. */
  unanchoredTerms: TermName[];
  /** Sticky copies of anchored terms by term number, tried only at the word starts their anchors point to. */
  stickyTerms: (RegExp | undefined)[];
  /** The terms by number, as whole-text scans. */
  termsByNumber: RegExp[];
  /** Every word seen so far in the form the patterns read (a cache, filled as questions come). */
  wordTable: WordTable;
  months: Map<string, number>;
  spanishMarkers: Set<string>;
}

/**
 * Each term's number (its place in TERM_NAMES), for array-indexed lookups on the hot path: a
 * plain object built once, so a lookup with a name written in the code is a property read
 * the compiler can fold, not a hash lookup.
 */
const TERM_NUMBER: Readonly<Record<TermName, number>> = (() => {
  const numbers = {} as Record<TermName, number>;
  TERM_NAMES.forEach((name, i) => (numbers[name] = i));
  return Object.freeze(numbers);
})();

const WORD_EDGE_BEFORE = "(?<![a-z0-9])";
const WORD_EDGE_AFTER = "(?![a-z0-9])";

function alternatives(source: string | string[]): string {
  return (Array.isArray(source) ? source : [source]).map((s) => `(?:${s})`).join("|");
}

function deletions(word: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < word.length; i++) out.push(word.slice(0, i) + word.slice(i + 1));
  return out;
}

export interface CompileOptions {
  /** Skip terms no word of the question can start (on by default; tests turn it off to compare). */
  anchors?: boolean;
}

export function compileLexicon(lex: Lexicon, options: CompileOptions = {}): CompiledLexicon {
  const terms = {} as Record<TermName, RegExp>;
  const knownWords = new Set<string>();
  const termsAnchoredBy = newAnchorNode();
  const unanchoredTerms: TermName[] = [];
  const stickyTerms: (RegExp | undefined)[] = TERM_NAMES.map(() => undefined);
  for (const name of TERM_NAMES) {
    const source = alternatives(lex.terms[name]);
    terms[name] = new RegExp(`${WORD_EDGE_BEFORE}(?:${source})${WORD_EDGE_AFTER}`, "g");
    for (const w of source.match(/[a-z]{3,}/g) ?? []) knownWords.add(w);
    const anchors = anchorWords(source);
    if (anchors === null || mayStartWithSpace(source)) unanchoredTerms.push(name);
    else {
      for (const [anchor, whole] of anchors) addAnchor(termsAnchoredBy, anchor, whole, TERM_NUMBER[name]);
      // Tried only at word starts, where the word edge before always holds.
      stickyTerms[TERM_NUMBER[name]] = new RegExp(`(?:${source})${WORD_EDGE_AFTER}`, "y");
    }
  }
  for (const w of Object.values(lex.words).join(" ").split(" ")) knownWords.add(w);

  // Symmetric-deletion index: a word one letter short of a target, one letter long, or
  // with one letter changed or two swapped, maps to the target.
  const spellingVariants = new Map<string, string>();
  const targets = [...new Set(lex.spelling)];
  for (const target of targets) knownWords.add(target);
  for (const target of targets) {
    for (const d of deletions(target)) if (!spellingVariants.has(`-${d}`)) spellingVariants.set(`-${d}`, target);
    spellingVariants.set(`=${target}`, target);
  }

  const wholeWordsBefore = (cue: string, gap = 4) => new RegExp(`(?:^|\\s)${cue}(?: [a-z0-9]+){0,${gap}} ?$`);
  const trie = options.anchors === false ? null : flatten(termsAnchoredBy);
  const compiled: CompiledLexicon = {
    rewrites: lex.rewrites.map(([pattern, replacement]) => [
      new RegExp(pattern, "g"),
      replacement,
      compileGate(patternGate(pattern)),
    ]),
    words: new Map(Object.entries(lex.words)),
    spellingVariants,
    knownWords,
    negationCues: new Set(lex.negation.cues),
    shortCues: new Set(lex.negation.shortCues),
    verbsAfterNo: new Set(lex.negation.verbsAfterNo),
    negationBreakers: new Set(lex.negation.breakers),
    negationWindow: lex.negation.window,
    negatedAfter: new RegExp(lex.negation.after),
    doubt: new RegExp(`(?:^|\\s)${lex.negation.doubt}(?=\\s|$)`),
    selfCue: wholeWordsBefore(lex.firstPerson.self),
    ownCue: wholeWordsBefore(lex.firstPerson.own),
    notOwn: new RegExp(`(?:^|\\s)${lex.firstPerson.notOwn}(?:\\s|$)`),
    atCue: wholeWordsBefore(lex.firstPerson.at, 5),
    insideBefore: new RegExp(`${WORD_EDGE_BEFORE}(?:${alternatives(lex.terms["area.inside"])})`),
    ownAfter: new RegExp(lex.firstPerson.after),
    rank: new RegExp(`^${lex.firstPerson.ranks}$`),
    describes: new RegExp(lex.firstPerson.describes),
    here: new RegExp(lex.firstPerson.here),
    terms,
    termsAnchoredBy: trie,
    unanchoredTerms,
    stickyTerms,
    termsByNumber: TERM_NAMES.map((name) => terms[name]),
    months: new Map(Object.entries(lex.months)),
    spanishMarkers: new Set(lex.spanishMarkers),
    wordTable: new WordTable(trie, TERM_NAMES.length, (token) => describeWord(token, compiled)),
  };
  return compiled;
}

function correctSpelling(token: string, lex: CompiledLexicon): string {
  if (token.length < 5 || lex.knownWords.has(token) || /\d/.test(token)) return token;
  return correctSpellingUncached(token, lex);
}

function correctSpellingUncached(token: string, lex: CompiledLexicon): string {
  // One letter missing from a target ("warrnt"), or one extra ("warrrant"), or one
  // changed or swapped ("warrent", "wrarant").
  const missing = lex.spellingVariants.get(`-${token}`);
  if (missing) return missing;
  for (const d of deletions(token)) {
    const extra = lex.spellingVariants.get(`=${d}`);
    if (extra) return extra;
  }
  if (token.length >= 5) {
    for (const d of deletions(token)) {
      const changed = lex.spellingVariants.get(`-${d}`);
      if (changed && changed.length === token.length) return changed;
    }
  }
  return token;
}

/** English contractions, expanded in one pass ("can't" -> "can not", "it's" -> "it is"). */
export const CONTRACTION =
  /\b(can|won|ain)'t\b|n't\b|\bi'm\b|'(re|ve|ll)\b|\b(it|he|she|that|there|what|who|where|here)'s\b/g;
const EXPANDED: Record<string, string> = {
  can: "can not",
  won: "will not",
  ain: "is not",
  re: " are",
  ve: " have",
  ll: " will",
};

export function expandContraction(match: string, negative?: string, verb?: string, subject?: string): string {
  if (negative) return EXPANDED[negative]!;
  if (verb) return EXPANDED[verb]!;
  if (subject) return `${subject} is`;
  return match === "i'm" ? "i am" : " not";
}

/** The same contractions, tried at one position. */
const CONTRACTION_AT = new RegExp(CONTRACTION.source, "y");
/** Every contraction has its apostrophe at most this many characters after its start ("there's"). */
const LONGEST_BEFORE_APOSTROPHE = 5;

/**
 * What s.replace(CONTRACTION, expandContraction) gives, looking only around apostrophes:
 * every match holds one, preceded only by letters, so the leftmost match is found by trying
 * the few starts just before each apostrophe in turn, and a scan of the whole text for a
 * word edge is not needed.
 */
export function expandContractions(s: string): string {
  let out = "";
  let done = 0; // s[0, done) is copied or replaced already
  for (let q = s.indexOf("'"); q >= 0; q = s.indexOf("'", Math.max(q + 1, done))) {
    for (let at = Math.max(done, q - LONGEST_BEFORE_APOSTROPHE); at <= q; at++) {
      CONTRACTION_AT.lastIndex = at;
      const m = CONTRACTION_AT.exec(s);
      if (m === null) continue;
      out += s.slice(done, at) + expandContraction(m[0], m[1], m[2], m[3]);
      done = at + m[0].length;
      break;
    }
  }
  return done === 0 ? s : out + s.slice(done);
}

/**
 * Lower case, accents removed, contractions expanded, the lexicon's rewrites applied,
 * then tokens joined by single spaces with . , ; : ? ! kept as tokens of their own.
 */
const NON_ASCII = /[\u0080-\uffff]/;

/** Accents removed, curly quotes made straight, a dash made a comma: what normalizing folds. */
export function fold(s: string): string {
  return (
    s
      .normalize("NFKD")
      .replace(/\p{M}+/gu, "")
      .replace(/[\u2018\u2019\u201b\u00b4]/g, "'")
      .replace(/[\u201c\u201d]/g, '"')
      // A dash breaks a sentence the way a comma does ("I can't— He's ICE").
      .replace(/[\u2013\u2014]/g, " , ")
  );
}

/**
 * The characters questions hold beyond ASCII, nearly always: Latin letters with accents
 * (U+0080 to U+024F) and typographic punctuation (U+2000 to U+206F). Each folds on its own
 * exactly as it does in a text (neither range holds a combining mark, and NFKD composes
 * nothing), so fold() of each, worked out once, replaces the Unicode normalisation.
 */
const FOLDED = new Map<number, string>();
for (let code = 0x80; code < 0x250; code++) FOLDED.set(code, fold(String.fromCharCode(code)));
for (let code = 0x2000; code < 0x2070; code++) FOLDED.set(code, fold(String.fromCharCode(code)));

/** fold(s) by table, or undefined when s holds a character outside the table. */
export function foldCommon(s: string): string | undefined {
  let out = "";
  let done = 0;
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code < 0x80) continue;
    const folded = FOLDED.get(code);
    if (folded === undefined) return undefined;
    out += s.slice(done, i) + folded;
    done = i + 1;
  }
  return out + s.slice(done);
}
/** Reused by every call: normalize() is synchronous, so one table serves them all. */
const textPairs = new TextPairs();

/** The text the patterns read, where anchored terms may start in it, and its language counts. */
export type Normalized = Tokenized;

/** normalize(), with the counts the question's language is judged by. */
export function normalizeQuestion(text: string, lex: CompiledLexicon): Normalized {
  let s = text.toLowerCase();
  // Plain ASCII (most questions) has no accents, curly quotes or dashes to fold.
  if (NON_ASCII.test(s)) s = foldCommon(s) ?? fold(s);
  if (s.includes("`")) s = s.replace(/`/g, "'");
  if (s.includes("'")) s = expandContractions(s);
  // Most rewrites cannot apply to a given question: skip them unless the characters of the
  // literals they need are in the text, side by side.
  textPairs.load(s);
  for (const [pattern, replacement, mayApply] of lex.rewrites) {
    if (!mayApply(textPairs)) continue;
    pattern.lastIndex = 0;
    const before = s;
    s = s.replace(pattern, replacement);
    if (s !== before) textPairs.load(s);
  } // A parenthesis sets off an aside, as a comma does: "(Homeland Security, not Homeless
  // Services) are prying". After the rewrites, which read "287(g)".
  if (s.includes("(")) s = s.replace(/[()]/g, " , ");

  // Possessives read as the word itself ("the library's guard" -> "the library guard").
  if (s.includes("'")) s = s.replace(/(\w)'s\b/g, "$1").replace(/'/g, "");
  return lex.wordTable.tokenize(s);
}

/** Common English words: a question with more Spanish markers than these is in Spanish. */
const ENGLISH_MARKERS = new Set(["the", "is", "are", "and", "to", "what", "they"]);

/** What a token becomes: looked up in the word list, spell-checked, classified and walked down the anchor trie. */
function describeWord(token: string, lex: CompiledLexicon): WordInfo {
  const text = lex.words.get(token) ?? correctSpelling(token, lex);
  const word: WordInfo = { text, spanish: 0, english: 0, hits: [], carry: 0, lastWord: text.lastIndexOf(" ") + 1 };
  for (const w of text.split(" ")) {
    if (lex.spanishMarkers.has(w)) word.spanish++;
    else if (ENGLISH_MARKERS.has(w)) word.english++;
  }
  const trie = lex.termsAnchoredBy;
  if (trie) {
    const starts = wordStartsByTerm(text, trie);
    const hits: [number, number][] = [];
    starts.forEach((offsets, term) => offsets?.forEach((offset) => hits.push([term, offset])));
    hits.sort((a, b) => a[1] - b[1]);
    word.hits = hits.flat();
    word.carry = walkWord(trie, text, word.lastWord, 0, 0, []);
  }
  return word;
}

/**
 * Lower case, accents removed, contractions expanded, the lexicon's rewrites applied,
 * then tokens joined by single spaces with . , ; : ? ! kept as tokens of their own.
 */
export function normalize(text: string, lex: CompiledLexicon): string {
  return normalizeQuestion(text, lex).text;
}

/**
 * The matches of the lexicon's terms in one normalised text, found lazily and kept. An
 * anchored term is tried only at the word starts its anchors point to (a match must begin
 * with one of them); the others are scanned for over the whole text.
 */
export class TermIndex {
  private readonly spans: (Span[] | undefined)[] = [];
  /** For each anchored term (by number), the offsets of the words that may start a match. */
  private readonly starts: PackedStarts | null;

  /**
   * `starts` are the word starts normalizeQuestion noted for this text; without them (a text
   * normalised some other way) they are found by walking the trie over it here.
   */
  constructor(
    readonly text: string,
    readonly lex: CompiledLexicon,
    starts?: PackedStarts | null,
  ) {
    this.starts =
      starts ??
      (lex.termsAnchoredBy ? packStarts(wordStartsByTerm(text, lex.termsAnchoredBy), TERM_NAMES.length) : null);
  }

  all(term: TermName): Span[] {
    const n = TERM_NUMBER[term];
    let found = this.spans[n];
    if (found) return found;
    const sticky = this.lex.stickyTerms[n];
    if (this.starts && sticky) {
      found = NO_SPANS;
      const { first, at } = this.starts;
      let end = -1;
      for (let k = first[n]!, to = first[n + 1]!; k < to; k++) {
        const start = at[k]!;
        if (start < end) continue;
        sticky.lastIndex = start;
        // test() leaves lastIndex at the match's end and builds no match array.
        if (sticky.test(this.text)) {
          end = sticky.lastIndex;
          if (found === NO_SPANS) found = [];
          found.push({ start, end, text: this.text.slice(start, end) });
        }
      }
    } else {
      found = findAll(this.lex.termsByNumber[n]!, this.text);
    }
    this.spans[n] = found;
    return found;
  }
}

/** No matches: one shared, frozen list, since most terms match nothing in a question. */
const NO_SPANS = Object.freeze([]) as unknown as Span[];

/** Every match of a term in normalised text. */
export function findAll(term: RegExp, text: string): Span[] {
  term.lastIndex = 0;
  const spans: Span[] = [];
  let m: RegExpExecArray | null;
  while ((m = term.exec(text)) !== null) {
    spans.push({ start: m.index, end: m.index + m[0].length, text: m[0] });
    if (m[0].length === 0) term.lastIndex++;
  }
  return spans;
}

/** . ; : ? ! , end a clause (checked by character code: this runs for every match). */
function isClauseBreak(code: number): boolean {
  return code === 46 || code === 59 || code === 58 || code === 63 || code === 33 || code === 44;
}

/**
 * The last `count` words of the clause before a position (fewer if the clause is shorter),
 * found by walking back from it: the cues read only a few words back, and a long clause
 * need not be split to find them.
 */
function wordsBefore(text: string, start: number, count: number): string {
  let end = start;
  while (end > 0 && text.charCodeAt(end - 1) === 32) end--;
  let i = end - 1;
  let words = 0;
  for (; i >= 0; i--) {
    const code = text.charCodeAt(i);
    if (isClauseBreak(code)) break;
    if (code === 32 && text.charCodeAt(i + 1) !== 32 && ++words === count) break;
  }
  return text.slice(i + 1, end).trim();
}

/** How many words back the first-person cues can reach: the longest cue (5 words) and its gap (5), with room. */
const CUE_REACH = 16;

/** Is this match negated ("no warrant", "did not show a warrant", "warrant? no")? */
export function isNegated(text: string, span: Span, lex: CompiledLexicon): boolean {
  return (span.negated ??= negatedNow(text, span, lex));
}

function negatedNow(text: string, span: Span, lex: CompiledLexicon): boolean {
  // Negation inside the match itself ("no judge signed") counts as well.
  const space = span.text.indexOf(" ");
  if (space > 0 && lex.negationCues.has(span.text.slice(0, space))) return true;
  // Walk back over the words of the same clause, nearest first: only the last `window` can
  // hold a cue that reaches this far.
  const seen: string[] = [];
  let end = span.start;
  while (end > 0 && text.charCodeAt(end - 1) === 32) end--;
  while (end > 0 && seen.length < lex.negationWindow) {
    let begin = end - 1;
    while (begin > 0 && text.charCodeAt(begin - 1) !== 32) begin--;
    if (isClauseBreak(text.charCodeAt(begin))) break;
    const word = text.slice(begin, end);
    if (lex.negationBreakers.has(word)) return false;
    if (lex.negationCues.has(word)) {
      // "no", "sin" and the like negate the noun right after them ("no warrant", "no valid
      // warrant"), not a verb further on ("no warrant are pushing past me").
      // "no subpoena or warrant": a short cue reaches across a list joined by "or".
      const count = seen.length;
      return (
        !lex.shortCues.has(word) ||
        count <= 1 ||
        lex.verbsAfterNo.has(seen[count - 1]!) ||
        (count <= 3 && seen.some((w) => w === "or" || w === "nor" || w === "o" || w === "ni"))
      );
    }
    seen.push(word);
    end = begin - 1;
  }
  return lex.negatedAfter.test(text.slice(span.end));
}

/** Is the asker unsure of this ("not sure if it is signed by a judge", "they claim")? */
export function isDoubted(text: string, span: Span, lex: CompiledLexicon): boolean {
  if (span.doubted === undefined) {
    const before = wordsBefore(text, span.start, 8);
    span.doubted = lex.doubt.test(before);
  }
  return span.doubted;
}

export type Voice = "self" | "own" | "none";

/** An opening like "An ICE officer ..." or "The principal ..." names someone else, not the asker. */
const NOT_THE_ASKER =
  /(?:^| )(?:a|an|the|two|three|some|one|this|that|his|her|their|ice|immigration|federal|fbi|hsi|dhs|cbp|agents?|my|our)(?: |$)/;

/** Does a role noun describe the asker ("I'm a nurse") or their workplace ("our shelter")? */
export function voiceOf(text: string, span: Span, lex: CompiledLexicon): Voice {
  const before = wordsBefore(text, span.start, CUE_REACH);
  if (lex.selfCue.test(before)) return "self";
  // The noun phrase says it of itself: "my partner and I", "we are PD".
  if (/^(?:my partner|we |i )/.test(span.text)) return "self";
  // "ICE asked us school safety agents to ...": an appositive to "us" or "we".
  if (/(?:^| )(?:us|we)$/.test(before)) return "self";
  // Messages and sentences often open with who is asking: "Sgt at the 7-5.", "ER nurse, night
  // shift", "long day. CO at AMKC", "DOT signal crew, ICE wants ...".
  const sentence = shortSentenceBefore(text, span.start, 3);
  if (
    sentence !== undefined &&
    !NOT_THE_ASKER.test(sentence) &&
    (sentence.trim() === "" ? true : !/[,;:]/.test(sentence)) &&
    lex.describes.test(text.slice(span.end)) &&
    // "Officer: 'just tell me ...'" is a line of dialogue, not the asker.
    !(/^ :/.test(text.slice(span.end)) && /^(?:officer|agent|agents|officers)$/.test(span.text))
  ) {
    return "self";
  }
  // "Nurse here." / "Officer here, ..." at the start of a message.
  if (text.slice(span.end).startsWith(" here") && lex.here.test(text.slice(0, span.start))) return "self";
  if (lex.ownCue.test(before) && !lex.notOwn.test(before.split(" ").slice(-3).join(" "))) return "own";
  if (lex.atCue.test(before) || lex.ownAfter.test(text.slice(span.end))) return "own";
  return "none";
}

/**
 * The words of the same sentence before a position (commas do not end a sentence), when
 * there are at most `max` of them (a mark counts as a word); undefined when there are more.
 * Walks back only as far as it must: the opening of a long sentence is never read.
 */
function shortSentenceBefore(text: string, start: number, max: number): string | undefined {
  let words = 0;
  let i = start - 1;
  for (; i >= 0; i--) {
    const code = text.charCodeAt(i);
    if (code === 46 || code === 63 || code === 33) break; // . ? !
    if (code !== 32 && (i === 0 || text.charCodeAt(i - 1) === 32) && ++words > max) return undefined;
  }
  return text.slice(i + 1, start).trim();
}
