/**
 * Escalation through Slack, end to end: the real Bolt HTTP receiver on 127.0.0.1 driven by
 * requests signed as Slack signs them, the fake Slack Web API recording (and, when told,
 * failing) what the bot sends, and the escalation database on PGlite and on a real
 * PostgreSQL server. The outbox runs when a test ticks it, on a clock the test moves.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, onTestFinished, vi } from "vitest";
import { LogLevel } from "@slack/bolt";
import { startSlackBot, type RunningSlackBot } from "../../../src/channels/slack/bot.js";
import { createEngine } from "../../../src/core/engine.js";
import { createDatabase, type Database } from "../../../src/db/index.js";
import { loadPack } from "../../../src/policy/load.js";
import { BACKENDS, useBackend } from "../../support/backends.js";
import { FakeClock, GROUP_LAWYERS, LAWYER, testConfig } from "../../escalation/fixtures.js";
import {
  blocksText,
  FakeSlackApi,
  findElement,
  httpBotConfig,
  quietLogger,
  SlackSender,
  validateBlocks,
  validateView,
  type ApiCall,
} from "../../fakes/slack-api.js";

vi.setConfig({ testTimeout: 30_000, hookTimeout: 120_000 });

type Json = Record<string, unknown>;

const SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
const TODAY = "2026-11-22";
const engine = createEngine(loadPack());
const config = testConfig();
const QUESTION = "ICE agents are at the front desk of my school without a warrant";
const ASKER = "U0ASKER001";
const OTHER = "U0OTHER001";
const LAWYER_ID = LAWYER.userId;
const GROUP_LAWYER = GROUP_LAWYERS[7]!.userId;
const LEGAL_CHANNEL = config.queues["doe-legal"].slack!.channel;
const PHONE = config.queues["doe-legal"].phone;

const blocksOf = (body: Json | undefined) => (body?.blocks ?? []) as Json[];

/** Polls until `check` holds (for work a listener does after it acknowledged). */
async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Harness {
  api: FakeSlackApi;
  bot: RunningSlackBot;
  slack: SlackSender;
  clock: FakeClock;
}

async function boot(api: FakeSlackApi, options: { database?: Database; db?: { url: string } } = {}): Promise<Harness> {
  const clock = new FakeClock();
  const bot = await startSlackBot({
    slack: httpBotConfig(api, SECRET),
    engine,
    today: () => TODAY,
    escalation: config,
    ...(options.database ? { database: options.database } : {}),
    ...(options.db ? { db: { ...options.db, connectTimeoutMs: 500, env: {} } } : {}),
    clock: clock.now,
    intervalMs: 0,
    retryMs: 60_000,
    logLevel: LogLevel.ERROR,
    logger: quietLogger(),
  });
  const slack = new SlackSender(`http://127.0.0.1:${bot.slack.port}/slack/events`, SECRET, api);
  return { api, bot, slack, clock };
}

describe.each(BACKENDS)("Slack escalation on %s", (name) => {
  const env = useBackend(name);
  let api: FakeSlackApi;
  let h: Harness;

  beforeAll(async () => {
    api = await new FakeSlackApi().start();
  });
  afterAll(async () => {
    await api?.close();
  });
  beforeEach(async () => {
    api.reset();
    api.usergroups.SDOEGROUP1 = GROUP_LAWYERS.map((l) => l.userId);
    h = await boot(api, { database: env.db });
  });
  afterEach(async () => {
    await h?.bot.stop();
  });

  const posts = (channel: string, filter: (c: ApiCall) => boolean = () => true) =>
    api.callsTo("chat.postMessage").filter((c) => c.args.channel === channel && filter(c));
  const cards = () => posts(LEGAL_CHANNEL, (c) => c.args.thread_ts === undefined);
  const caseRow = (ref: string) => env.db.prisma.case.findUnique({ where: { ref } });

  /** The asker asks in the channel (ephemeral answer) and clicks Escalate on it. */
  async function askAndEscalate(user: string, messageTs: string): Promise<{ ref: string; told: Json }> {
    const res = await h.slack.command(QUESTION, { user });
    const before = api.responses.length;
    await h.slack.click(findElement(blocksOf(res.json), "escalate"), { ephemeral: true, user, messageTs });
    const told = await api.waitFor(() => api.responses.length > before && api.responses[api.responses.length - 1]);
    const ref = /Case (ICE-\d{4}-\d{4})/.exec(blocksText(blocksOf(told.body)))?.[1];
    expect(ref, blocksText(blocksOf(told.body))).toBeDefined();
    return { ref: ref!, told: told.body };
  }

  /** Click a button on a card as `user` (a message in the legal channel). */
  const clickCard = (card: ApiCall, actionId: string, user: string) =>
    h.slack.click(findElement(card.args.blocks, actionId), {
      ephemeral: false,
      channel: LEGAL_CHANNEL,
      messageTs: (card.result as Json).ts as string,
      user,
    });

  it("runs the lifecycle through Slack: escalate, card, claim, relay both ways, resolve with a note, reopen", async () => {
    // The role is kept in the database now, and picks the queue.
    await h.slack.command("role school", { user: ASKER });
    expect(
      await env.db.prisma.userProfile.findUnique({ where: { platform_userId: { platform: "slack", userId: ASKER } } }),
    ).toMatchObject({ role: "doe" });
    const expected = engine.ask(QUESTION, { today: TODAY, role: "doe" });
    expect(expected.escalate.queue).toBe("doe-legal");

    // 1. Escalate: the asker is told the reference and that a lawyer was asked, at once.
    const { ref, told } = await askAndEscalate(ASKER, "1700000500.000100");
    expect(ref).toBe("ICE-2026-0001");
    expect(told).toMatchObject({ response_type: "ephemeral", replace_original: false });
    expect(blocksText(blocksOf(told))).toMatch(/I've asked the DOE Office of Legal Services/);
    expect(blocksText(blocksOf(told))).toContain(PHONE);
    expect(api.callsTo("views.open")).toHaveLength(0);

    // 2. The card in the queue's legal channel, and the reference by DM.
    await h.bot.tick();
    expect(cards()).toHaveLength(1);
    const card = cards()[0]!;
    expect(validateBlocks(card.args.blocks)).toEqual([]);
    const cardText = blocksText(card.args.blocks);
    expect(cardText).toContain(`Case ${ref}`);
    expect(cardText).toMatch(/\*Open\*: nobody has claimed it yet/);
    expect(cardText).toContain(`<@${ASKER}>`);
    expect(cardText).toContain(expected.headline);
    expect(cardText).toContain(expected.steps[0]!);
    expect(cardText).toContain(expected.citations[0]!.quote.slice(0, 60));
    for (const id of ["case:claim", "case:message", "case:resolve"]) findElement(card.args.blocks, id);
    const cardTs = (card.result as Json).ts as string;
    const opened = posts(ASKER)[0]!;
    expect(blocksText(opened.args.blocks)).toMatch(new RegExp(`Case ${ref} is open`));
    expect(blocksText(opened.args.blocks)).toMatch(/reply in this thread/);

    // 3. Claim, by legal staff named in the config: the card shows the owner.
    api.reset();
    await clickCard(card, "case:claim", LAWYER_ID);
    await eventually(async () => (await caseRow(ref))?.status === "claimed");
    await h.bot.tick();
    const claimed = await api.waitFor(() => api.callsTo("chat.update")[0]);
    expect(claimed.args).toMatchObject({ channel: LEGAL_CHANNEL, ts: cardTs });
    expect(validateBlocks(claimed.args.blocks)).toEqual([]);
    expect(blocksText(claimed.args.blocks)).toMatch(new RegExp(`\\*Claimed\\* by <@${LAWYER_ID}>`));
    expect(posts(LEGAL_CHANNEL, (c) => c.args.thread_ts === cardTs)[0]!.args.text).toMatch(/claimed case/);
    expect(blocksText(posts(ASKER)[0]!.args.blocks)).toMatch(/has taken your case/);

    // 4. Message the employee: a modal, then a DM to the asker (redacted), copied in the thread.
    api.reset();
    const claimedCard = { ...card, args: claimed.args };
    await clickCard(claimedCard, "case:message", LAWYER_ID);
    const opening = await api.waitFor(() => api.callsTo("views.open")[0]);
    const modal = opening.args.view as Json;
    expect(validateView(modal)).toEqual([]);
    const sent = await h.slack.submitView(
      modal,
      { text: { text: "Did they show any paper? Call me back at 212-555-0199." } },
      { user: LAWYER_ID },
    );
    expect(sent.status).toBe(200);
    expect(sent.json?.response_action).toBeUndefined();
    await h.bot.tick();
    const relay = posts(ASKER)[0]!;
    expect(blocksText(relay.args.blocks)).toContain("Did they show any paper? Call me back at [PHONE].");
    expect(blocksText(relay.args.blocks)).toMatch(/Reply in this thread/);
    expect(posts(LEGAL_CHANNEL, (c) => c.args.thread_ts === cardTs)[0]!.args.text).toMatch(/to the employee/);

    // 5. The asker replies in that DM thread: relayed into the case thread.
    api.reset();
    const dm = (relay.result as Json).channel as string;
    expect(dm).toMatch(/^D/);
    const relayTs = (relay.result as Json).ts as string;
    await h.slack.event({
      type: "message",
      channel_type: "im",
      channel: dm,
      user: ASKER,
      text: "No paper. They are waiting outside the front door.",
      ts: "1700000600.000100",
      thread_ts: relayTs,
    });
    const confirm = await api.waitFor(() => posts(dm)[0]);
    expect(confirm.args.thread_ts).toBe(relayTs);
    expect(confirm.args.text).toBe(`Sent to the legal staff on case ${ref}.`);
    await h.bot.tick();
    const back = posts(LEGAL_CHANNEL, (c) => c.args.thread_ts === cardTs)[0]!;
    expect(blocksText(back.args.blocks)).toContain("No paper. They are waiting outside the front door.");
    expect(blocksText(back.args.blocks)).toContain(`<@${ASKER}> (the employee) wrote`);

    // 6. Resolve with an outcome and a note: the asker is told, with a Reopen button.
    api.reset();
    await clickCard(claimedCard, "case:resolve", LAWYER_ID);
    const resolveModal = (await api.waitFor(() => api.callsTo("views.open")[0])).args.view as Json;
    expect(validateView(resolveModal)).toEqual([]);
    const outcomeBlock = (resolveModal.blocks as Json[]).find((b) => b.block_id === "outcome")!;
    const outcomes = (outcomeBlock.element as Json).options as Json[];
    expect(outcomes.map((o) => o.value)).toContain("sources-do-not-cover");
    const resolved = await h.slack.submitView(
      resolveModal,
      { outcome: { outcome: { value: "advised" } }, note: { note: "Keep them outside; I am on my way." } },
      { user: LAWYER_ID },
    );
    expect(resolved.json?.response_action).toBeUndefined();
    await h.bot.tick();
    const resolvedCard = api.callsTo("chat.update")[0]!;
    expect(blocksText(resolvedCard.args.blocks)).toMatch(/\*Resolved\* by .*Advice given/);
    const notice = blocksText(posts(ASKER)[0]!.args.blocks);
    expect(notice).toMatch(new RegExp(`Your case ${ref} is resolved:\\* Advice given`));
    expect(notice).toContain("Keep them outside; I am on my way.");
    findElement(posts(ASKER)[0]!.args.blocks, "case:reopen");

    // 7. Reopen from the card.
    api.reset();
    await clickCard({ ...card, args: resolvedCard.args }, "case:reopen", LAWYER_ID);
    await eventually(async () => (await caseRow(ref))?.status === "open");
    await h.bot.tick();
    expect(blocksText(api.callsTo("chat.update")[0]!.args.blocks)).toMatch(/\*Open\*/);
    expect(blocksText(posts(ASKER)[0]!.args.blocks)).toMatch(/was reopened by/);

    // The timeline has every step; Slack refused nothing.
    const timeline = await h.bot.escalation()!.service.timeline(ref, LAWYER);
    expect(timeline.map((e) => e.kind)).toEqual([
      "case.opened",
      "case.claimed",
      "message.legal",
      "message.asker",
      "case.resolved",
      "case.reopened",
    ]);
    expect(api.refused).toEqual([]);
  });

  it("a double click, or Slack sending the click again, opens one case", async () => {
    const res = await h.slack.command(QUESTION, { user: ASKER });
    const button = findElement(blocksOf(res.json), "escalate");
    const where = { ephemeral: true, user: ASKER, messageTs: "1700000700.000100" };
    await Promise.all([
      h.slack.click(button, where),
      h.slack.click(button, where),
      h.slack.click(button, where, { retryNum: 1 }),
    ]);
    await api.waitFor(() => api.responses.length === 3);
    const refs = api.responses.map((r) => /Case (ICE-\d{4}-\d{4})/.exec(blocksText(blocksOf(r.body)))?.[1]);
    expect(new Set(refs)).toEqual(new Set(["ICE-2026-0001"]));
    expect(await env.db.prisma.case.count()).toBe(1);
    await h.bot.tick();
    expect(cards()).toHaveLength(1);
    expect(posts(ASKER)).toHaveLength(1);

    // Another answer message is another escalation.
    await askAndEscalate(ASKER, "1700000701.000100");
    expect(await env.db.prisma.case.count()).toBe(2);
  });

  it("someone who is not the queue's legal staff cannot claim or resolve: refused, nothing changes", async () => {
    const { ref } = await askAndEscalate(ASKER, "1700000800.000100");
    await h.bot.tick();
    const card = cards()[0]!;
    const before = {
      events: await env.db.prisma.caseEvent.count(),
      outbox: await env.db.prisma.outbox.count(),
      row: await caseRow(ref),
    };
    api.reset();

    for (const user of [OTHER, ASKER]) {
      await clickCard(card, "case:claim", user);
      const refusal = await api.waitFor(() => api.responses[0]);
      expect(refusal.body).toMatchObject({ response_type: "ephemeral", replace_original: false });
      expect(blocksText(blocksOf(refusal.body))).toMatch(/Only this queue's legal staff can do that/);
      api.reset();

      await clickCard(card, "case:resolve", user);
      const refused = await api.waitFor(() => api.responses[0]);
      expect(blocksText(blocksOf(refused.body))).toMatch(/legal staff/);
      expect(api.callsTo("views.open")).toHaveLength(0);
      api.reset();
    }

    // Even a resolve modal submitted by someone else (opened while the check could not run).
    const modal = (await (async () => {
      await clickCard(card, "case:resolve", GROUP_LAWYER); // a member of the queue's user group may
      return (await api.waitFor(() => api.callsTo("views.open")[0])).args.view;
    })()) as Json;
    const forged = await h.slack.submitView(modal, { outcome: { outcome: { value: "advised" } } }, { user: OTHER });
    expect(forged.json).toMatchObject({
      response_action: "errors",
      errors: { outcome: expect.stringMatching(/legal staff/) },
    });
    const message = await h.slack.submitView(
      { ...modal, callback_id: "case:message" },
      { text: { text: "hello" } },
      { user: OTHER },
    );
    expect(message.json).toMatchObject({ response_action: "errors" });

    await h.bot.tick();
    expect(await caseRow(ref)).toEqual(before.row);
    expect(await env.db.prisma.caseEvent.count()).toBe(before.events);
    expect(await env.db.prisma.outbox.count()).toBe(before.outbox);
    expect(api.callsTo("chat.update")).toHaveLength(0);

    // The user group member may claim it.
    await clickCard(card, "case:claim", GROUP_LAWYER);
    await eventually(async () => (await caseRow(ref))?.ownerId === GROUP_LAWYER);
  });

  it("50 legal staff clicking Claim at once leave one owner; the others are told it is taken", async () => {
    const { ref } = await askAndEscalate(ASKER, "1700000850.000100");
    await h.bot.tick();
    const card = cards()[0]!;
    api.reset();
    await Promise.all(GROUP_LAWYERS.map((l) => clickCard(card, "case:claim", l.userId)));
    await api.waitFor(() => api.responses.length === GROUP_LAWYERS.length - 1, 20_000);
    const row = (await caseRow(ref))!;
    expect(row.status).toBe("claimed");
    expect(GROUP_LAWYERS.map((l) => l.userId)).toContain(row.ownerId);
    for (const r of api.responses) expect(blocksText(blocksOf(r.body))).toMatch(/already been claimed/);
    expect(await env.db.prisma.caseEvent.count({ where: { kind: "case.claimed" } })).toBe(1);
    expect(api.callsTo("usergroups.users.list")).toHaveLength(1); // members cached
    await h.bot.tick();
    expect(api.callsTo("chat.update")).toHaveLength(1);
    expect(blocksText(api.callsTo("chat.update")[0]!.args.blocks)).toContain(`<@${row.ownerId}>`);
  });

  it("a bot stopped between the click and the Slack post delivers the card after a restart, once", async () => {
    const { ref } = await askAndEscalate(ASKER, "1700000860.000100");
    await h.bot.stop(); // before any tick: the card is only in the outbox
    expect(cards()).toHaveLength(0);
    h = await boot(api, { database: await env.restart() });
    await h.bot.tick();
    await h.bot.tick();
    expect(cards()).toHaveLength(1);
    expect(blocksText(cards()[0]!.args.blocks)).toContain(`Case ${ref}`);
    expect(posts(ASKER)).toHaveLength(1);
  });

  it("reminders: an unclaimed case re-pings its thread and the backup; an idle claimed one its owner", async () => {
    const { ref } = await askAndEscalate(ASKER, "1700000870.000100");
    await h.bot.tick();
    const card = cards()[0]!;
    const cardTs = (card.result as Json).ts as string;
    api.reset();
    h.clock.advanceMinutes(config.queues["doe-legal"].reminders.unclaimedMinutes);
    await h.bot.tick();
    const ping = posts(LEGAL_CHANNEL, (c) => c.args.thread_ts === cardTs)[0]!;
    expect(String(ping.args.reply_broadcast)).toBe("true");
    expect(ping.args.text).toMatch(new RegExp(`${ref} has waited 15 minutes and nobody has claimed it`));
    const backup = posts(config.queues["doe-legal"].slack!.backup!)[0]!;
    expect(blocksText(backup.args.blocks)).toContain(`<#${LEGAL_CHANNEL}>`);

    await clickCard(card, "case:claim", LAWYER_ID);
    await eventually(async () => (await caseRow(ref))?.status === "claimed");
    await h.bot.tick();
    api.reset();
    h.clock.advanceMinutes(config.queues["doe-legal"].reminders.idleMinutes);
    await h.bot.tick();
    expect(blocksText(posts(LAWYER_ID)[0]!.args.blocks)).toMatch(new RegExp(`Your case ${ref} has had no activity`));
    expect(api.refused).toEqual([]);
  });

  it("while a case is open, the asker's next direct message goes to it; once resolved, DMs are answered again", async () => {
    const { ref } = await askAndEscalate(ASKER, "1700000880.000100");
    await h.bot.tick();
    api.reset();
    const dm = { type: "message", channel_type: "im", channel: "D0ASKER001", user: ASKER };
    await h.slack.event({ ...dm, text: "They just left through the side door.", ts: "1700000881.000100" });
    const confirm = await api.waitFor(() => posts("D0ASKER001")[0]);
    expect(confirm.args.thread_ts).toBeUndefined();
    expect(confirm.args.text).toBe(`Sent to the legal staff on case ${ref}.`);
    await h.bot.tick();
    const relayed = posts(LEGAL_CHANNEL, (c) => c.args.thread_ts !== undefined)[0]!;
    expect(blocksText(relayed.args.blocks)).toContain("They just left through the side door.");

    await h.bot.escalation()!.service.resolve(ref, LAWYER, "no-action-needed", null);
    api.reset();
    await h.slack.event({ ...dm, text: QUESTION, ts: "1700000882.000100" });
    const answered = await api.waitFor(() => posts("D0ASKER001")[0]);
    expect(answered.args.text).toBe(engine.ask(QUESTION, { today: TODAY }).headline);
  });

  it("`/ice-protocol cases`: an employee sees only their own; legal staff the open cases of their queues", async () => {
    await h.slack.command("role school", { user: ASKER });
    await h.slack.command("role school", { user: OTHER });
    const mine = await askAndEscalate(ASKER, "1700000900.000100");
    const theirs = await askAndEscalate(OTHER, "1700000901.000100");

    const asker = blocksText(blocksOf((await h.slack.command("cases", { user: ASKER })).json));
    expect(asker).toContain(mine.ref);
    expect(asker).not.toContain(theirs.ref);
    expect(asker).toMatch(/Your escalations/);
    expect(asker).not.toMatch(/Open cases in your queues/);

    const other = blocksText(blocksOf((await h.slack.command("cases", { user: OTHER })).json));
    expect(other).toContain(theirs.ref);
    expect(other).not.toContain(mine.ref);

    const lawyer = await h.slack.command("cases", { user: LAWYER_ID });
    expect(lawyer.json?.response_type).toBe("ephemeral");
    expect(validateBlocks(lawyer.json?.blocks)).toEqual([]);
    const list = blocksText(blocksOf(lawyer.json));
    expect(list).toMatch(/Open cases in your queues/);
    expect(list).toContain(mine.ref);
    expect(list).toContain(theirs.ref);
  });

  it("delivers the card once, later, when the Slack API answers 500 and then 429 with Retry-After", async () => {
    api.failNext("chat.postMessage", { status: 500 });
    const { ref } = await askAndEscalate(ASKER, "1700001000.000100");
    await h.bot.tick();
    expect(api.failed.map((f) => f.failure)).toEqual([{ status: 500 }]);
    expect(cards()).toHaveLength(0);
    expect(posts(ASKER)).toHaveLength(0); // the DM waits behind its card

    api.failNext("chat.postMessage", { status: 429, retryAfter: 30 });
    h.clock.advance(2_000); // the first backoff
    await h.bot.tick();
    expect(api.failed.map((f) => f.failure)).toEqual([{ status: 500 }, { status: 429, retryAfter: 30 }]);
    expect(cards()).toHaveLength(0);

    h.clock.advance(10_000); // past the 4 s backoff, not the 30 s Slack asked for
    await h.bot.tick();
    expect(api.failed).toHaveLength(2);
    expect(cards()).toHaveLength(0);

    h.clock.advance(20_000);
    await h.bot.tick();
    expect(cards()).toHaveLength(1);
    expect(blocksText(cards()[0]!.args.blocks)).toContain(`Case ${ref}`);
    expect(posts(ASKER)).toHaveLength(1);
    await h.bot.tick();
    expect(cards()).toHaveLength(1);
    const row = await env.db.prisma.outbox.findFirstOrThrow({ where: { kind: "case.card", channel: "slack" } });
    expect(row).toMatchObject({ attempts: 3, lastError: null, failedAt: null });
    expect(row.platformMessageId).toBe(`${LEGAL_CHANNEL}:${(cards()[0]!.result as Json).ts as string}`);
  });

  it("sets a card aside that Slack refuses for good (channel_not_found), and goes on", async () => {
    api.failNext("chat.postMessage", { error: "channel_not_found" });
    const { ref } = await askAndEscalate(ASKER, "1700001100.000100");
    await h.bot.tick();
    expect(cards()).toHaveLength(0);
    expect(posts(ASKER)).toHaveLength(1); // the asker is still told
    const row = await env.db.prisma.outbox.findFirstOrThrow({ where: { kind: "case.card", channel: "slack" } });
    expect(row.failedAt).not.toBeNull();
    expect(row.lastError).toMatch(/channel_not_found/);
    const timeline = await h.bot.escalation()!.service.timeline(ref, LAWYER);
    expect(timeline.map((e) => e.kind)).toContain("outbox.failed");
  });

  /** The asker's "opened" direct message (after a tick), and where it is, to click on it. */
  const openedDm = () => {
    const dm = posts(ASKER).find((c) => / is open\./.test(c.args.text as string))!;
    const result = dm.result as Json;
    return { dm, where: { ephemeral: false, channel: result.channel as string, messageTs: result.ts as string } };
  };
  const threadOf = (card: ApiCall) => posts(LEGAL_CHANNEL, (c) => c.args.thread_ts === (card.result as Json).ts);

  it("the asker cancels from their confirmation, after a confirm dialog: cancelled, the queue told, the button gone", async () => {
    const { ref, told } = await askAndEscalate(ASKER, "1700001400.000100");
    // The confirmation carries the button, behind Slack's own "are you sure?" dialog.
    const cancel = findElement(blocksOf(told), "case:cancel");
    expect(validateBlocks(blocksOf(told))).toEqual([]);
    expect((cancel.element.text as Json).text).toBe("Cancel my case");
    expect(blocksText(cancel.element.confirm)).toContain(`Cancel case ${ref}? Legal staff will be told.`);
    await h.bot.tick();
    const card = cards()[0]!;
    findElement(openedDm().dm.args.blocks, "case:cancel"); // the DM about the case has it too
    api.reset();

    await h.slack.click(cancel, { ephemeral: true, user: ASKER, messageTs: "1700001400.000100" });
    const replaced = await api.waitFor(() => api.responses[0]);
    expect(replaced.body).toMatchObject({ response_type: "ephemeral", replace_original: true });
    const text = blocksText(blocksOf(replaced.body));
    expect(text).toContain(`Case ${ref} is cancelled.`);
    expect(text).toMatch(/Legal staff have been told/);
    expect(text).toContain(PHONE);
    expect(() => findElement(blocksOf(replaced.body), "case:cancel")).toThrow();
    expect(blocksOf(replaced.body).some((b) => b.type === "actions")).toBe(false);

    // The case, as the service sees it.
    const service = h.bot.escalation()!.service;
    expect((await service.getCase(ref, { platform: "slack", userId: ASKER })).status).toBe("cancelled");
    expect((await service.timeline(ref, LAWYER)).map((e) => e.kind)).toEqual(["case.opened", "case.cancelled"]);

    // Legal staff: the card says so and the thread has the service's notice, once. The asker
    // gets no other message: the one they clicked on says it.
    await h.bot.tick();
    const update = api.callsTo("chat.update")[0]!;
    expect(update.args).toMatchObject({ channel: LEGAL_CHANNEL, ts: (card.result as Json).ts });
    expect(blocksText(update.args.blocks)).toMatch(/\*Cancelled\* by the employee/);
    expect(threadOf(card).map((c) => c.args.text)).toEqual([`The employee cancelled case ${ref}.`]);
    expect(posts(ASKER)).toHaveLength(0);

    // No reminder for a cancelled case.
    api.reset();
    h.clock.advanceMinutes(config.queues["doe-legal"].reminders.unclaimedMinutes);
    await h.bot.tick();
    expect(api.callsTo("chat.postMessage")).toHaveLength(0);
    expect(api.refused).toEqual([]);
  });

  it("someone else clicking the asker's Cancel (a forwarded button) is refused, and nothing changes", async () => {
    const { ref } = await askAndEscalate(ASKER, "1700001500.000100");
    await h.bot.tick();
    const card = cards()[0]!;
    const { dm, where } = openedDm();
    const before = {
      events: await env.db.prisma.caseEvent.count(),
      outbox: await env.db.prisma.outbox.count(),
      row: await caseRow(ref),
    };
    api.reset();

    for (const user of [OTHER, LAWYER_ID]) {
      await h.slack.click(findElement(dm.args.blocks, "case:cancel"), { ...where, user });
      const refusal = await api.waitFor(() => api.responses[0]);
      expect(refusal.body).toMatchObject({ response_type: "ephemeral", replace_original: false });
      expect(blocksText(blocksOf(refusal.body))).toMatch(/Only the employee who asked can cancel this case/);
      api.reset();
    }

    await h.bot.tick();
    expect(await caseRow(ref)).toEqual(before.row);
    expect(await env.db.prisma.caseEvent.count()).toBe(before.events);
    expect(await env.db.prisma.outbox.count()).toBe(before.outbox);
    expect(api.callsTo("chat.update")).toHaveLength(0);
    expect(threadOf(card)).toHaveLength(0);
  });

  it("a double click on Cancel in the direct message cancels once; the second click says it already is", async () => {
    const { ref } = await askAndEscalate(ASKER, "1700001600.000100");
    await h.bot.tick();
    const card = cards()[0]!;
    const { dm, where } = openedDm();
    const cancel = findElement(dm.args.blocks, "case:cancel");
    api.reset();

    await Promise.all([
      h.slack.click(cancel, { ...where, user: ASKER }),
      h.slack.click(cancel, { ...where, user: ASKER }),
    ]);
    const update = await api.waitFor(() => api.callsTo("chat.update")[0]);
    const second = await api.waitFor(() => api.responses[0]);
    // The direct message, updated in place: cancelled, no button.
    expect(update.args).toMatchObject({ channel: where.channel, ts: where.messageTs });
    expect(blocksText(update.args.blocks)).toContain(`Case ${ref} is cancelled.`);
    expect(() => findElement(update.args.blocks, "case:cancel")).toThrow();
    // The other click: told plainly, only to them, and nothing replaced.
    expect(second.body).toMatchObject({ response_type: "ephemeral", replace_original: false });
    expect(blocksText(blocksOf(second.body))).toContain(
      `Case ${ref} is already cancelled, so there is nothing to cancel.`,
    );

    expect((await caseRow(ref))?.status).toBe("cancelled");
    expect(await env.db.prisma.caseEvent.count({ where: { kind: "case.cancelled" } })).toBe(1);
    api.reset();
    await h.bot.tick();
    expect(threadOf(card).map((c) => c.args.text)).toEqual([`The employee cancelled case ${ref}.`]);
    expect(api.callsTo("chat.update")).toHaveLength(1); // the card, once
    expect(api.refused).toEqual([]);
  });

  it("Cancel on a case legal staff already resolved says so, and changes nothing", async () => {
    const { ref } = await askAndEscalate(ASKER, "1700001700.000100");
    await h.bot.tick();
    const { dm, where } = openedDm();
    await h.bot.escalation()!.service.resolve(ref, LAWYER, "advised", null);
    const row = await caseRow(ref);
    api.reset();

    await h.slack.click(findElement(dm.args.blocks, "case:cancel"), { ...where, user: ASKER });
    const told = await api.waitFor(() => api.responses[0]);
    expect(told.body).toMatchObject({ response_type: "ephemeral", replace_original: false });
    expect(blocksText(blocksOf(told.body))).toContain(
      `Case ${ref} is already resolved, so there is nothing to cancel.`,
    );
    expect(await caseRow(ref)).toEqual(row);
    expect(api.callsTo("chat.update")).toHaveLength(0);
  });

  it("with the database down, answers from the rules and gives the queue's phone number", async () => {
    // The database goes away under a running bot: PGlite closed; the PostgreSQL server not answering.
    await h.bot.stop();
    let down: Database;
    if (name === "pglite") {
      down = env.db;
      await down.close();
      onTestFinished(async () => void (await env.restart()));
    } else {
      down = await createDatabase({
        url: "postgresql://postgres@127.0.0.1:1/ice",
        migrate: false,
        connectTimeoutMs: 500,
      });
      onTestFinished(() => down.close());
    }
    h = await boot(api, { database: down });

    await h.slack.command("role school", { user: ASKER }); // kept in memory meanwhile
    const res = await h.slack.command(QUESTION, { user: ASKER });
    const expected = engine.ask(QUESTION, { today: TODAY, role: "doe" });
    expect(res.json?.text).toBe(expected.headline);

    await h.slack.click(findElement(blocksOf(res.json), "escalate"), {
      ephemeral: true,
      user: ASKER,
      messageTs: "1700001200.000100",
    });
    const told = await api.waitFor(() => api.responses[0]);
    const text = blocksText(blocksOf(told.body));
    expect(text).toMatch(/could not open a case/);
    expect(text).toContain(PHONE);
    expect(text).toContain(expected.contacts[0]!);

    const cases = blocksText(blocksOf((await h.slack.command("cases", { user: ASKER })).json));
    expect(cases).toMatch(/unavailable/);
    expect(cases).toContain(PHONE);

    await h.slack.event({
      type: "message",
      channel_type: "im",
      channel: "D0ASKER001",
      user: ASKER,
      text: QUESTION,
      ts: "1700001201.000100",
    });
    const answered = await api.waitFor(() => api.callsTo("chat.postMessage")[0]);
    expect(answered.args.text).toBe(expected.headline);
  });
});

describe("Slack escalation with the database down at start", () => {
  it("starts anyway, and gives the phone number instead of opening a case", async () => {
    const api = await new FakeSlackApi().start();
    const h = await boot(api, { db: { url: "postgresql://postgres@127.0.0.1:1/none" } });
    try {
      expect(h.bot.escalation()).toBeUndefined();
      const res = await h.slack.command(QUESTION, { user: ASKER });
      await h.slack.click(findElement(blocksOf(res.json), "escalate"), {
        ephemeral: true,
        user: ASKER,
        messageTs: "1700001300.000100",
      });
      const told = await api.waitFor(() => api.responses[0]);
      const queue = engine.ask(QUESTION, { today: TODAY }).escalate.queue;
      expect(blocksText(blocksOf(told.body))).toContain(config.queues[queue].phone);
      expect(blocksText(blocksOf(told.body))).toMatch(/could not open a case/);
    } finally {
      await h.bot.stop();
      await api.close();
    }
  });
});
