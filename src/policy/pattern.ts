/**
 * Small facts about the lexicon's regular expressions, shared by the pack's validation
 * and the core's pattern analysis. Both run once, when the pack is loaded.
 */

/** A pattern's characters outside escapes and character classes, with the group depth before each. */
function* structure(source: string, from = 0): Generator<[index: number, char: string, depth: number]> {
  let depth = 0;
  let inClass = false;
  for (let i = from; i < source.length; i++) {
    const c = source[i]!;
    if (c === "\\") {
      i++;
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      continue;
    }
    if (c === "[") {
      inClass = true;
      continue;
    }
    yield [i, c, depth];
    if (c === "(") depth++;
    else if (c === ")") depth--;
  }
}

/** Splits a pattern on its top-level `|`, respecting groups, classes and escapes. */
export function topLevelAlternatives(source: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (const [i, c, depth] of structure(source)) {
    if (c === "|" && depth === 0) {
      out.push(source.slice(start, i));
      start = i + 1;
    }
  }
  out.push(source.slice(start));
  return out;
}

/** Index of the `)` closing the group opened at `open`, or -1. */
export function closingParen(source: string, open: number): number {
  for (const [i, c, depth] of structure(source, open)) if (c === ")" && depth === 1) return i;
  return -1;
}

/** A quantifier at `i`: its length, and whether it allows zero or more than one repetition. */
export function quantifierAt(source: string, i: number): { length: number; zero: boolean; many: boolean } {
  const c = source[i];
  if (c === "?") return { length: 1 + (source[i + 1] === "?" ? 1 : 0), zero: true, many: false };
  if (c === "*") return { length: 1 + (source[i + 1] === "?" ? 1 : 0), zero: true, many: true };
  if (c === "+") return { length: 1 + (source[i + 1] === "?" ? 1 : 0), zero: false, many: true };
  if (c === "{") {
    const m = /^\{(\d*)(?:,(\d*))?\}\??/.exec(source.slice(i));
    if (m) {
      const min = (m[1] ?? "") === "" ? 0 : Number(m[1]);
      const max = m[2] === undefined ? min : m[2] === "" ? Infinity : Number(m[2]);
      return { length: m[0].length, zero: min === 0, many: max > 1 };
    }
  }
  return { length: 0, zero: false, many: false };
}
