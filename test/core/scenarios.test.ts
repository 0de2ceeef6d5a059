/**
 * Every labelled question we hold, through the real engine: each answer must be well formed
 * (a valid decision and facts, steps that cite what is in force, quotes verbatim, the
 * SPEC's escalation) and never tell anyone to let agents in, open doors or physically
 * resist. The public set must also be answered 100% right, decisions and facts. Our own
 * sets are held to floors below; their accuracy is measured by `ice-protocol eval`.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseScenarios, type Scenario } from "../../src/channels/cli/scenarios.js";
import { REPO_DIR, SHARED_SCENARIOS_DIR, TODAY, answerProblems, ask, unsafeSteps } from "../support/answers.js";

const PUBLIC = join(SHARED_SCENARIOS_DIR, "public.jsonl");
const OWN_DIR = join(REPO_DIR, "test/scenarios");
const OWN = readdirSync(OWN_DIR)
  .filter((f) => f.endsWith(".jsonl"))
  .sort()
  .map((f) => join(OWN_DIR, f));

function answerAll(file: string) {
  const scenarios = parseScenarios(readFileSync(file, "utf8"), file);
  return scenarios.map((s: Scenario, i) => ({
    line: i + 1,
    scenario: s,
    answer: ask(s.question, { ...(s.role ? { role: s.role } : {}), ...(s.date ? { date: s.date } : {}) }),
  }));
}

function problemsIn(file: string): string[] {
  return answerAll(file).flatMap(({ line, scenario, answer }) =>
    answerProblems(answer).map((p) => `line ${line} (${scenario.question.slice(0, 60)}...): ${p}`),
  );
}

describe.skipIf(!existsSync(PUBLIC))(`public scenarios (${PUBLIC})`, () => {
  it("every answer is well formed and safe", () => {
    expect(problemsIn(PUBLIC)).toEqual([]);
  });

  it("every decision is right (100%)", () => {
    const misses = answerAll(PUBLIC)
      .filter(({ scenario, answer }) => answer.decision !== scenario.decision)
      .map(({ line, scenario, answer }) => `line ${line}: expected ${scenario.decision}, got ${answer.decision}`);
    expect(misses).toEqual([]);
  });

  it("every labelled fact is right (100%)", () => {
    const misses = answerAll(PUBLIC).flatMap(({ line, scenario, answer }) =>
      Object.entries(scenario.facts ?? {})
        .filter(([fact, value]) => value !== undefined && answer.facts[fact as keyof typeof answer.facts] !== value)
        .map(
          ([fact, value]) =>
            `line ${line}: ${fact} expected ${value}, got ${answer.facts[fact as keyof typeof answer.facts]}`,
        ),
    );
    expect(misses).toEqual([]);
  });
});

/**
 * Floors, not targets: the dev sets are what the extractor is improved on, so a change that
 * drops one below 95% has broken something; the held-out sets are never tuned on, and a
 * drop below 80% means a change made reading worse in general.
 */
describe("accuracy floors on our own sets", () => {
  it.each(OWN.map((f) => [f.slice(REPO_DIR.length + 1), f]))("%s", (name, file) => {
    const all = answerAll(file);
    const right = all.filter(({ scenario, answer }) => answer.decision === scenario.decision).length;
    const floor = /holdout-\d+\.jsonl$/.test(name) && !/retired/.test(name) ? 0.8 : 0.95;
    expect(right / all.length).toBeGreaterThanOrEqual(floor);
  });
});

describe("our scenario sets (well formed and safe; accuracy is eval's job)", () => {
  it("has the dev sets", () => {
    expect(OWN.some((f) => /\/dev-[^/]+\.jsonl$/.test(f))).toBe(true);
  });

  it.each(OWN.map((f) => [f.slice(REPO_DIR.length + 1), f]))("%s", (_name, file) => {
    expect(problemsIn(file)).toEqual([]);
  });
});

describe("the safety check itself", () => {
  it("flags advice to let agents in, open doors or resist, and accepts the same words forbidden", () => {
    expect(unsafeSteps({ steps: ["Let them in and show them the classrooms."] })).toHaveLength(1);
    expect(unsafeSteps({ steps: ["Open the door for the agents."] })).toHaveLength(1);
    expect(unsafeSteps({ steps: ["Physically block the entrance."] })).toHaveLength(1);
    expect(unsafeSteps({ steps: ["Stay calm. Then resist them."] })).toHaveLength(1);
    expect(
      unsafeSteps({
        steps: [
          "Do not open doors for them, and do not physically block them.",
          "Do not physically block, resist or fight the agents.",
          "Never let them past reception.",
        ],
      }),
    ).toEqual([]);
  });

  it("is pinned to a fixed today", () => {
    expect(ask("ICE is at the front door of our shelter").asOf).toBe(TODAY);
  });
});
