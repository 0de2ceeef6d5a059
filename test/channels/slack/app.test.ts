/**
 * The Slack app on the real Bolt HTTP receiver, on 127.0.0.1, driven by requests signed as
 * Slack signs them, with a local fake of the Slack Web API recording what the bot sends.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { LogLevel } from "@slack/bolt";
import { createEngine } from "../../../src/core/engine.js";
import { loadPack } from "../../../src/policy/load.js";
import { startSlackApp, type RunningSlackApp } from "../../../src/channels/slack/app.js";
import {
  blocksText,
  FakeSlackApi,
  findElement,
  SlackSender,
  validateBlocks,
  validateView,
} from "../../fakes/slack-api.js";

const SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
const TODAY = "2026-11-22";
const engine = createEngine(loadPack());

let api: FakeSlackApi;
let running: RunningSlackApp;
let slack: SlackSender;
let base: string;
let authTestsAtStart = 0;

beforeAll(async () => {
  api = await new FakeSlackApi().start();
  running = await startSlackApp({
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
    logLevel: LogLevel.ERROR,
  });
  authTestsAtStart = api.callsTo("auth.test").length;
  base = `http://127.0.0.1:${running.port}`;
  slack = new SlackSender(`${base}/slack/events`, SECRET, api);
});

afterAll(async () => {
  await running?.stop();
  await api?.close();
});

beforeEach(() => api.reset());

type Json = Record<string, unknown>;
const blocksOf = (body: Json | undefined) => (body?.blocks ?? []) as Json[];
const expected = (question: string, role?: Parameters<typeof engine.ask>[1]["role"]) =>
  engine.ask(question, { today: TODAY, ...(role ? { role } : {}) });

/** Nothing should be answered by these requests; give a stray listener a moment to misbehave. */
const settle = () => new Promise((r) => setTimeout(r, 150));

describe("start and health", () => {
  it("calls auth.test once at start, never per request", async () => {
    expect(authTestsAtStart).toBe(1);
    await slack.command("ICE is at the front desk of the shelter");
    await slack.command("help");
    expect(api.callsTo("auth.test")).toHaveLength(0);
  });

  it("answers GET /healthz with 200 once ready", async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it("answers 404 elsewhere", async () => {
    expect((await fetch(`${base}/nothing-here`)).status).toBe(404);
  });
});

describe("/ice-protocol <question>", () => {
  const question = "ICE agents are at the front desk of my school without a warrant";

  it("answers inside the ack: ephemeral, decision first, numbered steps, citations with verbatim quotes, buttons", async () => {
    const res = await slack.command(question);
    expect(res.status).toBe(200);
    const body = res.json!;
    const want = expected(question);
    expect(want.decision).toBe("ENTRY_DENY_WITHOUT_JUDICIAL_WARRANT");
    expect(body.response_type).toBe("ephemeral");
    expect(body.text).toBe(want.headline);
    const blocks = blocksOf(body);
    expect(validateBlocks(blocks)).toEqual([]);

    // The decision headline is the first block, one line.
    expect(blocksText([blocks[0]])).toBe(`*${want.headline}*`);
    const text = blocksText(blocks);
    // Numbered steps, each with its citation marks.
    want.steps.forEach((step, i) => {
      const marks = want.stepCitations[i]!.map((c) => `[${c + 1}]`).join("");
      expect(text).toContain(`${i + 1}. ${step}${marks ? ` ${marks}` : ""}`);
    });
    // Every citation: source title, date and the quote, verbatim.
    expect(want.citations.length).toBeGreaterThan(0);
    want.citations.forEach((c, i) => {
      expect(text).toContain(`*[${i + 1}]* ${c.title}, ${c.date}`);
      expect(text).toContain(`“${c.quote}”`);
    });
    // Who to call.
    for (const contact of want.contacts) expect(text).toContain(`• ${contact}`);
    // Buttons and menus: escalate, and each understood fact correctable.
    expect(findElement(blocks, "escalate").element.type).toBe("button");
    for (const fact of ["place", "requester", "request", "document", "pressure"]) {
      expect(findElement(blocks, `fact:${fact}`).element.type).toBe("static_select");
    }
    // The question's text is not carried in any value.
    expect(JSON.stringify(blocks)).not.toContain("front desk of my school");
    // Nothing else was sent: the answer is the ack.
    await settle();
    expect(api.calls).toEqual([]);
    expect(api.responses).toEqual([]);
  });

  it("shows usage with examples for an empty command and for help", async () => {
    for (const text of ["", "help", "  HELP "]) {
      const res = await slack.command(text);
      expect(res.json!.response_type).toBe("ephemeral");
      const blocks = blocksOf(res.json);
      expect(validateBlocks(blocks)).toEqual([]);
      const all = blocksText(blocks);
      expect(all).toContain("/ice-protocol role");
      expect(all).toContain("/ice-protocol sources");
      expect(findElement(blocks, /^example:/).element.type).toBe("button");
    }
  });

  it("an example button answers that example in place", async () => {
    const help = await slack.command("help");
    const found = findElement(blocksOf(help.json), "example:0");
    const res = await slack.click(found, { ephemeral: true });
    expect(res.status).toBe(200);
    const post = await api.waitFor(() => api.responses[0]);
    expect(post.body.replace_original).toBe(true);
    expect(blocksText([blocksOf(post.body)[0]])).toContain(
      expected("ICE agents are at the front desk of my school without a warrant").headline,
    );
  });

  it("lists the sources with their dates", async () => {
    const res = await slack.command("sources");
    const text = blocksText(blocksOf(res.json));
    for (const s of engine.pack.sources) {
      expect(text).toContain(s.title);
      expect(text).toContain(s.date);
    }
  });

  it("sets the role by name and uses it in later answers", async () => {
    const user = "U0ROLEBYNAME";
    const saved = await slack.command("role police", { user });
    expect(blocksText(blocksOf(saved.json))).toContain("NYPD");
    const res = await slack.command("ICE asked us to help with an arrest", { user });
    const want = expected("ICE asked us to help with an arrest", "nypd");
    expect(want.decision).toBe("NYPD_ASSIST_DUTY_CHIEF");
    expect(res.json!.text).toBe(want.headline);
    expect(blocksText(blocksOf(res.json))).toContain("The citywide Duty Chief");
  });

  it("offers a role picker for `role` alone, and remembers the pick", async () => {
    const user = "U0ROLEPICK";
    const res = await slack.command("role", { user });
    const found = findElement(blocksOf(res.json), "role:pick", { optionValue: "health" });
    await slack.click(found, { ephemeral: true, user });
    const post = await api.waitFor(() => api.responses[0]);
    expect(blocksText(blocksOf(post.body))).toContain("Hospital or clinic staff");
    expect(await running.profiles.getRole({ platform: "slack", tenant: slack.team, user })).toBe("health");
  });
});

describe("clicks answer again in place", () => {
  it("a clarifying question's button re-answers with the new fact (response_url, replace_original)", async () => {
    const question = "ICE agents are at the front desk of the shelter";
    const first = expected(question);
    expect(first.clarify.map((q) => q.fact)).toContain("document");
    const res = await slack.command(question);
    const found = findElement(blocksOf(res.json), /^clarify:document:/, { buttonText: /judge/i });
    expect((await slack.click(found, { ephemeral: true })).status).toBe(200);

    const post = await api.waitFor(() => api.responses[0]);
    expect(post.body.replace_original).toBe(true);
    expect(post.body.response_type).toBe("ephemeral");
    const want = engine.ask(question, { today: TODAY, overrides: { document: "judicial-warrant" } });
    expect(want.decision).toBe("ENTRY_JUDICIAL_WARRANT_REVIEW");
    expect(want.decision).not.toBe(first.decision);
    expect(post.body.text).toBe(want.headline);
    expect(validateBlocks(post.body.blocks)).toEqual([]);
    // The menus now show the corrected fact.
    const select = findElement(blocksOf(post.body), "fact:document").element;
    expect((select.placeholder as Json).text).toMatch(/signed by a judge/i);
  });

  it("a fact correction from the 'what I understood' menus re-answers", async () => {
    const question = "ICE agents are at the front desk of my school without a warrant";
    const res = await slack.command(question);
    const found = findElement(blocksOf(res.json), "fact:request", { optionText: /records or information/ });
    await slack.click(found, { ephemeral: true });
    const post = await api.waitFor(() => api.responses[0]);
    const want = engine.ask(question, { today: TODAY, overrides: { request: "information" } });
    expect(want.decision).toBe("INFO_DO_NOT_DISCLOSE");
    expect(post.body.text).toBe(want.headline);
    expect(post.body.replace_original).toBe(true);
  });

  it("asks an unknown role once, remembers the choice and re-answers with it", async () => {
    const user = "U0NEWROLE";
    const question = "Immigration officers want our list of residents";
    const res = await slack.command(question, { user });
    const found = findElement(blocksOf(res.json), "role:answer", { optionValue: undefined, optionText: /^Shelter/ });
    await slack.click(found, { ephemeral: true, user });
    const post = await api.waitFor(() => api.responses[0]);
    expect(await running.profiles.getRole({ platform: "slack", tenant: slack.team, user })).toBe("social-services");
    expect(() => findElement(blocksOf(post.body), "role:answer")).toThrow();
    // The next question does not ask again.
    const again = await slack.command(question, { user });
    expect(() => findElement(blocksOf(again.json), "role:answer")).toThrow();
    expect(blocksText(blocksOf(again.json))).toContain("You: shelter or social services");
  });

  it("a click whose block_id or value this version did not write is refused politely", async () => {
    const res = await slack.command("ICE agents are at the front desk of the shelter");
    const found = findElement(blocksOf(res.json), /^clarify:document:/, { buttonText: /judge/i });
    await slack.click({ ...found, element: { ...found.element, value: "martian-warrant" } }, { ephemeral: true });
    await slack.click(
      { ...found, block: { ...found.block, block_id: "clarify-document:s9zz0000000000e" } },
      { ephemeral: true },
    );
    await api.waitFor(() => api.responses.length === 2 && api.responses);
    for (const post of api.responses) expect(post.body.text).toMatch(/older version/);
  });

  it("Escalate to legal, with escalation not configured, opens a modal: who to call, nothing sent", async () => {
    const res = await slack.command("ICE agents are at the front desk of my school without a warrant");
    await slack.click(findElement(blocksOf(res.json), "escalate"), { ephemeral: true });
    const call = await api.waitFor(() => api.callsTo("views.open")[0]);
    expect(call.args.trigger_id).toMatch(/trigger/);
    const view = call.args.view as Json;
    expect(validateView(view)).toEqual([]);
    const text = blocksText(view.blocks);
    expect(text).toMatch(/Nothing has been sent/);
    expect(text).toMatch(/not configured/);
    expect(text).toContain("The DOE Office of Legal Services (the DOE attorney)");
    expect(text).toContain("doe-legal");
    expect(api.callsTo("chat.postMessage")).toHaveLength(0);
  });
});

describe("direct messages and mentions", () => {
  it("answers a DM in the DM", async () => {
    const question = "ICE showed an I-200 form and wants to come into the clinic";
    const res = await slack.event({
      type: "message",
      channel_type: "im",
      channel: "D0DM",
      user: "U0ASKER",
      text: question,
      ts: "1700000001.000100",
    });
    expect(res.status).toBe(200);
    const call = await api.waitFor(() => api.callsTo("chat.postMessage")[0]);
    expect(call.args.channel).toBe("D0DM");
    expect(call.args.thread_ts).toBeUndefined();
    expect(call.args.text).toBe(expected(question).headline);
    expect(call.token).toBe("xoxb-test-token");
    expect(blocksText(call.args.blocks)).not.toMatch(/Everyone in this channel/);
  });

  it("answers the text of a DM sent with a file, but not an empty one", async () => {
    const base = {
      type: "message",
      subtype: "file_share",
      channel_type: "im",
      channel: "D0DM",
      user: "U0ASKER",
      files: [{ id: "F1" }],
    };
    await slack.event({ ...base, text: "", ts: "1700000011.000100" });
    await settle();
    expect(api.calls).toEqual([]);
    await slack.event({ ...base, text: "ICE gave me this paper at the clinic door", ts: "1700000012.000100" });
    const call = await api.waitFor(() => api.callsTo("chat.postMessage")[0]);
    expect(call.args.channel).toBe("D0DM");
  });

  it("a click on a DM answer updates that message with chat.update", async () => {
    const question = "ICE agents are at the front desk of the shelter";
    await slack.event({
      type: "message",
      channel_type: "im",
      channel: "D0DM",
      user: "U0ASKER",
      text: question,
      ts: "1700000002.000100",
    });
    const posted = await api.waitFor(() => api.callsTo("chat.postMessage")[0]);
    const found = findElement(posted.args.blocks, /^clarify:document:/, { buttonText: /ICE form/ });
    await slack.click(found, { ephemeral: false, channel: "D0DM", messageTs: "1700000099.000100" });
    const update = await api.waitFor(() => api.callsTo("chat.update")[0]);
    expect(update.args.channel).toBe("D0DM");
    expect(update.args.ts).toBe("1700000099.000100");
    expect(update.args.text).toBe(
      engine.ask(question, { today: TODAY, overrides: { document: "administrative-warrant" } }).headline,
    );
  });

  it("answers a mention in a thread, reminding that a DM keeps details private", async () => {
    const question = "ICE agents are at the front desk of my school without a warrant";
    await slack.event({
      type: "app_mention",
      channel: "C0GENERAL",
      user: "U0ASKER",
      text: `<@U0BOT> ${question}`,
      ts: "1700000003.000100",
    });
    const call = await api.waitFor(() => api.callsTo("chat.postMessage")[0]);
    expect(call.args.channel).toBe("C0GENERAL");
    expect(call.args.thread_ts).toBe("1700000003.000100");
    expect(call.args.text).toBe(expected(question).headline);
    expect(blocksText(call.args.blocks)).toMatch(/direct message/);
  });

  it("answers a mention inside an existing thread in that thread", async () => {
    await slack.event({
      type: "app_mention",
      channel: "C0GENERAL",
      user: "U0ASKER",
      text: "<@U0BOT> help",
      ts: "1700000004.000100",
      thread_ts: "1700000000.000001",
    });
    const call = await api.waitFor(() => api.callsTo("chat.postMessage")[0]);
    expect(call.args.thread_ts).toBe("1700000000.000001");
  });

  it("an example clicked in a channel thread keeps the privacy reminder", async () => {
    await slack.event({
      type: "app_mention",
      channel: "C0GENERAL",
      user: "U0ASKER",
      text: "<@U0BOT>",
      ts: "1700000013.000100",
    });
    const help = await api.waitFor(() => api.callsTo("chat.postMessage")[0]);
    await slack.click(findElement(help.args.blocks, "example:1"), {
      ephemeral: false,
      channel: "C0GENERAL",
      messageTs: "1700000014.000100",
    });
    const update = await api.waitFor(() => api.callsTo("chat.update")[0]);
    expect(update.args.ts).toBe("1700000014.000100");
    expect(blocksText(update.args.blocks)).toMatch(/send me a direct message/);
  });

  it("ignores bot messages, edits and the bot's own messages", async () => {
    await slack.event({
      type: "message",
      channel_type: "im",
      channel: "D0DM",
      bot_id: "B0OTHER",
      text: "ICE is here",
      ts: "1700000005.000100",
    });
    await slack.event({
      type: "message",
      subtype: "message_changed",
      channel_type: "im",
      channel: "D0DM",
      message: { text: "ICE is here" },
      ts: "1700000006.000100",
    });
    await slack.event({
      type: "message",
      channel_type: "im",
      channel: "D0DM",
      user: "U0BOT",
      bot_id: "B0BOT",
      text: "an answer",
      ts: "1700000007.000100",
    });
    await settle();
    expect(api.calls).toEqual([]);
  });

  it("answers a retried event (X-Slack-Retry-Num) once", async () => {
    const event = {
      type: "message",
      channel_type: "im",
      channel: "D0DM",
      user: "U0ASKER",
      text: "ICE is at the door of the clinic",
      ts: "1700000008.000100",
    };
    const first = await slack.event(event, { eventId: "Ev0RETRY01" });
    const retry = await slack.event(event, { eventId: "Ev0RETRY01", retryNum: 1 });
    const retry2 = await slack.event(event, { eventId: "Ev0RETRY01", retryNum: 2 });
    expect([first.status, retry.status, retry2.status]).toEqual([200, 200, 200]);
    await api.waitFor(() => api.callsTo("chat.postMessage")[0]);
    await settle();
    expect(api.callsTo("chat.postMessage")).toHaveLength(1);
  });
});

describe("request verification", () => {
  it("rejects a forged signature with 401 and sends nothing", async () => {
    const res = await slack.command("ICE is at the door", { secret: "not-the-secret" });
    expect(res.status).toBe(401);
    expect(res.text).not.toMatch(/ICE/);
    const ev = await slack.event(
      {
        type: "message",
        channel_type: "im",
        channel: "D0DM",
        user: "U0ASKER",
        text: "ICE is at the door",
        ts: "1700000009.000100",
      },
      { secret: "forged" },
    );
    expect(ev.status).toBe(401);
    await settle();
    expect(api.calls).toEqual([]);
    expect(api.responses).toEqual([]);
  });

  it("rejects a correctly signed request with a stale timestamp (replay older than 5 minutes)", async () => {
    const stale = Math.floor(Date.now() / 1000) - 6 * 60;
    const res = await slack.command("ICE is at the door", { timestamp: stale });
    expect(res.status).toBe(401);
    const ev = await slack.event(
      {
        type: "message",
        channel_type: "im",
        channel: "D0DM",
        user: "U0ASKER",
        text: "ICE is at the door",
        ts: "1700000010.000100",
      },
      { timestamp: stale },
    );
    expect(ev.status).toBe(401);
    await settle();
    expect(api.calls).toEqual([]);
  });
});

describe("App Home", () => {
  it("publishes what the bot does and does not do, the role, and examples; the role menu saves", async () => {
    const user = "U0HOME";
    await slack.event({ type: "app_home_opened", user, channel: "D0HOME", tab: "home" });
    const call = await api.waitFor(() => api.callsTo("views.publish")[0]);
    expect(call.args.user_id).toBe(user);
    const view = call.args.view as Json;
    expect(view.type).toBe("home");
    expect(validateView(view)).toEqual([]);
    const text = blocksText(view.blocks);
    expect(text).toMatch(/What I do/);
    expect(text).toMatch(/What I don't do/);
    expect(text).toMatch(/Your role:\* not set/);
    expect(text).toContain("ICE agents are at the front desk of my school without a warrant");

    api.reset();
    const found = findElement(view.blocks, "home:role", { optionValue: "doe" });
    await slack.clickInView(found, view, user);
    const again = await api.waitFor(() => api.callsTo("views.publish")[0]);
    expect(blocksText((again.args.view as Json).blocks)).toMatch(/Your role:\* School staff \(DOE\)/);
  });

  it("ignores the Messages tab opening", async () => {
    await slack.event({ type: "app_home_opened", user: "U0HOME", channel: "D0HOME", tab: "messages" });
    await settle();
    expect(api.calls).toEqual([]);
  });
});
