/**
 * Two shortcuts on the hot path of every question, each checked against the plain way it
 * stands for: contractions expanded by looking only around apostrophes (against the one
 * regular expression over the whole text, back-to-back and overlapping cases included), and
 * accents and typographic punctuation folded by a table (against Unicode normalisation).
 */
import { describe, expect, it } from "vitest";
import { CONTRACTION, expandContraction, expandContractions, fold, foldCommon } from "../../src/core/text.js";

const reference = (s: string) => s.replace(CONTRACTION, expandContraction);

describe("expanding contractions around apostrophes", () => {
  it("reads the usual ones", () => {
    expect(expandContractions("they can't come in, i'm alone and it's late")).toBe(
      "they can not come in, i am alone and it is late",
    );
    expect(expandContractions("we don't know what they've got")).toBe("we do not know what they have got");
    expect(expandContractions("o'brien's desk")).toBe("o'brien's desk");
  });

  it("matches the whole-text expression on random text made of contraction pieces", () => {
    const pieces = [
      "can't",
      "won't",
      "ain't",
      "don't",
      "n't",
      "i'm",
      "'re",
      "'ve",
      "'ll",
      "it's",
      "there's",
      "where's",
      "'s",
      "'",
      "''",
      "x",
      " ",
      "  ",
      "cant",
      "he",
      "she's",
      "o'brien",
      "what's's",
      "i'm'",
      "scan't",
      "t",
      "s",
      "re",
      ",",
      "-",
      "e",
      "n",
      "i",
    ];
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let n = 0; n < 20_000; n++) {
      const text = Array.from(
        { length: 1 + Math.floor(random() * 12) },
        () => pieces[Math.floor(random() * pieces.length)],
      ).join("");
      expect(expandContractions(text), JSON.stringify(text)).toBe(reference(text));
    }
  });
});

describe("folding accents and punctuation by table", () => {
  it("folds what Unicode normalisation folds, for every character of the table, in any company", () => {
    const ranges: [number, number][] = [
      [0x80, 0x250],
      [0x2000, 0x2070],
    ];
    for (const [from, to] of ranges) {
      for (let code = from; code < to; code++) {
        const c = String.fromCharCode(code);
        for (const text of [c, `a${c}b`, `${c}${c}`, `la migra ${c} está aquí`]) {
          expect(foldCommon(text), `U+${code.toString(16)} in ${JSON.stringify(text)}`).toBe(fold(text));
        }
      }
    }
    expect(foldCommon("la migra está en la puerta — ¿qué hago? “no” ´")).toBe(
      'la migra esta en la puerta  ,  ¿que hago? "no"  ',
    );
  });

  it("leaves to normalisation what the table does not hold", () => {
    expect(foldCommon("e\u0301")).toBeUndefined(); // a combining accent typed apart
    expect(foldCommon("ｉｃｅ")).toBeUndefined(); // full-width letters
    expect(fold("ｉｃｅ")).toBe("ice");
  });
});
