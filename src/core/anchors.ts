/**
 * Anchors: the literal word-starts a lexicon pattern's matches must begin with. The core
 * runs some fifty patterns over every question; most cannot match a given question, and
 * knowing a pattern's anchors lets it be skipped when no word of the question starts with
 * one of them. A pattern that could start anywhere (\w, a character class, ...) has no
 * anchors and always runs. A test compares every pattern's matches with and without this
 * shortcut over all scenario questions.
 */
import { closingParen, topLevelAlternatives } from "../policy/pattern.js";

export { topLevelAlternatives };

/** Anchors longer than this are indexed by their first MAX_ANCHOR characters. */
export const MAX_ANCHOR = 6;

interface Analysis {
  /** Literal prefixes of the first word of any match; null when it could be anything. */
  anchors: Set<string> | null;
  /** The sequence can match the empty string (so what follows it may start the match). */
  nullable: boolean;
}

const ANY: Analysis = { anchors: null, nullable: false };

/** A quantifier at `i`: its length, and whether it allows zero repetitions. */
function quantifierAt(source: string, i: number): { length: number; zero: boolean } {
  const c = source[i];
  if (c === "?" || c === "*") return { length: 1 + (source[i + 1] === "?" ? 1 : 0), zero: true };
  if (c === "+") return { length: 1 + (source[i + 1] === "?" ? 1 : 0), zero: false };
  if (c === "{") {
    const m = /^\{(\d*)(?:,(\d*))?\}\??/.exec(source.slice(i));
    if (m) return { length: m[0].length, zero: (m[1] ?? "") === "" || Number(m[1]) === 0 };
  }
  return { length: 0, zero: false };
}

function union(a: Set<string> | null, b: Set<string> | null): Set<string> | null {
  if (a === null || b === null) return null;
  return new Set([...a, ...b]);
}

/** What can start a match of `seq` (a sequence with no top-level `|`). */
function analyzeSequence(seq: string): Analysis {
  let i = 0;
  // Leading spaces, anchors and lookarounds consume nothing that starts the first word.
  for (;;) {
    if (seq[i] === " ") i++;
    else if (seq[i] === "^" || seq[i] === "$") i++;
    else if (seq.startsWith("\\b", i)) i += 2;
    else if (
      seq.startsWith("(?<!", i) ||
      seq.startsWith("(?<=", i) ||
      seq.startsWith("(?!", i) ||
      seq.startsWith("(?=", i)
    ) {
      const close = closingParen(seq, i);
      if (close < 0) return ANY;
      i = close + 1;
    } else break;
  }
  if (i >= seq.length) return { anchors: new Set(), nullable: true };
  const c = seq[i]!;
  if (c === "(") {
    const close = closingParen(seq, i);
    if (close < 0) return ANY;
    const inner = seq.slice(seq.startsWith("(?:", i) ? i + 3 : i + 1, close);
    const group = analyzeAlternatives(inner);
    const q = quantifierAt(seq, close + 1);
    const rest = seq.slice(close + 1 + q.length);
    if (group.nullable || q.zero) {
      const after = analyzeSequence(rest);
      return { anchors: union(group.anchors, after.anchors), nullable: after.nullable };
    }
    return { anchors: group.anchors, nullable: false };
  }
  if (/[a-z0-9]/.test(c)) {
    let run = "";
    while (i < seq.length && /[a-z0-9]/.test(seq[i]!)) {
      const q = quantifierAt(seq, i + 1);
      if (q.zero) break; // this letter may be absent: the prefix ends before it
      run += seq[i];
      if (q.length > 0) break; // "+" repeats the letter: what follows is not literal
      i++;
    }
    return run === "" ? ANY : { anchors: new Set([run]), nullable: false };
  }
  // \w, \d, \s, ., a character class, an escaped symbol: could be anything.
  return ANY;
}

function analyzeAlternatives(source: string): Analysis {
  let anchors: Set<string> | null = new Set();
  let nullable = false;
  for (const alt of topLevelAlternatives(source)) {
    const a = analyzeSequence(alt);
    anchors = union(anchors, a.anchors);
    nullable ||= a.nullable;
    if (anchors === null) return ANY;
  }
  return { anchors, nullable };
}

/**
 * The anchors of a pattern, cut to MAX_ANCHOR characters, or null when a match could
 * start with any word (the pattern then always runs).
 */
export function leadingAnchors(source: string): string[] | null {
  const { anchors, nullable } = analyzeAlternatives(source);
  if (anchors === null || nullable || anchors.has("")) return null;
  return [...new Set([...anchors].map((a) => a.slice(0, MAX_ANCHOR)))];
}

/**
 * Does some match of the pattern begin with a space rather than a word ("(?:^| )system")?
 * Such a pattern cannot be tried at word starts only.
 */
export function mayStartWithSpace(source: string): boolean {
  return topLevelAlternatives(source).some((alt) => {
    let i = 0;
    for (;;) {
      if (alt[i] === "^") i++;
      else if (alt.startsWith("\\b", i)) i += 2;
      else if (
        alt.startsWith("(?<!", i) ||
        alt.startsWith("(?<=", i) ||
        alt.startsWith("(?!", i) ||
        alt.startsWith("(?=", i)
      ) {
        const close = closingParen(alt, i);
        if (close < 0) return true;
        i = close + 1;
      } else break;
    }
    if (alt[i] === " " || alt.startsWith("\\s", i)) return true;
    if (alt[i] === "(") {
      const close = closingParen(alt, i);
      if (close < 0) return true;
      return mayStartWithSpace(alt.slice(alt.startsWith("(?:", i) ? i + 3 : i + 1, close));
    }
    return false;
  });
}

/** Every start of every word of a normalised text, up to MAX_ANCHOR characters. */
export function wordStarts(text: string): Set<string> {
  const starts = new Set<string>();
  for (const word of text.split(" ")) {
    const n = Math.min(word.length, MAX_ANCHOR);
    for (let k = 1; k <= n; k++) starts.add(word.slice(0, k));
  }
  return starts;
}
