/**
 * The Teams adapter on the real /api/messages path and the real CloudAdapter (local mode: no
 * credentials, as the Bot Framework Emulator runs it), with a local fake Bot Framework
 * connector at the activities' serviceUrl recording what the bot sends. Assertions read the
 * Adaptive Cards: the decision first, numbered steps with citation marks, verbatim quotes,
 * who to call, and the buttons.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createEngine } from "../../../src/core/engine.js";
import { loadPack } from "../../../src/policy/load.js";
import { createTeamsApp, type TeamsApp } from "../../../src/channels/teams/app.js";
import {
  allActions,
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
} from "../../fakes/bot-connector.js";
import type { Server } from "node:http";

const TODAY = "2026-11-22";
const engine = createEngine(loadPack());
const quiet = { info() {}, warn() {}, error() {} };

let connector: FakeConnector;
let app: TeamsApp;
let server: Server;
let teams: TeamsClient;
let botUrl: string;

const ana = teamsUser("Ana Employee", "11111111-1111-4111-8111-111111111111");
const dm = personal(ana);

beforeAll(async () => {
  connector = await new FakeConnector().start();
  app = createTeamsApp({
    config: { auth: {}, local: true, serviceUrl: connector.url, port: 0 },
    engine,
    today: () => TODAY,
    logger: quiet,
  });
  const listening = await app.listen({ port: 0, host: "127.0.0.1" });
  server = listening.server;
  botUrl = `http://127.0.0.1:${listening.port}/api/messages`;
  teams = new TeamsClient(botUrl, connector);
});

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await connector?.close();
});

beforeEach(() => connector.reset());

const expected = (question: string, role?: Parameters<typeof engine.ask>[1]["role"]) =>
  engine.ask(question, { today: TODAY, ...(role ? { role } : {}) });

/** The one message the bot sent, with its card checked as Teams checks it. */
function onlyCard(): { record: Recorded; card: Record<string, unknown>; text: string } {
  expect(connector.rejected).toEqual([]);
  const sent = connector.messages();
  expect(sent).toHaveLength(1);
  const card = cardOf(sent[0]!.activity)!;
  expect(card).toBeDefined();
  expect(validateCard(card)).toEqual([]);
  return { record: sent[0]!, card, text: cardText(card) };
}

describe("asking in a 1:1 chat", () => {
  const question = "ICE agents are at the front desk of my school without a warrant";

  it("answers with an Adaptive Card: decision first, numbered steps with marks, verbatim quotes, who to call, buttons", async () => {
    const res = await teams.say(ana, dm, question);
    expect(res.status).toBe(200);
    const want = expected(question);
    expect(want.decision).toBe("ENTRY_DENY_WITHOUT_JUDICIAL_WARRANT");
    const { record, card, text } = onlyCard();
    expect(record.kind).toBe("reply");
    expect(record.conversationId).toBe(dm.conversation.id);
    expect(card.version).toBe("1.5");
    expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThan(80 * 1024);
    const lines = text.split("\n");
    // The decision is the first line.
    expect(lines[0]).toBe(want.headline);
    // Numbered steps with their citation marks.
    want.steps.forEach((step, i) => {
      const marks = want.stepCitations[i]!.map((c) => `[${c + 1}]`).join("");
      expect(lines).toContain(`${i + 1}. ${step}${marks ? ` ${marks}` : ""}`);
    });
    // Every citation: title, date, and the quote verbatim.
    expect(want.citations.length).toBeGreaterThan(0);
    want.citations.forEach((c, i) => {
      expect(lines).toContain(`[${i + 1}] ${c.title}, ${c.date}`);
      expect(lines).toContain(`“${c.quote}”`);
    });
    // Who to call.
    for (const contact of want.contacts) expect(lines).toContain(`• ${contact}`);
    // Buttons: escalate, and the correction form.
    expect(submitAction(card, "Escalate to legal").data).toMatchObject({ ice: "escalate" });
    expect(allActions(card).some((a) => a.type === "Action.ShowCard" && a.title === "Correct what I understood")).toBe(
      true,
    );
    // The question's text is carried nowhere.
    expect(JSON.stringify(card)).not.toContain("front desk of my school");
    expect((record.activity as { summary?: string }).summary).toBe(want.headline);
  });

  it("shows help with examples, the sources, and a role picker", async () => {
    await teams.say(ana, dm, "help");
    let { card, text } = onlyCard();
    expect(text).toContain("role: tell me your role once");
    expect(text).toContain("sources:");
    expect(text).toContain("cases:");
    expect(allActions(card).filter((a) => (a.data as { ice?: string })?.ice === "example")).toHaveLength(6);

    connector.reset();
    await teams.say(ana, dm, "sources");
    ({ text } = onlyCard());
    for (const s of engine.pack.sources) expect(text).toContain(`${s.title}, ${s.date}`);

    connector.reset();
    await teams.say(ana, dm, "role");
    ({ card } = onlyCard());
    expect(JSON.stringify(card)).toContain('"Input.ChoiceSet"');
    expect(submitAction(card, "Save").data).toEqual({ ice: "role" });
  });

  it("an example button answers that example in place of the help card", async () => {
    await teams.say(ana, dm, "help");
    const help = onlyCard();
    connector.reset();
    const res = await teams.click(ana, dm, help.record.id, submitAction(help.card, /^ICE showed an I-200/));
    expect(res.status).toBe(200);
    const update = connector.records.find((r) => r.kind === "update")!;
    expect(update.id).toBe(help.record.id);
    expect(cardText(cardOf(update.activity)).split("\n")[0]).toBe(
      expected("ICE showed an I-200 form and wants to come into the clinic").headline,
    );
  });

  it("a clarifying button answers again and replaces the card in place", async () => {
    const question = "ICE agents at the shelter door have a document and want to come in";
    const first = expected(question);
    const clarify = first.clarify.find((q) => q.fact === "document");
    expect(clarify, "the question leaves the document unknown").toBeDefined();
    await teams.say(ana, dm, question);
    const { record, card } = onlyCard();
    connector.reset();
    const judge = clarify!.values.indexOf("judicial-warrant");
    await teams.click(ana, dm, record.id, submitAction(card, clarify!.options[judge]!));
    expect(connector.rejected).toEqual([]);
    expect(connector.messages()).toEqual([]);
    const update = connector.records.find((r) => r.kind === "update")!;
    expect(update.id).toBe(record.id);
    const again = engine.ask(question, { today: TODAY, overrides: { document: "judicial-warrant" } });
    expect(again.decision).toBe("ENTRY_JUDICIAL_WARRANT_REVIEW");
    const updated = cardOf(update.activity)!;
    expect(validateCard(updated)).toEqual([]);
    expect(cardText(updated).split("\n")[0]).toBe(again.headline);
  });

  it("the correction form answers again with the corrected facts", async () => {
    const question = "ICE agents are at the front desk of my school without a warrant";
    await teams.say(ana, dm, question);
    const { record, card } = onlyCard();
    connector.reset();
    await teams.click(ana, dm, record.id, submitAction(card, "Answer again"), {
      fact_document: "judicial-warrant",
      fact_place: "school",
    });
    const update = connector.records.find((r) => r.kind === "update")!;
    expect(update.id).toBe(record.id);
    const again = engine.ask(question, { today: TODAY, overrides: { document: "judicial-warrant" } });
    expect(cardText(cardOf(update.activity)).split("\n")[0]).toBe(again.headline);
  });

  it("asks for the role once when it matters, remembers it, and names the right people", async () => {
    const bo = teamsUser("Bo Worker", "22222222-2222-4222-8222-222222222222");
    const where = personal(bo);
    const question = "Immigration officers want our records";
    await teams.say(bo, where, question);
    const { record, card } = onlyCard();
    const save = submitAction(card, "Save my role");
    connector.reset();
    await teams.click(bo, where, record.id, save, { role: "health" });
    const update = connector.records.find((r) => r.kind === "update")!;
    const want = expected(question, "health");
    const text = cardText(cardOf(update.activity));
    for (const contact of want.contacts) expect(text).toContain(`• ${contact}`);
    expect(text).toContain("You: Hospital or clinic staff");
    // Remembered: the next answer uses it without asking.
    connector.reset();
    await teams.say(bo, where, question);
    const next = onlyCard();
    expect(() => submitAction(next.card, "Save my role")).toThrow();
    expect(next.text).toContain("You: Hospital or clinic staff");
  });

  it("sets the role from the command line too", async () => {
    const cy = teamsUser("Cy Officer", "33333333-3333-4333-8333-333333333333");
    await teams.say(cy, personal(cy), "role nypd");
    expect(onlyCard().text).toContain("Saved: you are NYPD");
    connector.reset();
    await teams.say(cy, personal(cy), "ICE asked us to help with an arrest");
    const want = expected("ICE asked us to help with an arrest", "nypd");
    expect(onlyCard().text.split("\n")[0]).toBe(want.headline);
  });

  it("Escalate to legal without escalation set up says plainly that nothing was sent", async () => {
    await teams.say(ana, dm, "ICE agents are at the front desk of my school without a warrant");
    const { record, card } = onlyCard();
    connector.reset();
    await teams.click(ana, dm, record.id, submitAction(card, "Escalate to legal"));
    const update = connector.records.find((r) => r.kind === "update")!;
    expect(cardText(cardOf(update.activity))).toContain(
      "Escalation is not available right now, so no one has been told.",
    );
  });
});

describe("@mentions in a channel", () => {
  const channel = "19:general-abc@thread.tacv2";

  it("answers in the thread, reading the question without the mention, with a privacy reminder", async () => {
    const where = channelThread(channel, "5550");
    const question = "ICE showed an I-200 form and wants to come into the clinic";
    await teams.say(ana, where, question);
    const { record, text } = onlyCard();
    expect(record.conversationId).toBe(`${channel};messageid=5550`);
    expect(text.split("\n")[0]).toBe(expected(question).headline);
    expect(text).toContain("Everyone in this conversation can read this thread");
  });

  it("answers commands in a channel too", async () => {
    await teams.say(ana, channelThread(channel, "5551"), "sources");
    expect(onlyCard().text).toContain("The policy sources I quote");
  });
});

describe("requests that are not activities", () => {
  it("answers 4xx to malformed requests, and keeps serving", async () => {
    const post = (body: string, headers: Record<string, string> = {}) =>
      fetch(botUrl, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
    expect((await post("{not json")).status).toBe(400);
    expect((await post("[]")).status).toBe(400);
    expect((await post("null")).status).toBe(400);
    expect((await post(JSON.stringify({ text: "no type" }))).status).toBe(400);
    expect(
      (await post(JSON.stringify({ type: "message", text: "no serviceUrl", conversation: { id: "x" } }))).status,
    ).toBe(400);
    expect((await post(JSON.stringify({ type: "message", serviceUrl: connector.url }))).status).toBe(400);
    expect((await post("x".repeat(1024 * 1024 + 10))).status).toBe(413);
    expect((await fetch(botUrl)).status).toBe(405);
    expect(connector.requests).toBe(0);
    // Still serving.
    const res = await teams.say(ana, dm, "help");
    expect(res.status).toBe(200);
    expect(connector.messages()).toHaveLength(1);
  });

  it("ignores a card value this version did not write, saying so", async () => {
    await teams.post(
      teams.activity(ana, dm, { type: "message", replyToId: "1", value: { ice: "clarify", s: { f: {} } } }),
    );
    expect(onlyCard().text).toContain("older version");
  });

  it("answers a redelivered activity once", async () => {
    const activity = teams.activity(ana, dm, { type: "message", text: "help" });
    await teams.post(activity);
    await teams.post(activity);
    expect(connector.messages()).toHaveLength(1);
  });
});
