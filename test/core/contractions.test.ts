/**
 * Contractions are expanded by looking only around apostrophes (the text is scanned once per
 * question, on the hot path). That shortcut must give exactly what the one regular
 * expression over the whole text gives, including back-to-back and overlapping cases.
 */
import { describe, expect, it } from "vitest";
import { CONTRACTION, expandContraction, expandContractions } from "../../src/core/text.js";

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
