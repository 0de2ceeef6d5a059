/**
 * The Block Kit renderer is pure: every answer the core can give, for every scenario
 * question, role and a few dates, renders within Slack's limits (checked by the fake
 * Slack's own validator, written independently from the renderer).
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { Answer } from "../../../src/core/decide.js";
import { createEngine } from "../../../src/core/engine.js";
import { loadPack } from "../../../src/policy/load.js";
import { ROLES, type Role } from "../../../src/policy/vocabulary.js";
import {
  answerBlocks,
  answerMessage,
  escalateModal,
  escapeMrkdwn,
  helpMessage,
  homeView,
  rolePickerMessage,
  sourcesMessage,
  truncate,
} from "../../../src/channels/slack/blocks.js";
import { stateOf } from "../../../src/channels/slack/state.js";
import { blocksText, validateBlocks, validateView } from "../../fakes/slack-api.js";

const engine = createEngine(loadPack());
const TODAY = "2026-11-22";
const scenarioDir = fileURLToPath(new URL("../../scenarios/", import.meta.url));
const questions = readdirSync(scenarioDir)
  .filter((f) => f.endsWith(".jsonl"))
  .flatMap((f) =>
    readFileSync(`${scenarioDir}${f}`, "utf8")
      .split("\n")
      .filter((l) => l.trim().startsWith("{"))
      .map((l) => (JSON.parse(l) as { question: string }).question),
  );

function render(answer: Answer, options: { profileRole?: Role; publicThread?: boolean } = {}) {
  return answerBlocks({ answer, state: stateOf(answer, TODAY), ...options });
}

describe("answer blocks", () => {
  it("every scenario answer, for each role and several dates, is valid Block Kit", () => {
    expect(questions.length).toBeGreaterThan(300);
    let checked = 0;
    for (const [i, question] of questions.entries()) {
      // Every question once as is; a rotating role and date keep the run short but broad.
      const role = ROLES[i % ROLES.length]!;
      const date = ["2016-06-01", "2018-03-01", "2025-06-01", undefined][i % 4];
      const variants: { today: string; role?: Role; date?: string }[] = [
        { today: TODAY },
        { today: TODAY, role, ...(date ? { date } : {}) },
      ];
      for (const options of variants) {
        const answer = engine.ask(question, options);
        const blocks = render(answer, {
          publicThread: i % 2 === 0,
          ...(options.role ? { profileRole: options.role } : {}),
        });
        const errors = validateBlocks(blocks);
        if (errors.length > 0) throw new Error(`"${question.slice(0, 60)}": ${errors.join("; ")}`);
        checked++;
      }
    }
    expect(checked).toBe(questions.length * 2);
  });

  it("puts the headline first, then numbered steps with citation marks, then the quotes, then who to call", () => {
    const answer = engine.ask("ICE agents are at the front desk of my school without a warrant", { today: TODAY });
    const blocks = render(answer);
    const text = blocksText(blocks);
    expect(blocksText([blocks[0]])).toBe(`*${answer.headline}*`);
    const stepAt = text.indexOf("1. ");
    const sourcesAt = text.indexOf("*Sources*");
    const callAt = text.indexOf("*Who to call:*");
    const understoodAt = text.indexOf("*What I understood*");
    expect(stepAt).toBeGreaterThan(0);
    expect(sourcesAt).toBeGreaterThan(stepAt);
    expect(callAt).toBeGreaterThan(sourcesAt);
    expect(understoodAt).toBeGreaterThan(callAt);
    expect(text).toContain("[1]");
  });

  it("marks an urgent answer and uses a red escalate button", () => {
    const answer = engine.ask("ICE agents are forcing their way into the shelter and threatening to arrest me", {
      today: TODAY,
    });
    expect(answer.escalate.urgent).toBe(true);
    const blocks = render(answer);
    expect(blocksText(blocks)).toContain("*Call now (urgent):*");
    const escalate = blocks.find((b) => b.block_id === "escalate") as { elements: { style?: string }[] };
    expect(escalate.elements[0]!.style).toBe("danger");
  });

  it("asks for the role only when it is unknown, not remembered, and matters", () => {
    const answer = engine.ask("Immigration officers want our list of residents", { today: TODAY });
    expect(answer.facts.role).toBe("unknown");
    const ids = (blocks: { block_id?: string }[]) => blocks.map((b) => b.block_id?.replace(/:.*/, ""));
    expect(ids(render(answer))).toContain("role-prompt");
    expect(ids(render(answer, { profileRole: "health" }))).not.toContain("role-prompt");
    const outOfScope = engine.ask("Where is the holiday party this year?", { today: TODAY });
    expect(outOfScope.decision).toBe("OUT_OF_SCOPE");
    expect(ids(render(outOfScope))).not.toContain("role-prompt");
  });

  it("reminds a channel thread that a DM is private, and not a DM", () => {
    const answer = engine.ask("ICE is at the clinic door", { today: TODAY });
    expect(blocksText(render(answer, { publicThread: true }))).toMatch(/send me a direct message/);
    expect(blocksText(render(answer))).not.toMatch(/direct message/);
  });

  it("keeps within the limits whatever the answer's size: long text is cut safely, blocks capped at 50", () => {
    const base = engine.ask("ICE agents are at the front desk of the shelter", { today: TODAY });
    const long = "word ".repeat(2000) + "&<>";
    const huge: Answer = {
      ...base,
      headline: long,
      notes: Array.from({ length: 30 }, () => long),
      steps: Array.from({ length: 80 }, (_, i) => `${i} ${long}`),
      stepCitations: Array.from({ length: 80 }, () => [0, 1, 2]),
      citations: Array.from({ length: 60 }, (_, i) => ({
        id: `c${i}`,
        source: "s",
        title: long,
        date: "2026",
        quote: `😀${long}`,
      })),
      contacts: Array.from({ length: 40 }, () => long),
      clarify: [...base.clarify, ...base.clarify, ...base.clarify, ...base.clarify, ...base.clarify],
    };
    const blocks = render(huge);
    expect(validateBlocks(blocks)).toEqual([]);
    expect(blocks.length).toBeLessThanOrEqual(50);
    expect(blocks[blocks.length - 1]!.block_id).toBe("footer");
    expect(answerMessage({ answer: huge, state: stateOf(huge, TODAY) }).text.length).toBeLessThanOrEqual(3000);
  });

  it("does not carry the question's text in any value", () => {
    const question = "ICE wants the address of Maria Gonzalez who lives in our shelter";
    const answer = engine.ask(question, { today: TODAY });
    const json = JSON.stringify(render(answer));
    expect(json).not.toMatch(/Gonzalez|Maria/);
  });
});

describe("truncate and escape", () => {
  it("cuts at a word near the end, adds an ellipsis, never exceeds the limit", () => {
    expect(truncate("short", 10)).toBe("short");
    const cut = truncate("the quick brown fox jumps over the lazy dog", 20);
    expect(cut.length).toBeLessThanOrEqual(20);
    expect(cut.endsWith("…")).toBe(true);
  });

  it("never splits a surrogate pair or an escaped entity", () => {
    const emoji = truncate("a".repeat(9) + "😀😀😀", 11);
    expect(emoji.length).toBeLessThanOrEqual(11);
    expect(emoji).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
    const entity = truncate(escapeMrkdwn(`${"b".repeat(8)}&&&`), 12);
    expect(entity).not.toMatch(/&[a-z]*…$/);
    expect(entity.length).toBeLessThanOrEqual(12);
  });

  it("escapes &, < and > for mrkdwn", () => {
    expect(escapeMrkdwn("a & <b> c")).toBe("a &amp; &lt;b&gt; c");
  });
});

describe("other surfaces", () => {
  it("help, sources and the role picker are valid messages", () => {
    for (const message of [
      helpMessage(),
      helpMessage("intro"),
      sourcesMessage(engine.pack),
      rolePickerMessage(undefined),
      rolePickerMessage("nypd"),
    ]) {
      expect(validateBlocks(message.blocks)).toEqual([]);
      expect(message.text.length).toBeGreaterThan(0);
    }
  });

  it("the escalation placeholder modal and App Home are valid views", () => {
    expect(validateView(escalateModal({ queue: "doe-legal", contacts: ["The principal"], urgent: true }))).toEqual([]);
    expect(validateView(escalateModal({ queue: "agency-counsel", contacts: [], urgent: false }))).toEqual([]);
    for (const role of [undefined, ...ROLES]) expect(validateView(homeView(role, engine.pack))).toEqual([]);
  });
});
