/**
 * Deterministic answer first, on Teams: the real bot (startTeamsBot, local mode, botbuilder's
 * CloudAdapter behind /api/messages) with the fake Bot Framework connector and a fake
 * OpenAI-compatible model behind the real phrasing service. The rules' card is sent at once;
 * accepted phrasing then replaces that same card in place (updateActivity on the connector),
 * each citation's plain-language summary above its verbatim quote. Rejected, late or absent
 * phrasing leaves the first card alone, and nothing the model wrote reaches Teams.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createEngine } from "../../../src/core/engine.js";
import { loadPack } from "../../../src/policy/load.js";
import { startTeamsBot, type RunningTeamsBot } from "../../../src/channels/teams/bot.js";
import { createPhrasingService, LABELS, type PhrasingService } from "../../../src/phrasing/index.js";
import {
  cardOf,
  cardText,
  channelThread,
  FakeConnector,
  personal,
  submitAction,
  teamsUser,
  TeamsClient,
  validateCard,
  type Recorded,
  type Where,
} from "../../fakes/bot-connector.js";
import { goodSentence } from "../../phrasing/fixtures.js";
import { behaviours, startFakeOpenAI, type FakeOpenAI, type Script } from "../../fakes/openai-server.js";

const TODAY = "2026-11-22";
const engine = createEngine(loadPack());
const QUESTION = "ICE agents are at the front desk of our school and want to come in. They have no warrant.";
/** A sentence per citation that the checker accepts (the phrasing tests' fixtures). */
const SUMMARY = (id: string) => goodSentence(id, "en");
const EN = LABELS.en!;
const quiet = { info() {}, warn() {}, error() {} };

type Json = Record<string, unknown>;

const ana = teamsUser("Ana Employee", "11111111-1111-4111-8111-111111111111");
const dm = personal(ana);

let connector: FakeConnector;
const started: { bot: RunningTeamsBot; model?: FakeOpenAI }[] = [];

beforeAll(async () => {
  connector = await new FakeConnector().start();
});
afterAll(async () => {
  for (const s of started) {
    await s.bot.stop();
    await s.model?.close();
  }
  await connector?.close();
});
beforeEach(() => connector.reset());

/**
 * A Teams bot whose phrasing goes to a fresh fake model; `script` undefined: a phrasing
 * service with no model configured; "none": no phrasing service at all.
 */
async function botWith(script: Script | undefined | "none", env: Record<string, string> = {}) {
  const model = script && script !== "none" ? await startFakeOpenAI(script) : undefined;
  const warnings: { event: string; fields: Record<string, unknown> }[] = [];
  const phraser: PhrasingService | undefined =
    script === "none"
      ? undefined
      : createPhrasingService(
          model
            ? { OPENAI_BASE_URL: model.baseURL, OPENAI_API_KEY: "test", PHRASING_BUDGET_MS: "2000", ...env }
            : { ...env },
          { logger: { warn: (event, fields) => warnings.push({ event, fields }) } },
        );
  const bot = await startTeamsBot({
    teams: { auth: {}, local: true, serviceUrl: connector.url, port: 0, host: "127.0.0.1" },
    engine,
    today: () => TODAY,
    ...(phraser ? { phraser } : {}),
    logger: quiet,
  });
  started.push({ bot, ...(model ? { model } : {}) });
  const teams = new TeamsClient(`http://127.0.0.1:${bot.port}/api/messages`, connector);
  return { teams, phraser, model, warnings };
}

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
const updates = () => connector.records.filter((r) => r.kind === "update");

/** The card of a recorded message, checked as Teams checks it, and its text as read. */
function read(record: Recorded): { card: Json; text: string; lines: string[] } {
  const card = cardOf(record.activity)!;
  expect(card).toBeDefined();
  expect(validateCard(card)).toEqual([]);
  const text = cardText(card);
  return { card, text, lines: text.split("\n") };
}

/** The rules' card: decision, steps, each citation's quote verbatim, and no summary. */
function expectTemplate(record: Recorded, want = answer) {
  const { lines, text } = read(record);
  expect(lines[0]).toBe(want.headline);
  want.citations.forEach((c, i) => {
    const at = lines.indexOf(`[${i + 1}] ${c.title}, ${c.date}`);
    expect(at).toBeGreaterThan(0);
    expect(lines[at + 1]).toBe(`“${c.quote}”`);
  });
  expect(text).not.toContain(EN.summary);
  expect(text).not.toContain(EN.sourceText);
}

/** The phrased card: the rules' answer unchanged, each summary, labelled, above its verbatim quote. */
function expectPhrased(record: Recorded, want = answer) {
  const { lines, text } = read(record);
  expect((record.activity as { summary?: string }).summary).toBe(want.headline);
  // The rules' answer is unchanged: headline first, the same numbered steps.
  expect(lines[0]).toBe(want.headline);
  want.steps.forEach((step, i) => expect(text).toContain(`${i + 1}. ${step}`));
  expect(want.citations.length).toBeGreaterThan(0);
  want.citations.forEach((c, i) => {
    const at = lines.indexOf(`[${i + 1}] ${c.title}, ${c.date}`);
    expect(at).toBeGreaterThan(0);
    expect(lines.slice(at + 1, at + 4)).toEqual([
      `${EN.summary}: ${SUMMARY(c.id)}`,
      `${EN.sourceText}:`,
      `“${c.quote}”`,
    ]);
  });
}

describe("with a model that phrases well", () => {
  let bot: Awaited<ReturnType<typeof botWith>>;
  beforeAll(async () => {
    bot = await botWith(behaviours.good((id) => SUMMARY(id)));
  });

  it("a 1:1 question is answered at once with the rules' card, then that card is replaced with the summaries", async () => {
    const res = await bot.teams.say(ana, dm, QUESTION);
    expect(res.status).toBe(200);
    const first = await connector.waitFor(() => connector.messages()[0]);
    expect(first.kind).toBe("reply");
    expect(first.conversationId).toBe(dm.conversation.id);
    expectTemplate(first);

    const update = await connector.waitFor(() => updates()[0]);
    expect(connector.records.indexOf(first)).toBeLessThan(connector.records.indexOf(update));
    expect(update.conversationId).toBe(first.conversationId);
    expect(update.id).toBe(first.id);
    expectPhrased(update);
    // What the user now sees in that chat is the phrased card.
    expect(connector.current(first.id)).toBe(update.activity);
    expect(connector.rejected).toEqual([]);
    await settle();
    expect(updates()).toHaveLength(1);
    expect(connector.messages()).toHaveLength(1);
    expect(bot.model!.calls).toBe(1);
  });

  it("in a channel thread, the card replaced is the bot's reply in that thread", async () => {
    // Another question than the chat's, so this is not a cache hit shown phrased at once.
    const question = "ICE agents are at the front desk of the shelter and want to come in. They have no warrant.";
    const want = engine.ask(question, { today: TODAY });
    const thread: Where = channelThread("19:general@thread.tacv2", "1700000000001");
    await bot.teams.say(ana, thread, question);
    const first = await connector.waitFor(() => connector.messages()[0]);
    expect(first.conversationId).toBe(thread.conversation.id);
    expectTemplate(first, want);

    const update = await connector.waitFor(() => updates()[0]);
    expect(update.conversationId).toBe(thread.conversation.id);
    expect(update.id).toBe(first.id);
    expectPhrased(update, want);
    expect(connector.rejected).toEqual([]);
  });

  it("a clarifying answer replaces the card in place, then its phrasing replaces it once more", async () => {
    const question = "ICE is at the front desk of our building and wants to come in.";
    const asked = engine.ask(question, { today: TODAY });
    expect(asked.clarify.length).toBeGreaterThan(0);
    await bot.teams.say(ana, dm, question);
    const first = await connector.waitFor(() => connector.messages()[0]);
    const q = asked.clarify[0]!;
    const button = submitAction(read(first).card, q.options[0]!);
    // Let the first card's own phrasing land, so the click's replacement is counted on its own.
    await connector.waitFor(() => updates()[0]);
    connector.reset();

    await bot.teams.click(ana, dm, first.id, button);
    const replaced = await connector.waitFor(() => updates()[0]);
    expect(replaced.id).toBe(first.id);
    const again = await connector.waitFor(() => updates()[1]);
    expect(again.id).toBe(first.id);
    // First the re-answer as the rules give it, then the same card with a summary above each quote.
    expect(read(replaced).text).not.toContain(EN.summary);
    const { lines } = read(again);
    const quotes = read(replaced).lines.filter((l) => l.startsWith("“"));
    expect(quotes.length).toBeGreaterThan(0);
    for (const quote of quotes) {
      const at = lines.indexOf(quote);
      expect(lines[at - 2]).toMatch(new RegExp(`^${EN.summary}: \\S`));
      expect(lines[at - 1]).toBe(`${EN.sourceText}:`);
    }
    expect(connector.messages()).toHaveLength(0);
    expect(connector.rejected).toEqual([]);
  });

  it("a repeated situation is shown phrased at once from the cache, with no model call and no update", async () => {
    const calls = bot.model!.calls;
    await bot.teams.say(ana, dm, QUESTION);
    const first = await connector.waitFor(() => connector.messages()[0]);
    expectPhrased(first);
    await settle();
    expect(bot.model!.calls).toBe(calls);
    expect(updates()).toHaveLength(0);
  });
});

describe("with a model whose phrasing the checker rejects", () => {
  const rejected: [string, Script, string, string][] = [
    [
      '"let them in"',
      behaviours.letThemIn((id) => SUMMARY(id)),
      "contradicts-decision",
      "Let them in; the agents may go wherever they ask.",
    ],
    [
      "an invented date",
      behaviours.inventedDate((id) => SUMMARY(id)),
      "invented-date",
      "This has been the rule since March 3, 2019.",
    ],
    [
      "telling the employee to resist",
      (view) => ({
        kind: "sentences",
        sentences: view.citations.map((c, i) => ({
          citation: c.id,
          text: i === 0 ? "Physically resist the agents if they try to come in." : SUMMARY(c.id),
        })),
      }),
      "urges-resistance",
      "Physically resist the agents if they try to come in.",
    ],
  ];

  it.each(rejected)(
    "%s leaves the rules' card untouched, and nothing the model wrote reaches Teams",
    async (_, script, reason, bad) => {
      const bot = await botWith(script);
      await bot.teams.say(ana, dm, QUESTION);
      const first = await connector.waitFor(() => connector.messages()[0]);
      expectTemplate(first);
      const stats = await phrasingSettled(bot.phraser!, 1);
      expect(stats.ok).toBe(0);
      expect(stats.rejections.total).toBe(1);
      expect(stats.rejections.byReason[reason as keyof typeof stats.rejections.byReason]).toBe(1);
      expect(bot.model!.calls).toBe(1);
      await settle();
      expect(updates()).toHaveLength(0);
      expect(connector.messages()).toHaveLength(1);
      // Neither the rejected sentence nor the accepted ones beside it were sent anywhere.
      const everything = JSON.stringify(connector.records);
      expect(everything).not.toContain(bad);
      for (const c of answer.citations.slice(1)) expect(everything).not.toContain(SUMMARY(c.id));
      // The log says why, never with the question.
      expect(bot.warnings.length).toBeGreaterThan(0);
      expect(JSON.stringify(bot.warnings)).not.toContain("front desk");
    },
  );
});

describe("with a model slower than the budget", () => {
  it("the rules' card is sent at once and stays: the late phrasing is dropped", async () => {
    const bot = await botWith(
      behaviours.slow(
        1500,
        behaviours.good((id) => SUMMARY(id)),
      ),
      { PHRASING_BUDGET_MS: "200", PHRASING_MAX_RETRIES: "0" },
    );
    const t0 = Date.now();
    const res = await bot.teams.say(ana, dm, QUESTION);
    expect(res.status).toBe(200);
    const first = await connector.waitFor(() => connector.messages()[0]);
    expect(Date.now() - t0).toBeLessThan(1000);
    expectTemplate(first);
    const stats = await phrasingSettled(bot.phraser!, 1);
    expect(stats.ok).toBe(0);
    expect(stats.fallbacks.byReason.timeout).toBe(1);
    // Past the moment the model finally answers: still nothing replaced.
    await new Promise((r) => setTimeout(r, 1600));
    expect(updates()).toHaveLength(0);
    expect(connector.messages()).toHaveLength(1);
    expect(JSON.stringify(connector.records)).not.toContain(EN.summary);
  });
});

describe("with no model configured", () => {
  it.each([
    ["a phrasing service without a model", undefined],
    ["no phrasing service", "none" as const],
  ])("%s: exactly one card, the rules' answer, never updated", async (_, script) => {
    const bot = await botWith(script);
    if (bot.phraser) expect(bot.phraser.enabled).toBe(false);
    const res = await bot.teams.say(ana, dm, QUESTION);
    expect(res.status).toBe(200);
    const first = await connector.waitFor(() => connector.messages()[0]);
    expectTemplate(first);
    await settle();
    expect(connector.records).toHaveLength(1);
    expect(updates()).toHaveLength(0);
    if (bot.phraser) expect(bot.phraser.stats().calls).toBe(0);
  });
});
