/**
 * The anchor trie: the literal word starts of the lexicon's terms (see anchors.ts), as a
 * trie of characters in flat arrays. Walking a word's letters down it finds the terms a
 * match may start at that word; every other term is skipped there.
 */

/** One character of the anchor trie while it is built: the terms whose anchor ends here, and what may follow. */
export interface AnchorNode {
  /** Terms with an anchor ending here that a word may go on past ("agent" in "agents"). */
  prefixTerms: number[];
  /** Terms with an anchor ending here that must be the whole word ("a" in "a la puerta"). */
  wordTerms: number[];
  /** Children by character code (normalised text is ASCII: codes below 128). */
  next: (AnchorNode | undefined)[];
}

export function newAnchorNode(): AnchorNode {
  return { prefixTerms: [], wordTerms: [], next: [] };
}

export function addAnchor(root: AnchorNode, anchor: string, whole: boolean, term: number): void {
  let node = root;
  for (let i = 0; i < anchor.length; i++) {
    const code = anchor.charCodeAt(i);
    let child = node.next[code];
    if (!child) node.next[code] = child = newAnchorNode();
    node = child;
  }
  const terms = whole ? node.wordTerms : node.prefixTerms;
  if (!terms.includes(term)) terms.push(term);
}

/**
 * The anchor trie in flat arrays, for the walk every question makes over every word: a row
 * of child numbers per node (one column per letter, digit and the space; 0 is "no child",
 * since the root is no one's child), and per node a slice of term numbers.
 */
export interface FlatTrie {
  /** 16-bit child numbers while the trie has fewer than 65,536 nodes: half the memory to keep in cache. */
  next: Uint16Array | Int32Array;
  /** Column of each ASCII character code (0: a character no anchor contains). */
  column: Uint8Array;
  /** Terms of node n whose anchor a word may go on past: prefixTerms[prefixFrom[n] .. prefixFrom[n + 1]). */
  prefixFrom: Int32Array;
  prefixTerms: Int32Array;
  /** Terms of node n whose anchor must be the whole word. */
  wordFrom: Int32Array;
  wordTerms: Int32Array;
}

const TRIE_COLUMNS = 38; // nothing, a-z, 0-9, space
const SPACE_COLUMN = 37;

export function flatten(root: AnchorNode): FlatTrie {
  const column = new Uint8Array(128);
  for (let c = 97; c <= 122; c++) column[c] = c - 96;
  for (let c = 48; c <= 57; c++) column[c] = c - 48 + 27;
  column[32] = SPACE_COLUMN;
  // Numbered breadth first, so the rows every word starts with (the first letters) sit together.
  const nodes: AnchorNode[] = [root];
  const numberOf = new Map<AnchorNode, number>([[root, 0]]);
  for (let n = 0; n < nodes.length; n++) {
    for (const child of nodes[n]!.next) if (child) numberOf.set(child, nodes.push(child) - 1);
  }
  const cells = nodes.length * TRIE_COLUMNS;
  const next = nodes.length < 65_536 ? new Uint16Array(cells) : new Int32Array(cells);
  const prefixFrom = new Int32Array(nodes.length + 1);
  const wordFrom = new Int32Array(nodes.length + 1);
  const prefixTerms: number[] = [];
  const wordTerms: number[] = [];
  nodes.forEach((node, n) => {
    node.next.forEach((child, code) => {
      if (child && column[code]) next[n * TRIE_COLUMNS + column[code]!] = numberOf.get(child)!;
    });
    prefixFrom[n] = prefixTerms.length;
    prefixTerms.push(...node.prefixTerms);
    wordFrom[n] = wordTerms.length;
    wordTerms.push(...node.wordTerms);
  });
  prefixFrom[nodes.length] = prefixTerms.length;
  wordFrom[nodes.length] = wordTerms.length;
  return {
    next,
    column,
    prefixFrom,
    prefixTerms: Int32Array.from(prefixTerms),
    wordFrom,
    wordTerms: Int32Array.from(wordTerms),
  };
}

/** For each term (by number), the offsets of the words where a match of it may start, in order. */
export type StartsByTerm = (number[] | undefined)[];

/**
 * The same, packed in two typed arrays (what a question carries from tokenising to matching,
 * with no small array per term): the starts of term n are at[first[n]] .. at[first[n + 1] - 1].
 */
export interface PackedStarts {
  first: Int32Array;
  at: Int32Array;
}

export function packStarts(starts: StartsByTerm, terms: number): PackedStarts {
  const first = new Int32Array(terms + 1);
  for (let term = 0; term < terms; term++) first[term + 1] = first[term]! + (starts[term]?.length ?? 0);
  const at = new Int32Array(first[terms]!);
  for (let term = 0; term < terms; term++) at.set(starts[term] ?? [], first[term]!);
  return { first, at };
}

function noteStart(starts: StartsByTerm, term: number, wordStart: number): void {
  const list = starts[term];
  if (list === undefined) starts[term] = [wordStart];
  else if (list[list.length - 1] !== wordStart) list.push(wordStart);
}

/**
 * Walks the trie from `node` over the word of `text` that begins at `from`, noting the terms
 * it reaches as starting at `wordStart`; returns the node past the word's closing space (0
 * when the walk ended inside the word or no anchor goes on into a next word). Started from
 * such a node, it first notes the anchors that end with that space ("immigration " is an
 * anchor cut short): only now is it known that another word follows.
 */
export function walkWord(
  trie: FlatTrie,
  text: string,
  from: number,
  node: number,
  wordStart: number,
  starts: StartsByTerm,
): number {
  const { next, column, prefixFrom, prefixTerms, wordFrom, wordTerms } = trie;
  const length = text.length;
  for (let k = prefixFrom[node]!; k < prefixFrom[node + 1]!; k++) noteStart(starts, prefixTerms[k]!, wordStart);
  for (let i = from; ; i++) {
    const code = i === length ? 32 : text.charCodeAt(i);
    if (code === 32) {
      // A word ends here inside the trie: anchors that must be the whole word apply.
      for (let k = wordFrom[node]!; k < wordFrom[node + 1]!; k++) noteStart(starts, wordTerms[k]!, wordStart);
      return next[node * TRIE_COLUMNS + SPACE_COLUMN]!;
    }
    node = code < 128 ? next[node * TRIE_COLUMNS + column[code]!]! : 0;
    if (node === 0) return 0;
    for (let k = prefixFrom[node]!; k < prefixFrom[node + 1]!; k++) noteStart(starts, prefixTerms[k]!, wordStart);
  }
}

/**
 * Every word start of a normalised text where each anchored term may begin: the walk from
 * each word down the trie, carried across one space where a two-word anchor ("the fr")
 * goes on into the next word.
 */
export function wordStartsByTerm(text: string, trie: FlatTrie): StartsByTerm {
  const starts: StartsByTerm = [];
  const length = text.length;
  for (let wordStart = 0; wordStart < length;) {
    const space = text.indexOf(" ", wordStart);
    const carry = walkWord(trie, text, wordStart, 0, wordStart, starts);
    if (space < 0) break;
    if (carry !== 0) walkWord(trie, text, space + 1, carry, wordStart, starts);
    wordStart = space + 1;
  }
  return starts;
}
