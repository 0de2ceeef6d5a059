/**
 * Deterministic answer first, on Slack: the real Bolt app (HTTP receiver on 127.0.0.1) with
 * the fake Slack Web API and a fake OpenAI-compatible model. The rules' answer is sent at
 * once; accepted phrasing then updates that same message in place (chat.update for a DM,
 * the command's response_url with replace_original for the ephemeral slash answer), showing
 * each citation's plain-language summary above its verbatim quote. Rejected, late or absent
 * phrasing leaves the first answer alone.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { LogLevel } from "@slack/bolt";
import { createEngine } from "../../../src/core/engine.js";
import { loadPack } from "../../../src/policy/load.js";
import { startSlackApp, type RunningSlackApp } from "../../../src/channels/slack/app.js";
import { answerMessage } from "../../../src/channels/slack/blocks.js";
import { stateOf } from "../../../src/channels/slack/state.js";
import { createPhrasingService, LABELS, type PhrasingService } from "../../../src/phrasing/index.js";
import { blocksText, FakeSlackApi, SlackSender, validateBlocks } from "../../fakes/slack-api.js";
import { goodSentence } from "../../phrasing/fixtures.js";
import { behaviours, startFakeOpenAI, type FakeOpenAI, type Script } from "../../fakes/openai-server.js";

const SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
const TODAY = "2026-11-22";
const engine = createEngine(loadPack());
const QUESTION = "ICE agents are at the front desk of our school and want to come in. They have no warrant.";
/** A sentence per citation that the checker accepts (the phrasing tests' fixtures). */
const SUMMARY = (id: string) => goodSentence(id, "en");
const EN = LABELS.en!;

type Json = Record<string, unknown>;

let api: FakeSlackApi;
const started: { running: RunningSlackApp; model?: FakeOpenAI }[] = [];

beforeAll(async () => {
  api = await new FakeSlackApi().start();
});
afterAll(async () => {
  for (const s of started) {
    await s.running.stop();
    await s.model?.close();
  }
  await api?.close();
});
beforeEach(() => api.reset());

/** A Slack app whose phrasing goes to a fresh fake model (or is off: `script` undefined). */
async function botWith(script: Script | undefined, env: Record<string, string> = {}) {
  const model = script ? await startFakeOpenAI(script) : undefined;
  const warnings: { event: string; fields: Record<string, unknown> }[] = [];
  const phraser: PhrasingService = createPhrasingService(
    model ? { OPENAI_BASE_URL: model.baseURL, OPENAI_API_KEY: "test", PHRASING_BUDGET_MS: "2000", ...env } : { ...env },
    { logger: { warn: (event, fields) => warnings.push({ event, fields }) } },
  );
  const running = await startSlackApp({
    config: {
      mode: "http",
      signingSecret: SECRET,
      botToken: "xoxb-test-token",
      apiUrl: api.apiUrl,
      port: 0,
      host: "127.0.0.1",
    },
    engine,
    today: () => TODAY,
    phraser,
    logLevel: LogLevel.ERROR,
  });
  started.push({ running, ...(model ? { model } : {}) });
  const slack = new SlackSender(`http://127.0.0.1:${running.port}/slack/events`, SECRET, api);
  return { slack, phraser, model, warnings };
}

let dmN = 0;
const dm = (slack: SlackSender, text: string) =>
  slack.event({
    type: "message",
    channel_type: "im",
    channel: "D0DM",
    user: "U0ASKER",
    text,
    ts: `17000001${String(++dmN).padStart(2, "0")}.000100`,
  });

/** Until the phraser has settled every phrasing it started (accepted or not). */
const phrasingSettled = async (phraser: PhrasingService, requests: number) => {
  const start = Date.now();
  for (;;) {
    const s = phraser.stats();
    if (s.requests >= requests && s.ok + s.fallbacks.total >= requests) return s;
    if (Date.now() - start > 3000) throw new Error(`phrasing did not settle: ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};
/** Give a stray update a moment to arrive. */
const settle = () => new Promise((r) => setTimeout(r, 150));

const answer = engine.ask(QUESTION, { today: TODAY });
/** What the bot sends with no phrasing at all: the rules' answer, rendered. */
const templateMessage = answerMessage({ answer, state: stateOf(answer, TODAY) });

function expectTemplate(body: Json) {
  expect(body.text).toBe(answer.headline);
  expect(body.blocks).toEqual(templateMessage.blocks);
  expect(blocksText(body.blocks)).not.toContain(EN.summary);
}

function expectPhrased(body: Json) {
  const blocks = body.blocks as Json[];
  expect(validateBlocks(blocks)).toEqual([]);
  expect(body.text).toBe(answer.headline);
  const text = blocksText(blocks);
  // The rules' answer is unchanged: headline first, the same steps.
  expect(blocksText([blocks[0]])).toBe(`*${answer.headline}*`);
  answer.steps.forEach((step, i) => expect(text).toContain(`${i + 1}. ${step}`));
  // Each citation: its summary, labelled, above the verbatim quote, labelled as the source text.
  expect(answer.citations.length).toBeGreaterThan(0);
  answer.citations.forEach((c, i) => {
    const head = `*[${i + 1}]* ${c.title}, ${c.date}\n`;
    const summary = `_${EN.summary}:_ ${SUMMARY(c.id)}\n`;
    const source = `_${EN.sourceText}:_\n>“${c.quote}”`;
    expect(text).toContain(`${head}${summary}${source}`);
  });
}

describe("with a model that phrases well", () => {
  let bot: Awaited<ReturnType<typeof botWith>>;
  beforeAll(async () => {
    bot = await botWith(behaviours.good((id) => SUMMARY(id)));
  });

  it("a DM is answered at once with the rules' answer, then updated in place with the summaries", async () => {
    await dm(bot.slack, QUESTION);
    const first = await api.waitFor(() => api.callsTo("chat.postMessage")[0]);
    expect(first.args.channel).toBe("D0DM");
    expectTemplate(first.args);

    const update = await api.waitFor(() => api.callsTo("chat.update")[0]);
    expect(api.calls.indexOf(first)).toBeLessThan(api.calls.indexOf(update));
    expect(update.args.channel).toBe(first.result?.channel ?? "D0DM");
    expect(update.args.ts).toBe(first.result?.ts);
    expectPhrased(update.args);
    expect(api.refused).toEqual([]);
    await settle();
    expect(api.callsTo("chat.update")).toHaveLength(1);
    expect(api.callsTo("chat.postMessage")).toHaveLength(1);
  });

  it("the slash command answers in its ack, then replaces that ephemeral answer through response_url", async () => {
    // Another question than the DM's, so this is not a cache hit shown phrased at once.
    const question = "ICE agents are at the front desk of the shelter and want to come in. They have no warrant.";
    const want = engine.ask(question, { today: TODAY });
    const res = await bot.slack.command(question);
    expect(res.status).toBe(200);
    expect(res.json?.response_type).toBe("ephemeral");
    expect(blocksText(res.json?.blocks)).not.toContain(EN.summary);

    const post = await api.waitFor(() => api.responses[0]);
    expect(post.id).toMatch(/^command-/);
    expect(post.body.replace_original).toBe(true);
    expect(post.body.response_type).toBe("ephemeral");
    const text = blocksText(post.body.blocks);
    for (const c of want.citations) {
      expect(text).toContain(`_${EN.summary}:_ ${SUMMARY(c.id)}`);
      expect(text).toContain(`>“${c.quote}”`);
    }
    expect(api.callsTo("chat.postMessage")).toHaveLength(0);
    expect(api.callsTo("chat.update")).toHaveLength(0);
  });

  it("a repeated situation is shown phrased at once from the cache, with no model call and no update", async () => {
    const calls = bot.model!.calls;
    await dm(bot.slack, QUESTION);
    const first = await api.waitFor(() => api.callsTo("chat.postMessage")[0]);
    expectPhrased(first.args);
    await settle();
    expect(bot.model!.calls).toBe(calls);
    expect(api.callsTo("chat.update")).toHaveLength(0);
  });
});

describe("with a model whose phrasing the checker rejects", () => {
  it('"let them in" leaves the first answer untouched: no update, the rejection logged', async () => {
    const bot = await botWith(behaviours.letThemIn((id) => SUMMARY(id)));
    await dm(bot.slack, QUESTION);
    const first = await api.waitFor(() => api.callsTo("chat.postMessage")[0]);
    expectTemplate(first.args);
    const stats = await phrasingSettled(bot.phraser, 1);
    expect(stats.ok).toBe(0);
    expect(stats.rejections.total).toBe(1);
    expect(stats.rejections.byReason["contradicts-decision"]).toBe(1);
    expect(bot.model!.calls).toBe(1);
    await settle();
    expect(api.callsTo("chat.update")).toHaveLength(0);
    expect(api.responses).toHaveLength(0);
    // The log says why, never with the question.
    expect(bot.warnings.length).toBeGreaterThan(0);
    expect(JSON.stringify(bot.warnings)).not.toContain("front desk");
  });

  it("a model past its budget never delays the first answer and is dropped", async () => {
    const bot = await botWith(
      behaviours.slow(
        1500,
        behaviours.good((id) => SUMMARY(id)),
      ),
      {
        PHRASING_BUDGET_MS: "200",
        PHRASING_MAX_RETRIES: "0",
      },
    );
    const t0 = Date.now();
    const res = await bot.slack.command(QUESTION);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(res.json?.blocks).toEqual(templateMessage.blocks);
    const stats = await phrasingSettled(bot.phraser, 1);
    expect(stats.ok).toBe(0);
    await settle();
    expect(api.responses).toHaveLength(0);
    expect(api.callsTo("chat.update")).toHaveLength(0);
  });
});

describe("with no model configured", () => {
  it("nothing changes: the same answers, and no update is ever sent", async () => {
    const bot = await botWith(undefined);
    expect(bot.phraser.enabled).toBe(false);
    await dm(bot.slack, QUESTION);
    const first = await api.waitFor(() => api.callsTo("chat.postMessage")[0]);
    expectTemplate(first.args);
    const res = await bot.slack.command(QUESTION);
    expect(res.json?.response_type).toBe("ephemeral");
    expectTemplate(res.json!);
    await settle();
    expect(api.callsTo("chat.update")).toHaveLength(0);
    expect(api.responses).toHaveLength(0);
    expect(bot.phraser.stats().calls).toBe(0);
  });
});
