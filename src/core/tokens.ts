/**
 * Tokenising: the prepared text of a question split into words and marks, each put in the
 * form the patterns read and joined with single spaces, noting on the way where each
 * anchored term may start. Every question goes through here, word by word, so the words
 * already seen are kept in flat typed arrays (a hash table of slots, a pool of their letters,
 * a row of numbers per word) rather than as objects scattered over the heap: looking up a
 * known word reads a few adjacent numbers, not a chain of pointers.
 */
import { walkWord, type FlatTrie, type PackedStarts, type StartsByTerm } from "./trie.js";

/** What a token becomes, worked out once by the lexicon (see describeWord in text.ts). */
export interface WordInfo {
  /** Slang replaced, spelling corrected (may be several words: "rn" -> "right now"). */
  text: string;
  /** How many of those words mark Spanish, and how many English. */
  spanish: number;
  english: number;
  /** Where anchored terms may start inside `text`: pairs of term number and offset, in order of offset. */
  hits: number[];
  /** The trie node past the last word of `text` and a space, where a two-word anchor goes on into the next word (0: none). */
  carry: number;
  /** Offset in `text` of its last word, where a carried anchor starts. */
  lastWord: number;
}

export interface Tokenized {
  text: string;
  /** Words that mark Spanish ("que", "la") and common English ones ("the", "is"). */
  spanishWords: number;
  englishWords: number;
  /** For each anchored term, where in `text` a match may start (null: no anchor trie). */
  starts: PackedStarts | null;
}

// One row of numbers per word.
const TOKEN_AT = 0; // where its letters start in the letter pool
const TOKEN_LENGTH = 1;
const TEXT_LENGTH = 2;
const LAST_WORD = 3;
const CARRY = 4;
const MARKERS = 5; // Spanish markers + 65,536 x English markers
const HITS_FROM = 6; // its hits in the hit pool: [from, to)
const HITS_TO = 7;
const TEXT_AT = 8; // where its text starts in the text pool
// The last two-word anchor carried into it: the trie node it came from (0: none yet), and
// the terms reached, as an index into the carried lists. "front" follows "the" again and
// again, so this one entry, beside the rest of the row, answers most carries.
const LAST_CARRY = 9;
const LAST_CARRIED = 10;
const ROW = 11;

/** At most this many words are kept; a flood of new words starts the table over. */
const MAX_WORDS = 1 << 15;
/** Carried walks kept at most, before they are forgotten and walked again. */
const MAX_CARRIED = 1 << 16;

function grow<T extends Int32Array | Uint8Array>(array: T, needed: number): T {
  if (needed <= array.length) return array;
  let length = array.length * 2;
  while (length < needed) length *= 2;
  const bigger = new (array.constructor as new (n: number) => T)(length);
  bigger.set(array);
  return bigger;
}

/** [a-z0-9]: the characters of a word (the text is lower case by now). */
function isWordCode(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 48 && code <= 57);
}

/** . , ; : ? ! are tokens of their own. */
function isMarkCode(code: number): boolean {
  return code === 46 || code === 44 || code === 59 || code === 58 || code === 63 || code === 33;
}

export class WordTable {
  // Open addressing, at most half full: hash and word number + 1 (0: empty) per slot.
  private slotHash = new Int32Array(1024);
  private slotWord = new Int32Array(1024);
  private words = 0;
  private rows = new Int32Array(512 * ROW);
  private letters = new Uint8Array(4096);
  private lettersUsed = 0;
  private hits = new Int32Array(4096);
  private hitsUsed = 0;
  private texts: string[] = [];
  private textLetters = new Uint8Array(4096);
  private textLettersUsed = 0;
  /** The normalised text is written here, then read off as one string (cheaper than joining words). */
  private out = new Uint8Array(1024);
  private readonly ascii = new TextDecoder("latin1");
  // Carried walks: open addressing, at most half full, growing; per slot the trie node, the
  // word number + 1 (0: empty) and the index of the terms reached in carriedLists.
  private carriedKey = new Int32Array(3 * 1024);
  private carriedLists: number[][] = [];
  // Word starts noted while tokenising one question, as pairs in text order; the last start
  // noted per term, to note each once.
  private noted = 0;
  private notedTerm = new Int32Array(256);
  private notedAt = new Int32Array(256);
  private readonly lastAt: Int32Array;
  private readonly cursor: Int32Array;

  /** `terms` is how many terms the trie's anchors number. */
  constructor(
    private readonly trie: FlatTrie | null,
    private readonly terms: number,
    private readonly describe: (token: string) => WordInfo,
  ) {
    this.lastAt = new Int32Array(terms);
    this.cursor = new Int32Array(terms);
  }

  private note(term: number, at: number): void {
    if (this.lastAt[term] === at) return;
    this.lastAt[term] = at;
    if (this.noted === this.notedTerm.length) {
      this.notedTerm = grow(this.notedTerm, this.noted + 1);
      this.notedAt = grow(this.notedAt, this.noted + 1);
    }
    this.notedTerm[this.noted] = term;
    this.notedAt[this.noted++] = at;
  }

  /** The noted starts, packed by term (they were noted in text order, so each term's are in order). */
  private packNoted(): PackedStarts {
    const terms = this.terms;
    const first = new Int32Array(terms + 1);
    for (let k = 0; k < this.noted; k++) first[this.notedTerm[k]! + 1]! += 1;
    for (let term = 0; term < terms; term++) first[term + 1]! += first[term]!;
    const at = new Int32Array(this.noted);
    const cursor = this.cursor;
    cursor.set(first.subarray(0, terms));
    for (let k = 0; k < this.noted; k++) at[cursor[this.notedTerm[k]!]!++] = this.notedAt[k]!;
    return { first, at };
  }

  /** Splits prepared text (lower case, rewrites applied) into the text the patterns read. */
  tokenize(s: string): Tokenized {
    const trie = this.trie;
    this.noted = 0;
    this.lastAt.fill(-1);
    let out = this.out;
    let offset = 0;
    let spanishWords = 0;
    let englishWords = 0;
    let carry = 0;
    let carryStart = 0;
    const length = s.length;
    for (let i = 0; i < length; i++) {
      const code = s.charCodeAt(i);
      let end = i + 1;
      let hash = code;
      if (isWordCode(code)) {
        for (let c = 0; end < length && isWordCode((c = s.charCodeAt(end))); end++)
          hash = (Math.imul(hash, 31) + c) | 0;
      } else if (!isMarkCode(code)) continue;
      let word = this.find(s, i, end, hash);
      if (word < 0) word = this.add(s.slice(i, end), hash);
      i = end - 1;

      const rows = this.rows;
      const row = word * ROW;
      // A two-word anchor begun by the word before goes on into this one.
      if (carry !== 0 && trie !== null) {
        for (const term of this.carriedInto(word, carry, trie)) this.note(term, carryStart);
      }
      const hits = this.hits;
      for (let k = rows[row + HITS_FROM]!, to = rows[row + HITS_TO]!; k < to; k += 2) {
        this.note(hits[k]!, offset + hits[k + 1]!);
      }
      carry = rows[row + CARRY]!;
      carryStart = offset + rows[row + LAST_WORD]!;
      const textLength = rows[row + TEXT_LENGTH]!;
      if (offset + textLength + 1 > out.length) out = this.out = grow(out, offset + textLength + 1);
      const letters = this.textLetters;
      for (let k = rows[row + TEXT_AT]!, to = k + textLength; k < to; k++) out[offset++] = letters[k]!;
      out[offset++] = 32;
      const markers = rows[row + MARKERS]!;
      spanishWords += markers & 0xffff;
      englishWords += markers >>> 16;
    }
    const text = offset === 0 ? "" : this.ascii.decode(out.subarray(0, offset - 1));
    return { text, spanishWords, englishWords, starts: trie ? this.packNoted() : null };
  }

  /** The number of the word s[from, to) with this hash, or -1 when it is not known yet. */
  private find(s: string, from: number, to: number, hash: number): number {
    const slotHash = this.slotHash;
    const slotWord = this.slotWord;
    const mask = slotHash.length - 1;
    const length = to - from;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const found = slotWord[slot]!;
      if (found === 0) return -1;
      if (slotHash[slot] !== hash) continue;
      const row = (found - 1) * ROW;
      if (this.rows[row + TOKEN_LENGTH] !== length) continue;
      const at = this.rows[row + TOKEN_AT]!;
      let k = 0;
      while (k < length && this.letters[at + k] === s.charCodeAt(from + k)) k++;
      if (k === length) return found - 1;
    }
  }

  private add(token: string, hash: number): number {
    if (this.words >= MAX_WORDS) this.clear();
    const info = this.describe(token);
    const word = this.words++;
    if (this.words * 2 > this.slotHash.length) this.rehash(this.slotHash.length * 2);
    this.place(word, hash);

    this.rows = grow(this.rows, this.words * ROW);
    this.letters = grow(this.letters, this.lettersUsed + token.length);
    this.hits = grow(this.hits, this.hitsUsed + info.hits.length);
    const row = word * ROW;
    this.rows[row + TOKEN_AT] = this.lettersUsed;
    this.rows[row + TOKEN_LENGTH] = token.length;
    for (let k = 0; k < token.length; k++) this.letters[this.lettersUsed++] = token.charCodeAt(k);
    this.rows[row + TEXT_LENGTH] = info.text.length;
    this.rows[row + LAST_WORD] = info.lastWord;
    this.rows[row + CARRY] = info.carry;
    this.rows[row + MARKERS] = Math.min(info.spanish, 0xffff) | (Math.min(info.english, 0x7fff) << 16);
    this.rows[row + HITS_FROM] = this.hitsUsed;
    for (const n of info.hits) this.hits[this.hitsUsed++] = n;
    this.rows[row + HITS_TO] = this.hitsUsed;
    this.texts[word] = info.text;
    this.textLetters = grow(this.textLetters, this.textLettersUsed + info.text.length);
    this.rows[row + TEXT_AT] = this.textLettersUsed;
    this.rows[row + LAST_CARRY] = 0;
    for (let k = 0; k < info.text.length; k++) this.textLetters[this.textLettersUsed++] = info.text.charCodeAt(k);
    return word;
  }

  private place(word: number, hash: number): void {
    const mask = this.slotHash.length - 1;
    let slot = hash & mask;
    while (this.slotWord[slot] !== 0) slot = (slot + 1) & mask;
    this.slotHash[slot] = hash;
    this.slotWord[slot] = word + 1;
  }

  private rehash(slots: number): void {
    const oldHash = this.slotHash;
    const oldWord = this.slotWord;
    this.slotHash = new Int32Array(slots);
    this.slotWord = new Int32Array(slots);
    for (let slot = 0; slot < oldWord.length; slot++) {
      if (oldWord[slot] !== 0) this.place(oldWord[slot]! - 1, oldHash[slot]!);
    }
  }

  private clear(): void {
    this.slotHash.fill(0);
    this.slotWord.fill(0);
    this.words = 0;
    this.lettersUsed = 0;
    this.hitsUsed = 0;
    this.texts = [];
    this.textLettersUsed = 0;
    this.clearCarried();
  }

  private clearCarried(): void {
    this.carriedKey = new Int32Array(3 * 1024);
    this.carriedLists = [];
    for (let row = 0; row < this.words * ROW; row += ROW) this.rows[row + LAST_CARRY] = 0;
  }

  /** The slot where (carry, word) is kept, or the empty slot where it would go. */
  private carriedSlot(carry: number, word: number): number {
    const keys = this.carriedKey;
    const mask = keys.length / 3 - 1;
    // Fibonacci hashing: the high bits of the product are well mixed.
    let slot = (Math.imul(carry * 32768 + word, 0x9e3779b1) >>> 16) & mask;
    for (; ; slot = (slot + 1) & mask) {
      const key = keys[3 * slot];
      if (key === 0 || (key === carry && keys[3 * slot + 1] === word + 1)) return slot;
    }
  }

  /**
   * The terms a two-word anchor entered at trie node `carry` reaches over this word,
   * remembered: "the" comes before the same few words again and again.
   */
  private carriedInto(word: number, carry: number, trie: FlatTrie): number[] {
    const row = word * ROW;
    if (this.rows[row + LAST_CARRY] === carry) return this.carriedLists[this.rows[row + LAST_CARRIED]!]!;
    const slot = this.carriedSlot(carry, word);
    let list: number;
    if (this.carriedKey[3 * slot] !== 0) list = this.carriedKey[3 * slot + 2]!;
    else {
      const reached: StartsByTerm = [];
      walkWord(trie, this.texts[word]!, 0, carry, 0, reached);
      const terms: number[] = [];
      reached.forEach((offsets, term) => offsets && terms.push(term));
      list = this.keepCarried(carry, word, terms);
    }
    this.rows[row + LAST_CARRY] = carry;
    this.rows[row + LAST_CARRIED] = list;
    return this.carriedLists[list]!;
  }

  private keepCarried(carry: number, word: number, terms: number[]): number {
    if (this.carriedLists.length >= MAX_CARRIED) this.clearCarried();
    else if ((this.carriedLists.length + 1) * 2 > this.carriedKey.length / 3) {
      const keys = this.carriedKey;
      this.carriedKey = new Int32Array(keys.length * 2);
      for (let slot = 0; slot < keys.length / 3; slot++) {
        if (keys[3 * slot] === 0) continue;
        const to = this.carriedSlot(keys[3 * slot]!, keys[3 * slot + 1]! - 1);
        this.carriedKey.set(keys.subarray(3 * slot, 3 * slot + 3), 3 * to);
      }
    }
    const slot = this.carriedSlot(carry, word);
    const list = this.carriedLists.push(terms) - 1;
    this.carriedKey[3 * slot] = carry;
    this.carriedKey[3 * slot + 1] = word + 1;
    this.carriedKey[3 * slot + 2] = list;
    return list;
  }
}
