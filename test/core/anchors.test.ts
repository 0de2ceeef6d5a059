/**
 * The anchor shortcut must never change what is read: a term the shortcut skips for a
 * question must have no match in it. Checked over every scenario question we hold, for
 * every term of the lexicon, and unit-tested on the pattern analysis itself.
 */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  anchorWords,
  leadingAnchors,
  mayStartWithSpace,
  topLevelAlternatives,
  wordStarts,
} from "../../src/core/anchors.js";
import { TermIndex, compileLexicon, findAll, normalize, normalizeQuestion } from "../../src/core/text.js";
import { TERM_NAMES } from "../../src/policy/lexicon-schema.js";
import { loadPack } from "../../src/policy/load.js";

const scenarioDir = new URL("../scenarios/", import.meta.url);
const publicFile = new URL("../../../shared/scenarios/public.jsonl", import.meta.url);

function questions(): string[] {
  const files = readdirSync(scenarioDir)
    .filter((f) => f.endsWith(".jsonl"))
    .map((f) => new URL(f, scenarioDir));
  const out: string[] = [];
  for (const file of files) {
    for (const line of readFileSync(file, "utf8").split("\n")) if (line.trim()) out.push(JSON.parse(line).question);
  }
  try {
    for (const line of readFileSync(publicFile, "utf8").split("\n"))
      if (line.trim()) out.push(JSON.parse(line).question);
  } catch {
    // The shared corpus is beside the repo in CI; the repo's own scenarios suffice here.
  }
  return out;
}

describe("pattern anchors", () => {
  it("split only top-level alternatives", () => {
    expect(topLevelAlternatives("a|(?:b|c)|[|]|d\\|e")).toEqual(["a", "(?:b|c)", "[|]", "d\\|e"]);
  });

  it("find the literal starts of each alternative", () => {
    expect(leadingAnchors("(?:no|sin) (?:warrant|orden) (?:signed|firmada)")?.sort()).toEqual([
      "no orden",
      "no warrant",
      "sin orden",
      "sin warrant",
    ]);
    expect(leadingAnchors("agents?|officers")?.sort()).toEqual(["agent", "office"]);
    expect(leadingAnchors("(?:the )?lobby")?.sort()).toEqual(["lobby", "the lobby"]);
    // A group that ends with its space hands on to the word after it.
    expect(leadingAnchors("(?:the |a )?rules? changed")?.sort()).toEqual(["a rule", "rule", "the rule"]);
    expect(leadingAnchors("(?:the )?\\w+ desk")).toBeNull();
    expect(leadingAnchors("(?<!black )ice(?! cream)")).toEqual(["ice"]);
  });

  it("give up on patterns that could start with any word", () => {
    expect(leadingAnchors("(?:\\w+ ){0,2}school")).toBeNull();
    expect(leadingAnchors("[a-z]+ead")).toBeNull();
    expect(leadingAnchors("(?:a )?")).toBeNull();
  });

  it("know when the first word must be exactly the anchor", () => {
    const words = (source: string) => Object.fromEntries(anchorWords(source) ?? []);
    // "a" followed by a space: only the word "a", not "about"; and the next word is known.
    expect(words("(?:en|a) (?:la )?puerta")).toEqual({
      "en la": true,
      "en puerta": true,
      "a la": true,
      "a puerta": true,
    });
    // A second word the pattern cannot name leaves the first word alone, but whole.
    expect(words("the (?:\\w+ )?door|in \\w+")).toEqual({ the: true, in: true });
    // An optional letter, a repeated one, or an optional space lets the word go on.
    expect(words("agents?")).toEqual({ agent: false });
    expect(words("ye+s")).toEqual({ ye: false });
    expect(words("plain ?clothes")).toEqual({ plain: false });
    // A term ends at a word edge, so an anchor at the end of the pattern is a whole word.
    expect(words("ice|hsi agents")).toEqual({ ice: true, "hsi agents": true });
    // A following group decides: every way on starts with a space, or one may not.
    expect(words("ice(?: agents| officers)?")).toEqual({ ice: true });
    expect(words("ice(?:s| agents)")).toEqual({ ice: false });
    // Anchors cut to six letters can only be prefixes.
    expect(words("immigration")).toEqual({ immigr: false });
    // A number starts with a digit.
    expect(Object.keys(words("\\d+(?:st|nd) ave")).sort()).toEqual([..."0123456789"]);
  });

  it("index every word start up to the anchor length", () => {
    expect([...wordStarts("ice at")].sort()).toEqual(["a", "at", "i", "ic", "ice"]);
  });
});

describe("the anchor shortcut over every scenario question", () => {
  const lexicon = compileLexicon(loadPack().lexicon);
  const all = questions();

  it("finds exactly what a scan of the whole text finds, for every term", () => {
    expect(all.length).toBeGreaterThan(500);
    for (const question of all) {
      const text = normalize(question, lexicon);
      const index = new TermIndex(text, lexicon);
      for (const term of TERM_NAMES) {
        expect(index.all(term), `${term} in "${question}"`).toEqual(findAll(lexicon.terms[term], text));
      }
    }
  });

  it("finds the same from the word starts noted while normalising as from a walk over the text", () => {
    // normalizeQuestion notes word starts from each word's remembered walk, carried across
    // a space for two-word anchors; a scan must agree, for every term, whatever words came first.
    for (const question of all) {
      const { text, starts } = normalizeQuestion(question, lexicon);
      expect(starts).not.toBeNull();
      const index = new TermIndex(text, lexicon, starts);
      for (const term of TERM_NAMES) {
        expect(index.all(term), `${term} in "${question}"`).toEqual(findAll(lexicon.terms[term], text));
      }
    }
  });

  it("finds exactly what a scan finds in random word salad from the lexicon's own words", () => {
    // Scenario questions are real sentences; salad puts every word next to every other,
    // which is where an anchor wrongly taken as a whole word would show.
    const vocabulary = [
      ...new Set([
        ...TERM_NAMES.flatMap((t) => lexicon.terms[t].source.match(/[a-z0-9]+/g) ?? []),
        ...all.slice(0, 300).flatMap((q) => normalize(q, lexicon).split(" ")),
      ]),
    ];
    let seed = 20261124;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let n = 0; n < 1500; n++) {
      const length = 3 + Math.floor(random() * 30);
      const text = Array.from({ length }, () => vocabulary[Math.floor(random() * vocabulary.length)]).join(" ");
      const index = new TermIndex(text, lexicon);
      const normalized = normalizeQuestion(text, lexicon);
      const noted = new TermIndex(normalized.text, lexicon, normalized.starts);
      for (const term of TERM_NAMES) {
        expect(index.all(term), `${term} in "${text}"`).toEqual(findAll(lexicon.terms[term], text));
        expect(noted.all(term), `${term} in "${normalized.text}"`).toEqual(
          findAll(lexicon.terms[term], normalized.text),
        );
      }
    }
  });

  it("tries most terms only at a few word starts", () => {
    expect(lexicon.unanchoredTerms.length).toBeLessThan(TERM_NAMES.length / 4);
  });

  it("knows which patterns may begin with a space", () => {
    expect(mayStartWithSpace("(?:^| )system")).toBe(true);
    expect(mayStartWithSpace("(?<!black )ice|hsi")).toBe(false);
  });
});

describe("the table of words already seen", () => {
  it("reads the same after a flood of new words has started it over", () => {
    // A fresh lexicon: its word table starts empty.
    const lexicon = compileLexicon(loadPack().lexicon);
    const question = "ICE agents r at the front desk of the shelter rn, they dont have a warrent";
    const first = normalizeQuestion(question, lexicon);
    // More distinct words than the table keeps (32,768), like a log of random ids.
    for (let n = 0; n < 40_000; n += 100) {
      normalizeQuestion(Array.from({ length: 100 }, (_, k) => `x${(n + k).toString(36)}q`).join(" "), lexicon);
    }
    const again = normalizeQuestion(question, lexicon);
    expect(again).toEqual(first);
    expect(again.text).toBe("ice agents are at the front desk of the shelter right now , they do not have a warrant");
  });
});
