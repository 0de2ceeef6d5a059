/**
 * Rewrite gates must never skip a rewrite that would apply: for every rewrite of the
 * lexicon and every question we hold, a gate that says "cannot match" is checked against
 * the pattern itself.
 */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compileGate, gateAllows, patternGate, TextPairs } from "../../src/core/required.js";
import { loadPack } from "../../src/policy/load.js";

const scenarioDir = new URL("../scenarios/", import.meta.url);

function questions(): string[] {
  const out: string[] = [];
  for (const file of readdirSync(scenarioDir).filter((f) => f.endsWith(".jsonl"))) {
    for (const line of readFileSync(new URL(file, scenarioDir), "utf8").split("\n"))
      if (line.trim()) out.push(JSON.parse(line).question);
  }
  return out;
}

describe("required literals", () => {
  it("take the literal runs a match cannot do without", () => {
    expect(patternGate("\\bw/o\\b")).toEqual({ literal: "w/o" });
    expect(patternGate("\\bsub\\s?poena")).toEqual({ all: [{ literal: "sub" }, { literal: "poena" }] });
    expect(patternGate("\\bform (200|205)\\b")).toEqual({
      all: [{ literal: "form " }, { any: [{ literal: "200" }, { literal: "205" }] }],
    });
  });

  it("require nothing of optional parts, classes and negative lookarounds", () => {
    expect(patternGate("(?:a )?warren(?! st)")).toEqual({ literal: "warren" });
    expect(patternGate("x?[abc]\\w+")).toEqual({ all: [] });
    expect(patternGate("no|(?:yes)?")).toEqual({ all: [] });
  });

  it("rule out a literal only when its letters are not side by side in the text", () => {
    const pairs = new TextPairs();
    pairs.load("agents with a w/o form");
    expect(pairs.mayContain("w/o")).toBe(true);
    expect(pairs.mayContain("o/w")).toBe(false);
    expect(pairs.mayContain("hsi")).toBe(false);
    expect(compileGate(patternGate("\\bh\\.?s\\.?i\\."))(pairs)).toBe(false);
  });

  it("never rule out a rewrite that applies, over every scenario question", () => {
    const rewrites = loadPack().lexicon.rewrites;
    const pairs = new TextPairs();
    let applied = 0;
    for (const question of questions()) {
      const text = question.toLowerCase();
      pairs.load(text);
      for (const [pattern] of rewrites) {
        const gate = patternGate(pattern);
        const matches = new RegExp(pattern).test(text);
        if (matches) {
          applied++;
          expect(gateAllows(gate, text), `${pattern} on "${question}"`).toBe(true);
          expect(compileGate(gate)(pairs), `${pattern} on "${question}"`).toBe(true);
        }
      }
    }
    expect(applied).toBeGreaterThan(50);
  });
});
