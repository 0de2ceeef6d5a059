/**
 * Anchors: the literal word-starts a lexicon pattern's matches must begin with. The core
 * runs some fifty patterns over every question; most cannot match a given question, and
 * knowing a pattern's anchors lets it be skipped when no word of the question starts with
 * one of them. A pattern that could start anywhere (\w, a character class, ...) has no
 * anchors and always runs. A test compares every pattern's matches with and without this
 * shortcut over all scenario questions.
 *
 * An anchor also says whether it is a whole word: in "(?:en|a|al) (?:el |la )?puerta" the
 * first word must be exactly "en", "a" or "al", so "about" or "apartment" cannot start a
 * match. Normalised text is words of [a-z0-9] and single punctuation marks, joined by single
 * spaces, which is what lets a following space, \s or \b prove that the word ends there.
 */
import { closingParen, quantifierAt, topLevelAlternatives } from "../policy/pattern.js";

export { topLevelAlternatives };

/** Anchors longer than this are indexed by their first MAX_ANCHOR characters. */
export const MAX_ANCHOR = 6;

/**
 * A whole first word that the pattern follows with a space and a literal second word ("the
 * front", "in my") makes a two-word anchor, up to this many characters in all: "the" alone
 * starts a word in most questions, "the fr" in few.
 */
export const MAX_TWO_WORD_ANCHOR = 12;

/** Beyond this many second words, an anchor stays a single word (the trie would only grow). */
const MAX_SECOND_WORDS = 64;

/**
 * How the first word of a match relates to an anchor:
 * - "word": the word is exactly the anchor;
 * - "prefix": the word starts with the anchor and may go on;
 * - "open": the anchor ran to the end of the (sub)pattern; what follows it decides.
 */
type Ending = "word" | "prefix" | "open";

/** Anchor -> ending; null when a match could start with any word. */
type Anchors = Map<string, Ending> | null;

interface Analysis {
  anchors: Anchors;
  /** The sequence can match the empty string (so what follows it may start the match). */
  nullable: boolean;
}

const ANY: Analysis = { anchors: null, nullable: false };
const DIGITS = "0123456789";

/** Where an ending is merged from several paths, the weakest claim wins. */
function weaker(a: Ending, b: Ending): Ending {
  if (a === b) return a;
  if (a === "prefix" || b === "prefix") return "prefix";
  return "open";
}

function union(a: Anchors, b: Anchors): Anchors {
  if (a === null || b === null) return null;
  const out = new Map(a);
  for (const [anchor, ending] of b) out.set(anchor, out.has(anchor) ? weaker(out.get(anchor)!, ending) : ending);
  return out;
}

/** Resolves the "open" anchors of a group by what follows it (`rest`, or a repeat of the group). */
function settle(anchors: Anchors, rest: string, repeats: boolean): Anchors {
  if (anchors === null) return null;
  const next = repeats ? "prefix" : endingAfter(rest);
  const out = new Map<string, Ending>();
  for (const [anchor, ending] of anchors) {
    if (ending !== "open") out.set(anchor, ending);
    else if (anchor.endsWith(" ")) for (const [a, e] of secondWords(anchor, repeats ? "" : rest)) out.set(a, e);
    else if (next === "word" && !repeats) for (const [a, e] of extend(anchor, rest)) out.set(a, e);
    else out.set(anchor, next);
  }
  return out;
}

/**
 * A group that ends with a word and its space ("(?:the )?rules?"): the anchor goes on with
 * the words that can come next ("the ru"), or, when those could be anything, stays a prefix
 * that a next word must follow ("the ").
 */
function secondWords(first: string, rest: string): Map<string, Ending> {
  return (rest === "" ? null : joinWords(first, analyzeSequence(rest))) ?? new Map([[first, "prefix"]]);
}

/**
 * A whole first word and what follows it: two-word anchors ("the front") when a space and a
 * literal second word come next, else the word alone, marked whole.
 */
function extend(word: string, rest: string): Anchors & Map<string, Ending> {
  const single = new Map<string, Ending>([[word, "word"]]);
  if (word.includes(" ") || rest[0] !== " " || quantifierAt(rest, 1).length > 0) return single;
  // The word and its space end the group: what follows the group decides (see secondWords).
  if (rest === " ") return new Map([[`${word} `, "open"]]);
  return joinWords(`${word} `, analyzeSequence(rest.slice(1))) ?? single;
}

/**
 * A first word and its space joined to each word that can follow it ("the " + "front"), the
 * second cut at its own space; null when the second word could be anything, or could be
 * one of too many.
 */
function joinWords(first: string, second: Analysis): Map<string, Ending> | null {
  if (second.anchors === null || second.nullable) return null;
  const out = new Map<string, Ending>();
  for (const [anchor, ending] of second.anchors) {
    const space = anchor.indexOf(" ");
    const joined = first + (space < 0 ? anchor : anchor.slice(0, space));
    const joinedEnding = space < 0 ? ending : "word";
    out.set(joined, out.has(joined) ? weaker(out.get(joined)!, joinedEnding) : joinedEnding);
  }
  return out.size > MAX_SECOND_WORDS ? null : out;
}

/** Skips what consumes no characters at the start of a sequence: spaces, ^ $ \b and lookarounds. */
function skipLeading(seq: string): number {
  let i = 0;
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
      if (close < 0) return -1;
      i = close + 1;
    } else return i;
  }
}

/**
 * After a word's last literal letter, does the pattern go on with something that proves the
 * word ended ("word"), with something that could continue it ("prefix"), or end ("open")?
 */
function endingAfter(rest: string): Ending {
  if (rest === "") return "open";
  if (rest[0] === "$" || rest.startsWith("\\b")) return "word";
  // A space proves the word ended only if it cannot be left out ("plain ?clothes").
  if (rest[0] === " ") return quantifierAt(rest, 1).zero ? "prefix" : "word";
  if (rest.startsWith("\\s")) return quantifierAt(rest, 2).zero ? "prefix" : "word";
  if (rest[0] === "(" && !rest.startsWith("(?=") && !rest.startsWith("(?!") && !rest.startsWith("(?<")) {
    const close = closingParen(rest, 0);
    if (close < 0) return "prefix";
    const inner = rest.slice(rest.startsWith("(?:") ? 3 : 1, close);
    const q = quantifierAt(rest, close + 1);
    const after = rest.slice(close + 1 + q.length);
    let ending: Ending | undefined;
    const merge = (e: Ending) => (ending = ending === undefined ? e : weaker(ending, e));
    for (const alt of topLevelAlternatives(inner)) merge(alt === "" ? endingAfter(after) : endingAfter(alt));
    if (q.zero) merge(endingAfter(after));
    // An alternative that is itself optional at its start ("(?:a )?") is not proven here.
    return ending === "open" ? endingAfter(after) : (ending ?? "prefix");
  }
  return "prefix";
}

/** What can start a match of `seq` (a sequence with no top-level `|`). */
function analyzeSequence(seq: string): Analysis {
  const i = skipLeading(seq);
  if (i < 0) return ANY;
  if (i >= seq.length) return { anchors: new Map(), nullable: true };
  const c = seq[i]!;
  if (c === "(") {
    const close = closingParen(seq, i);
    if (close < 0) return ANY;
    const inner = seq.slice(seq.startsWith("(?:", i) ? i + 3 : i + 1, close);
    const group = analyzeAlternatives(inner);
    const q = quantifierAt(seq, close + 1);
    const rest = seq.slice(close + 1 + q.length);
    // A group that may repeat could be followed by itself: its open anchors stay prefixes.
    const anchors = settle(group.anchors, rest, q.many);
    if (group.nullable || q.zero) {
      const after = analyzeSequence(rest);
      return { anchors: union(anchors, after.anchors), nullable: after.nullable };
    }
    return { anchors, nullable: false };
  }
  if (seq.startsWith("\\d", i)) {
    // A number: any of the ten digits starts the word.
    const q = quantifierAt(seq, i + 2);
    const digits: Anchors = new Map([...DIGITS].map((d) => [d, "prefix" as Ending]));
    if (q.zero) {
      const after = analyzeSequence(seq.slice(i + 2 + q.length));
      return { anchors: union(digits, after.anchors), nullable: after.nullable };
    }
    return { anchors: digits, nullable: false };
  }
  if (/[a-z0-9]/.test(c)) {
    let run = "";
    let j = i;
    let ending: Ending | undefined;
    while (j < seq.length && /[a-z0-9]/.test(seq[j]!)) {
      const q = quantifierAt(seq, j + 1);
      if (q.zero) {
        ending = "prefix"; // this letter may be absent: the prefix ends before it
        break;
      }
      run += seq[j];
      if (q.length > 0) {
        ending = "prefix"; // "+" repeats the letter: what follows is not literal
        break;
      }
      j++;
    }
    if (run === "") return ANY;
    if (ending) return { anchors: new Map([[run, ending]]), nullable: false };
    const after = endingAfter(seq.slice(j));
    return { anchors: after === "word" ? extend(run, seq.slice(j)) : new Map([[run, after]]), nullable: false };
  }
  // \w, \s, ., a character class, an escaped symbol: could be anything.
  return ANY;
}

function analyzeAlternatives(source: string): Analysis {
  let anchors: Anchors = new Map();
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
 * The anchors of a whole pattern (matched as a term: a word edge follows it), cut to
 * MAX_ANCHOR characters, each with whether the first word must be exactly the anchor; null
 * when a match could start with any word (the pattern then always runs).
 */
export function anchorWords(source: string): Map<string, boolean> | null {
  const { anchors, nullable } = analyzeAlternatives(source);
  if (anchors === null || nullable || anchors.has("")) return null;
  const out = new Map<string, boolean>();
  for (const [anchor, ending] of anchors) {
    const cut = anchor.slice(0, anchor.includes(" ") ? MAX_TWO_WORD_ANCHOR : MAX_ANCHOR);
    // A term ends at a word edge, so an anchor left open at its end is a whole word; one cut
    // short can only be a prefix.
    const whole = ending !== "prefix" && cut === anchor && !anchor.endsWith(" ");
    out.set(cut, out.has(cut) ? out.get(cut)! && whole : whole);
  }
  return out;
}

/**
 * The anchors of a pattern, cut to MAX_ANCHOR characters, or null when a match could
 * start with any word (the pattern then always runs).
 */
export function leadingAnchors(source: string): string[] | null {
  const anchors = anchorWords(source);
  return anchors === null ? null : [...anchors.keys()];
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
