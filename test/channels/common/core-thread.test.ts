/**
 * The core on its own worker thread (CoreThread): the real worker, compiled in dist/ (`npm
 * test` builds first), answering exactly as the engine does in this thread; and what happens
 * when the worker dies, hangs or cannot start (questions are answered here, none lost).
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LogLevel } from "@slack/bolt";
import { CoreThread } from "../../../src/channels/common/core-thread.js";
import { startSlackApp } from "../../../src/channels/slack/app.js";
import { AskError, type AskOptions } from "../../../src/core/engine.js";
import { parseScenarios } from "../../../src/channels/cli/scenarios.js";
import { ROLES } from "../../../src/policy/vocabulary.js";
import { REPO_DIR, TODAY, engine } from "../../support/answers.js";
import { FakeSlackApi, SlackSender, httpBotConfig } from "../../fakes/slack-api.js";

const FAILING_WORKER = new URL("../../fakes/failing-core-worker.mjs", import.meta.url);

const SCENARIO_DIR = join(REPO_DIR, "test/scenarios");
const QUESTIONS = readdirSync(SCENARIO_DIR)
  .filter((f) => f.endsWith(".jsonl"))
  .flatMap((f) => parseScenarios(readFileSync(join(SCENARIO_DIR, f), "utf8"), f).map((s) => s.question));

const RECORDS_DECISION = engine.ask("ICE wants our records", { today: TODAY }).decision;

const started: CoreThread[] = [];
async function start(options: Partial<Parameters<typeof CoreThread.start>[0]> = {}) {
  const problems: string[] = [];
  const core = await CoreThread.start({ engine, onProblem: (text) => problems.push(text), ...options });
  started.push(core);
  return { core, problems };
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((core) => core.stop()));
});

/** Some askers have a role, some chose a date: the options travel to the worker too. */
function optionsFor(i: number): AskOptions {
  return {
    today: TODAY,
    ...(i % 3 === 1 ? { role: ROLES[i % ROLES.length]! } : {}),
    ...(i % 7 === 2 ? { date: "2025-01-15" } : {}),
  };
}

async function until(condition: () => boolean, ms = 5000) {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("CoreThread", () => {
  it(`answers every scenario question (${QUESTIONS.length}) exactly as the engine does in this thread`, async () => {
    const { core, problems } = await start();
    expect(core.running).toBe(true);
    // Asked in one turn of the event loop, as a burst of requests would be: all go to the worker.
    const fromWorker = await Promise.all(QUESTIONS.map((q, i) => core.ask(q, optionsFor(i))));
    expect(core.counts.worker).toBe(QUESTIONS.length);
    expect(core.counts.thisThread).toBe(0);
    QUESTIONS.forEach((q, i) => expect(fromWorker[i], q).toEqual(engine.ask(q, optionsFor(i))));
    expect(problems).toEqual([]);
  });

  it("reads a question that comes alone to an idle worker in this thread, with the same answer", async () => {
    const { core } = await start();
    const question = "ICE agents are at the front desk of my school without a warrant";
    const answer = await core.ask(question, { today: TODAY });
    expect(core.counts).toMatchObject({ worker: 0, thisThread: 1 });
    expect(answer).toEqual(engine.ask(question, { today: TODAY }));
    expect(answer.decision).toBe("ENTRY_DENY_WITHOUT_JUDICIAL_WARRANT");
  });

  it("rejects an empty question or a bad date with the same AskError as the engine", async () => {
    const { core } = await start();
    const asked = [
      core.ask("   ", { today: TODAY }),
      core.ask("ICE wants our records", { today: TODAY, date: "2026-02-30" }),
      core.ask("ICE wants our records", { today: "yesterday" }),
      core.ask("ICE wants our records", { today: TODAY }),
    ];
    const settled = await Promise.allSettled(asked);
    expect(core.counts.worker).toBe(1);
    const errors = settled.slice(0, 3).map((s) => (s.status === "rejected" ? (s.reason as Error) : undefined));
    for (const error of errors) expect(error).toBeInstanceOf(AskError);
    expect(errors.map((e) => e?.message)).toEqual([
      "the question is empty",
      'the date must be a real date as YYYY-MM-DD, not "2026-02-30"',
      'today must be a date as YYYY-MM-DD, not "yesterday"',
    ]);
    expect(settled[3]).toMatchObject({ status: "fulfilled", value: { decision: RECORDS_DECISION } });
  });

  it("answers here the questions a dying worker had, then starts a new worker", async () => {
    const { core, problems } = await start({ workerUrl: FAILING_WORKER, respawnDelayMs: 20 });
    const burst = ["ICE wants our records", "CRASH THE WORKER", "La migra está en la puerta del refugio"];
    const answers = await Promise.all(burst.map((q) => core.ask(q, { today: TODAY })));
    burst.forEach((q, i) => expect(answers[i]).toEqual(engine.ask(q, { today: TODAY })));
    expect(core.counts.thisThread).toBe(3);
    expect(problems.join("\n")).not.toContain("CRASH");

    await until(() => core.running);
    expect(core.counts.replaced).toBe(1);
    const again = await Promise.all(
      burst.filter((q) => !q.startsWith("CRASH")).map((q) => core.ask(q, { today: TODAY })),
    );
    expect(again.map((a) => a.decision)).toEqual(answers.filter((_, i) => i !== 1).map((a) => a.decision));
    expect(core.counts.worker).toBe(2);
  });

  it("answers here, within its timeout, the questions of a worker that hangs, and replaces it", async () => {
    const { core, problems } = await start({ workerUrl: FAILING_WORKER, timeoutMs: 200, respawnDelayMs: 20 });
    const t0 = performance.now();
    const answers = await Promise.all(
      ["HANG THE WORKER", "ICE wants our records"].map((q) => core.ask(q, { today: TODAY })),
    );
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(answers[1]!.decision).toBe(RECORDS_DECISION);
    expect(problems).toContain("the core's worker thread did not answer within 200 ms; replacing it");
    await until(() => core.running);
    await Promise.all(["ICE wants our records", "ICE is at the door"].map((q) => core.ask(q, { today: TODAY })));
    expect(core.counts.worker).toBe(2);
  });

  it("does not replace a worker that answered while this thread was stalled", async () => {
    const { core, problems } = await start({ timeoutMs: 100 });
    const burst = QUESTIONS.slice(0, 50);
    const answers = Promise.all(burst.map((q) => core.ask(q, { today: TODAY })));
    // The questions leave at the end of this turn; then this thread stalls past the timeout.
    await new Promise((r) => setImmediate(r));
    const stallUntil = performance.now() + 400;
    while (performance.now() < stallUntil);
    expect(await answers).toHaveLength(50);
    expect(core.counts).toMatchObject({ worker: 50, thisThread: 0, replaced: 0 });
    expect(problems).toEqual([]);
    expect(core.running).toBe(true);
  });

  it("answers in this thread when the worker cannot start, and says why", async () => {
    const { core, problems } = await start({
      workerUrl: new URL("./no-such-worker.js", import.meta.url),
      respawnDelayMs: 60_000,
    });
    expect(core.running).toBe(false);
    expect(problems.join("\n")).toMatch(/worker thread failed/);
    const answers = await Promise.all(
      ["ICE wants our records", "ICE is at the door"].map((q) => core.ask(q, { today: TODAY })),
    );
    expect(answers[0]!.decision).toBe(RECORDS_DECISION);
    expect(core.counts).toMatchObject({ worker: 0, thisThread: 2 });
  });

  it("still answers after stop(), in this thread", async () => {
    const { core } = await start();
    const inFlight = Promise.all(
      ["ICE wants our records", "ICE is at the door"].map((q) => core.ask(q, { today: TODAY })),
    );
    await core.stop();
    expect((await inFlight).map((a) => a.decision)).toHaveLength(2);
    expect((await core.ask("ICE wants our records", { today: TODAY })).decision).toBe(RECORDS_DECISION);
    expect(core.running).toBe(false);
  });
});

describe("the Slack app with the core on its own thread", () => {
  it("gives each of a burst of slash commands its own question's answer, in the ack", async () => {
    const { core } = await start();
    const api = await new FakeSlackApi().start();
    const secret = "core-thread-test-signing-secret";
    const app = await startSlackApp({
      config: httpBotConfig(api, secret),
      engine,
      core,
      today: () => TODAY,
      logLevel: LogLevel.ERROR,
    });
    try {
      const slack = new SlackSender(`http://127.0.0.1:${app.port}/slack/events`, secret, api);
      const burst = QUESTIONS.filter((_, i) => i % 53 === 0);
      const responses = await Promise.all(burst.map((q) => slack.command(q)));
      burst.forEach((q, i) => {
        expect(responses[i]!.status).toBe(200);
        expect(responses[i]!.json, q).toMatchObject({
          response_type: "ephemeral",
          text: engine.ask(q, { today: TODAY }).headline,
        });
      });
      expect(core.counts.worker + core.counts.thisThread).toBe(burst.length);
    } finally {
      await app.stop();
      await api.close();
    }
  });
});
