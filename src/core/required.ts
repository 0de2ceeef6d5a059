/**
 * Required literals: what a text must contain for a pattern to match anywhere in it. The
 * lexicon's rewrites ("i.c.e." -> "ice", "w/o" -> "without") run over every question, and
 * almost none applies to a given one; a few `includes` checks skip a rewrite that cannot
 * match, where trying its regular expression would scan the whole text.
 *
 * The analysis is deliberately small and conservative: literal letters, digits, spaces and
 * escaped symbols count; anything optional, a class, \s, \w, \d or a lookaround counts as
 * nothing (it requires nothing). A gate that is true never proves a match; a gate that is
 * false proves there is none. Tests check gates against the patterns over real questions.
 */
import { closingParen, quantifierAt, topLevelAlternatives } from "../policy/pattern.js";

/** Every part must be present (all), or one of them (any); a literal must occur as written. */
export type Gate = { all: Gate[] } | { any: Gate[] } | { literal: string };

const NOTHING: Gate = { all: [] };

/** Escapes that stand for one literal character. */
const LITERAL_ESCAPE = /^\\[./+*?()[\]{}|^$@#&'"\-:,;!=<>%~`]/;

/** How many characters the escape at `i` spans. */
function escapeLength(seq: string, i: number): number {
  const kind = seq[i + 1];
  if (kind === "u") return seq[i + 2] === "{" ? seq.indexOf("}", i) + 1 - i : 6;
  if (kind === "x") return 4;
  if (kind === "p" || kind === "P") return seq.indexOf("}", i) + 1 - i;
  if (kind === "c") return 3;
  return 2;
}

/** Index of the `]` that closes the character class opened at `open`. */
function classEnd(seq: string, open: number): number {
  for (let i = open + 1; i < seq.length; i++) {
    if (seq[i] === "\\") i++;
    else if (seq[i] === "]" && i > open + 1 + (seq[open + 1] === "^" ? 1 : 0)) return i;
  }
  return seq.length - 1;
}

function simplify(gate: Gate): Gate {
  if ("all" in gate) {
    const parts = gate.all.map(simplify).flatMap((g) => ("all" in g ? g.all : [g]));
    return parts.length === 1 ? parts[0]! : { all: parts };
  }
  if ("any" in gate) {
    const parts = gate.any.map(simplify);
    // One alternative that requires nothing makes the whole choice require nothing.
    if (parts.some((g) => "all" in g && g.all.length === 0)) return NOTHING;
    return parts.length === 1 ? parts[0]! : { any: parts };
  }
  return gate;
}

function sequenceGate(seq: string): Gate {
  const parts: Gate[] = [];
  let run = "";
  const endRun = () => {
    if (run) parts.push({ literal: run });
    run = "";
  };
  let i = 0;
  while (i < seq.length) {
    const c = seq[i]!;
    let piece: Gate | null = null; // null: requires nothing
    let literal = "";
    let length = 1;
    if (c === "(") {
      const close = closingParen(seq, i);
      if (close < 0) return NOTHING;
      const head = /^\((?:\?(?::|<?[=!]))?/.exec(seq.slice(i))![0];
      // What a lookahead or lookbehind asserts must be in the text as well; what it denies, not.
      piece = head.endsWith("!") ? null : patternGate(seq.slice(i + head.length, close));
      length = close + 1 - i;
    } else if (c === "\\") {
      const escape = LITERAL_ESCAPE.exec(seq.slice(i));
      if (escape) literal = escape[0][1]!;
      // \s \w \d \b, \u2019, \p{M} and the like require no particular character.
      length = escapeLength(seq, i);
    } else if (c === "[") {
      length = classEnd(seq, i) + 1 - i;
    } else if (c === "." || c === "^" || c === "$") {
      // any character, or an edge of the text
    } else {
      literal = c;
    }
    const q = quantifierAt(seq, i + length);
    if (literal && !q.zero) {
      run += literal;
      // A repeated character still occurs once, but what follows it is not next to it.
      if (q.length > 0) endRun();
    } else {
      endRun();
      if (piece && !q.zero) parts.push(piece);
    }
    i += length + q.length;
  }
  endRun();
  return { all: parts };
}

/** The gate of a pattern: a condition on the text that every match satisfies. */
export function patternGate(source: string): Gate {
  const alternatives = topLevelAlternatives(source);
  return simplify(alternatives.length === 1 ? sequenceGate(source) : { any: alternatives.map(sequenceGate) });
}

/**
 * Which characters, which pairs of adjacent characters, and (hashed) which triples a text
 * has: one pass over it, after which a literal can be ruled out with a few array reads
 * instead of a scan. Reused from text to text (a serial number marks what belongs to the
 * current one).
 */
export class TextPairs {
  private readonly pairs = new Uint32Array(128 * 128);
  private readonly chars = new Uint32Array(128);
  /** Triples of adjacent characters, by a 12-bit hash: "r r" rules out "war rant" where its pairs cannot. */
  private readonly triples = new Uint32Array(1 << 12);
  private serial = 0;

  private text = "";

  load(text: string): void {
    this.text = text;
    const serial = ++this.serial;
    let previous = -1;
    let pair = -1;
    for (let i = 0; i < text.length; i++) {
      let code = text.charCodeAt(i);
      if (code > 127) code = 0; // literals are ASCII: anything else only needs a slot
      this.chars[code] = serial;
      if (pair >= 0) this.triples[tripleSlot(pair, code)] = serial;
      if (previous >= 0) this.pairs[(pair = previous * 128 + code)] = serial;
      previous = code;
    }
  }

  /**
   * Does the text contain `literal`? The pairs and triples rule most literals out without
   * a scan; one they cannot is looked for.
   */
  contains(literal: string): boolean {
    return this.mayContain(literal) && (literal.length < 3 || this.text.includes(literal));
  }

  /** Could the text contain `literal`? False means it does not. */
  mayContain(literal: string): boolean {
    const serial = this.serial;
    let previous = -1;
    let pair = -1;
    for (let i = 0; i < literal.length; i++) {
      const code = literal.charCodeAt(i);
      if (code > 127) return true;
      if (this.chars[code] !== serial) return false;
      if (pair >= 0 && this.triples[tripleSlot(pair, code)] !== serial) return false;
      if (previous >= 0 && this.pairs[(pair = previous * 128 + code)] !== serial) return false;
      previous = code;
    }
    return true;
  }
}

/** The slot of a triple: its first two characters as a pair number, then the third (Fibonacci hashing). */
function tripleSlot(pair: number, code: number): number {
  return Math.imul(pair * 128 + code, 0x9e3779b1) >>> 20;
}

/** A gate compiled to a check against a loaded TextPairs. */
export type GateCheck = (text: TextPairs) => boolean;

export function compileGate(gate: Gate): GateCheck {
  if ("literal" in gate) {
    const literal = gate.literal;
    return (text) => text.contains(literal);
  }
  // Plain loops: every question runs every gate, and a callback per call would be garbage.
  if ("all" in gate) {
    const parts = gate.all.map(compileGate);
    if (parts.length === 0) return () => true;
    return (text) => {
      for (let k = 0; k < parts.length; k++) if (!parts[k]!(text)) return false;
      return true;
    };
  }
  const parts = gate.any.map(compileGate);
  return (text) => {
    for (let k = 0; k < parts.length; k++) if (parts[k]!(text)) return true;
    return false;
  };
}

/** Could the pattern match in this text? False means it cannot. */
export function gateAllows(gate: Gate, text: string): boolean {
  if ("literal" in gate) return text.includes(gate.literal);
  if ("all" in gate) {
    for (const part of gate.all) if (!gateAllows(part, text)) return false;
    return true;
  }
  for (const part of gate.any) if (gateAllows(part, text)) return true;
  return false;
}
