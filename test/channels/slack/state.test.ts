/**
 * What a button carries: compact enough for a select option (150 characters), tamper-proof
 * enough to refuse what this version did not write, and complete: answering again from it
 * gives the same answer as asking the question again.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createEngine } from "../../../src/core/engine.js";
import { loadPack } from "../../../src/policy/load.js";
import { FACT_NAMES, FACT_VALUES } from "../../../src/policy/vocabulary.js";
import { decodeState, encodeState, stateOf, withFact } from "../../../src/channels/slack/state.js";
import { answerBlocks, factValueOfOption } from "../../../src/channels/slack/blocks.js";
import { CORRECTABLE } from "../../../src/channels/slack/labels.js";

const engine = createEngine(loadPack());
const TODAY = "2026-11-22";
const questions = ["dev-messy.jsonl", "dev-spanish-dates-adversarial.jsonl"].flatMap((f) =>
  readFileSync(fileURLToPath(new URL(`../../scenarios/${f}`, import.meta.url)), "utf8")
    .split("\n")
    .filter((l) => l.trim().startsWith("{"))
    .map((l) => (JSON.parse(l) as { question: string }).question),
);

describe("state encoding", () => {
  it("round-trips every fact value and fits a select option value", () => {
    const answer = engine.ask("ICE is at the door of the school", { today: TODAY });
    const state = stateOf(answer, TODAY);
    for (const name of FACT_NAMES) {
      for (const value of FACT_VALUES[name]) {
        const changed = withFact(state, name, value as never);
        const encoded = encodeState({ ...changed, date: "2019-04-30" });
        expect(encoded.length).toBeLessThanOrEqual(150);
        expect(decodeState(encoded)).toEqual({ ...changed, date: "2019-04-30" });
      }
    }
  });

  it("refuses values it did not write", () => {
    const good = encodeState(stateOf(engine.ask("ICE is at the door", { today: TODAY }), TODAY));
    for (const bad of [
      "",
      "x",
      good.slice(0, -1),
      `${good}9`,
      good.replace(/^s1/, "s2"),
      `s1zz${good.slice(4)}`,
      `${good.slice(0, 4)}z${good.slice(5)}`,
      good.replace(/e$/, "x"),
    ]) {
      expect(decodeState(bad)).toBeUndefined();
    }
  });

  it("answering again from the state gives the answer the question gave (no text kept)", () => {
    let different = 0;
    for (const question of questions) {
      const first = engine.ask(question, { today: TODAY });
      const state = decodeState(encodeState(stateOf(first, TODAY)))!;
      const again = engine.reanswer(state, { today: TODAY, ...(state.date ? { date: state.date } : {}) });
      const same =
        again.decision === first.decision &&
        JSON.stringify(again.steps) === JSON.stringify(first.steps) &&
        JSON.stringify(again.citations) === JSON.stringify(first.citations) &&
        JSON.stringify(again.contacts) === JSON.stringify(first.contacts);
      if (!same) different++;
    }
    expect(different).toBe(0);
  });

  it("pins the as-of date only when the answer was not for today", () => {
    const now = engine.ask("ICE is at the door of the clinic", { today: TODAY });
    expect(stateOf(now, TODAY).date).toBeUndefined();
    const past = engine.ask("ICE is at the door of the clinic", { today: TODAY, date: "2018-05-01" });
    expect(stateOf(past, TODAY).date).toBe("2018-05-01");
  });

  it("a correction makes an out-of-scope question in scope, as in ask()", () => {
    const off = engine.ask("Where is the holiday party?", { today: TODAY });
    expect(off.decision).toBe("OUT_OF_SCOPE");
    const state = withFact(stateOf(off, TODAY), "requester", "immigration");
    const fixed = engine.reanswer(state, { today: TODAY, overrides: { requester: "immigration" } });
    expect(fixed.decision).not.toBe("OUT_OF_SCOPE");
  });
});

describe("correction menus", () => {
  it("each option stands for one value of its fact; a menu sent before values were short still works", () => {
    const answer = engine.ask("ICE is at the door of the school", { today: TODAY });
    const menus = answerBlocks({ answer, state: stateOf(answer, TODAY) }).find((b) =>
      b.block_id?.startsWith("understood:"),
    ) as { elements: { action_id: string; options: { value: string }[] }[] };
    for (const menu of menus.elements) {
      const fact = menu.action_id.replace("fact:", "") as (typeof CORRECTABLE)[number];
      const values = menu.options.map((o) => factValueOfOption(fact, o.value));
      // Every value but the current one, each once.
      expect(new Set(values)).toEqual(new Set(FACT_VALUES[fact].filter((v) => v !== answer.facts[fact])));
    }
    expect(factValueOfOption("document", "judicial-warrant")).toBe("judicial-warrant");
    expect(factValueOfOption("document", "martian-warrant")).toBeUndefined();
    expect(factValueOfOption("document", "z")).toBeUndefined();
  });
});
