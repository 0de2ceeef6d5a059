/**
 * Escalation from Teams through the whole lifecycle, on PGlite, with the same
 * EscalationService, outbox and reminders as Slack: the employee asks and escalates in a
 * 1:1 chat; the case card opens a new thread in the queue's Teams channel; legal staff
 * (Entra object ids from the escalation config) claim, message the employee, and resolve
 * from the card; the employee is told each step by proactive messages through the
 * conversation reference kept when they wrote. And a case asked on Slack is claimed and
 * resolved by Teams legal staff when its queue is configured for both.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { Server } from "node:http";
import { createEngine } from "../../../src/core/engine.js";
import { loadPack } from "../../../src/policy/load.js";
import { createTeamsApp, type TeamsApp } from "../../../src/channels/teams/app.js";
import {
  configDirectory,
  parseEscalationConfig,
  startEscalation,
  type Escalation,
  type EscalationConfig,
  type OutboxMessage,
} from "../../../src/escalation/index.js";
import { useBackend } from "../../support/backends.js";
import { FakeClock, RecordingGateway } from "../../escalation/fixtures.js";
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
} from "../../fakes/bot-connector.js";

vi.setConfig({ testTimeout: 30_000, hookTimeout: 120_000 });

const TODAY = "2026-11-22";
const engine = createEngine(loadPack());
const quiet = { info() {}, warn() {}, error() {} };
const LEGAL_CHANNEL = "19:doe-legal-0123@thread.tacv2";

const ana = teamsUser("Ana Employee", "11111111-1111-4111-8111-111111111111");
const lee = teamsUser("Lee Lawyer", "aaaaaaaa-0000-4000-8000-00000000aaaa");
const ned = teamsUser("Ned Nosy", "bbbbbbbb-0000-4000-8000-00000000bbbb");

const BACKUP = "cccccccc-0000-4000-8000-00000000cccc";

function escalationConfig(withSlack: boolean): EscalationConfig {
  return parseEscalationConfig({
    queues: {
      "doe-legal": {
        phone: "+1 212-555-0101",
        ...(withSlack ? { slack: { channel: "CDOELEGAL1", staff: { users: ["ULAWYER001"] } } } : {}),
        teams: { channel: LEGAL_CHANNEL, staff: { aadObjectIds: [lee.aadObjectId.toUpperCase()] }, backup: BACKUP },
      },
      "nypd-legal": {
        phone: "+1 646-555-0102",
        teams: { channel: "19:nypd@thread.tacv2", staff: { aadObjectIds: [lee.aadObjectId] } },
      },
      "agency-counsel": {
        phone: "+1 212-555-0103",
        teams: { channel: "19:counsel@thread.tacv2", staff: { aadObjectIds: [lee.aadObjectId] } },
      },
    },
  });
}

const env = useBackend("pglite");
let connector: FakeConnector;
let app: TeamsApp;
let server: Server;
let teams: TeamsClient;
let escalation: Escalation | undefined;

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
  teams = new TeamsClient(`http://127.0.0.1:${listening.port}/api/messages`, connector);
});

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await connector?.close();
});

beforeEach(() => connector.reset());
afterEach(async () => {
  await escalation?.close();
  escalation = undefined;
});

async function connect(withSlack: boolean, slack?: RecordingGateway, clock?: FakeClock): Promise<Escalation> {
  const config = escalationConfig(withSlack);
  escalation = await startEscalation({
    config,
    directory: configDirectory(config),
    gateways: { teams: app.gateway, ...(slack ? { slack } : {}) },
    database: env.db,
    intervalMs: 0,
    ...(clock ? { clock: clock.now } : {}),
  });
  app.useEscalation({ service: escalation.service, profiles: escalation.profiles, config });
  return escalation;
}

/** Deliver the outbox now; nothing may be refused or left failing. */
async function deliver(e: Escalation): Promise<void> {
  await e.tick();
  expect(connector.rejected).toEqual([]);
  const failed = await env.db.prisma.outbox.findMany({
    where: { OR: [{ failedAt: { not: null } }, { lastError: { not: null } }] },
  });
  expect(failed.map((f) => `${f.kind}: ${f.lastError}`)).toEqual([]);
}

const since = (n: number) => connector.records.slice(n);
const textOf = (r: Recorded) => (cardOf(r.activity) ? cardText(cardOf(r.activity)) : String(r.activity.text ?? ""));
function theCaseThread(): Recorded {
  const threads = connector.records.filter((r) => r.kind === "thread");
  expect(threads).toHaveLength(1);
  return threads[0]!;
}

describe("escalation from Teams", () => {
  it("runs the lifecycle: ask, escalate, thread posted, claim, relay both ways, resolve, reopen; the asker told each step", async () => {
    const e = await connect(false);
    const dm = personal(ana);

    // Ask (as school staff), and escalate from the answer card.
    await teams.say(ana, dm, "role doe");
    const question = "ICE agents are at the front desk of my school without a warrant";
    await teams.say(ana, dm, question);
    const answerMsg = connector.messages().at(-1)!;
    let mark = connector.records.length;
    await teams.click(ana, dm, answerMsg.id, submitAction(cardOf(answerMsg.activity), "Escalate to legal"));
    const escalated = since(mark).find((r) => r.kind === "update" && r.id === answerMsg.id)!;
    expect(escalated, "the answer card is replaced in place").toBeDefined();
    const list = await e.service.listCases({ platform: "teams", userId: ana.aadObjectId });
    expect(list.own).toHaveLength(1);
    const c = list.own[0]!;
    expect(c).toMatchObject({
      status: "open",
      queue: "doe-legal",
      decision: engine.ask(question, { today: TODAY, role: "doe" }).decision,
    });
    expect(cardText(cardOf(escalated.activity))).toContain(`Escalated to legal: case ${c.ref} (doe-legal).`);
    // The same click again (a double click) opens no second case.
    await teams.click(ana, dm, answerMsg.id, submitAction(cardOf(answerMsg.activity), "Escalate to legal"));
    expect((await e.service.listCases({ platform: "teams", userId: ana.aadObjectId })).own).toHaveLength(1);

    // The outbox posts the case card as a new thread in the legal channel, and tells Ana.
    mark = connector.records.length;
    await deliver(e);
    const thread = theCaseThread();
    expect(thread.conversationId).toBe(`${LEGAL_CHANNEL};messageid=${thread.id}`);
    const caseCard = cardOf(thread.activity)!;
    expect(validateCard(caseCard)).toEqual([]);
    const caseText = cardText(caseCard);
    expect(caseText).toContain(`Case ${c.ref} · doe-legal`);
    expect(caseText).toContain("Status: Open: waiting for legal staff");
    expect(caseText).toContain(`The bot answered: ${c.headline}`);
    expect(caseText).toContain("Employee: Ana Employee (School staff (DOE)), on teams");
    const toAna = since(mark).filter((r) => r.conversationId === dm.conversation.id);
    expect(toAna).toHaveLength(1);
    expect(textOf(toAna[0]!)).toContain(`Your case ${c.ref} was sent to legal staff (doe-legal).`);
    expect(textOf(toAna[0]!)).toContain("+1 212-555-0101");

    // Someone who is not legal staff cannot claim; nothing changes.
    const inThread = channelThread(LEGAL_CHANNEL, thread.id);
    mark = connector.records.length;
    await teams.click(ned, inThread, thread.id, submitAction(caseCard, "Claim"));
    expect(since(mark).map(textOf)).toEqual(["Only this queue's legal staff can do that."]);
    expect((await e.service.getCase(c.id, { platform: "teams", userId: lee.aadObjectId })).status).toBe("open");

    // Lee claims from the card: the card changes in place at once.
    mark = connector.records.length;
    await teams.click(lee, inThread, thread.id, submitAction(caseCard, "Claim"));
    const claimedNow = since(mark).find((r) => r.kind === "update" && r.id === thread.id)!;
    expect(cardText(cardOf(claimedNow.activity))).toContain("Status: Claimed by Lee Lawyer");
    expect((await e.service.getCase(c.id, { platform: "teams", userId: lee.aadObjectId })).owner).toEqual({
      platform: "teams",
      userId: lee.aadObjectId,
    });
    mark = connector.records.length;
    await deliver(e);
    let out = since(mark);
    expect(
      out.find((r) => r.kind === "update" && r.id === thread.id),
      "the outbox updates the card too",
    ).toBeDefined();
    expect(out.filter((r) => r.conversationId === thread.conversationId && r.kind !== "update").map(textOf)).toEqual([
      `${c.ref}: claimed by Lee Lawyer.`,
    ]);
    expect(out.filter((r) => r.conversationId === dm.conversation.id).map(textOf)[0]).toContain(
      `Lee Lawyer from legal (doe-legal) is handling your case ${c.ref}.`,
    );

    // Lee messages Ana; Ana replies from the card she receives.
    const claimedCard = cardOf(claimedNow.activity)!;
    mark = connector.records.length;
    await teams.click(lee, inThread, thread.id, submitAction(claimedCard, "Send"), {
      text: "Keep them at the desk. I'm calling the principal.",
    });
    await deliver(e);
    const relay = since(mark).find((r) => r.conversationId === dm.conversation.id)!;
    expect(textOf(relay)).toContain(`Message from Lee Lawyer (legal) about your case ${c.ref}:`);
    expect(textOf(relay)).toContain("Keep them at the desk. I'm calling the principal.");
    mark = connector.records.length;
    await teams.click(ana, dm, relay.id, submitAction(cardOf(relay.activity), "Send"), {
      text: "They are leaving now.",
    });
    await deliver(e);
    expect(
      since(mark)
        .filter((r) => r.conversationId === thread.conversationId)
        .map(textOf),
    ).toContain(`${c.ref}: the employee wrote: They are leaving now.`);

    // Lee can also just write in the case thread, @mentioning the bot: it goes to Ana too.
    mark = connector.records.length;
    await teams.say(lee, inThread, "Are they still there?");
    expect(since(mark).map(textOf)).toEqual([`${c.ref}: message sent to the employee.`]);
    await deliver(e);
    expect(
      since(mark)
        .filter((r) => r.conversationId === dm.conversation.id)
        .map(textOf)[0],
    ).toContain("Are they still there?");

    // Lee resolves with an outcome and a note; Ana is told, with the note.
    mark = connector.records.length;
    await teams.click(lee, inThread, thread.id, submitAction(claimedCard, "Resolve case"), {
      outcome: "advised",
      note: "Agents left without entering.",
    });
    const resolvedNow = since(mark).find((r) => r.kind === "update" && r.id === thread.id)!;
    expect(cardText(cardOf(resolvedNow.activity))).toContain("Status: Resolved by Lee Lawyer: Advice given");
    mark = connector.records.length;
    await deliver(e);
    out = since(mark);
    expect(out.filter((r) => r.conversationId === dm.conversation.id).map(textOf)[0]).toContain(
      `Your case ${c.ref} was resolved: Advice given. Note from legal: Agents left without entering.`,
    );
    expect((await e.service.getCase(c.id, { platform: "teams", userId: ana.aadObjectId })).status).toBe("resolved");

    // Reopen from the card.
    await teams.click(lee, inThread, thread.id, submitAction(cardOf(resolvedNow.activity), "Reopen"));
    expect((await e.service.getCase(c.id, { platform: "teams", userId: lee.aadObjectId })).status).toBe("open");

    // `cases` lists it for Ana (her own) and for Lee (his queue).
    mark = connector.records.length;
    await teams.say(lee, personal(lee), "cases");
    expect(textOf(since(mark)[0]!)).toContain(`${c.ref} · open · doe-legal`);
    const timeline = await e.service.timeline(c.id, { platform: "teams", userId: lee.aadObjectId });
    expect(timeline.map((t) => t.kind)).toEqual([
      "case.opened",
      "case.claimed",
      "message.legal",
      "message.asker",
      "message.legal",
      "case.resolved",
      "case.reopened",
    ]);
  });

  it("a case asked on Slack is claimed and resolved by Teams legal staff; the Slack asker is told", async () => {
    const slack = new RecordingGateway("slack");
    const e = await connect(true, slack);
    const answer = engine.ask("ICE agents are at the front desk of my school without a warrant", {
      today: TODAY,
      role: "doe",
    });
    const opened = await e.service.escalate(
      answer,
      { platform: "slack", userId: "UASKER0001", role: "doe" },
      "slack:T1:escalate:42",
    );
    await deliver(e);
    expect(slack.kinds()).toEqual(["case.card", "asker.notice"]);
    const thread = theCaseThread();
    const card = cardOf(thread.activity)!;
    expect(cardText(card)).toContain(`Case ${opened.ref} · doe-legal`);
    expect(cardText(card)).toContain("on slack");

    const inThread = channelThread(LEGAL_CHANNEL, thread.id);
    await teams.click(lee, inThread, thread.id, submitAction(card, "Claim"));
    await teams.click(lee, inThread, thread.id, submitAction(card, "Resolve case"), { outcome: "handled-by-phone" });
    const done = await e.service.getCase(opened.id, { platform: "teams", userId: lee.aadObjectId });
    expect(done).toMatchObject({
      status: "resolved",
      outcome: "handled-by-phone",
      owner: { platform: "teams", userId: lee.aadObjectId },
    });

    slack.sent.length = 0;
    await deliver(e);
    // Slack's card is updated and the Slack asker is told, by the Slack gateway.
    const notices = slack.sent.filter(
      (m): m is Extract<OutboxMessage, { kind: "asker.notice" }> => m.kind === "asker.notice",
    );
    expect(notices.map((n) => n.payload.event)).toEqual(["claimed", "resolved"]);
    expect(notices[1]!.target).toEqual({ type: "user", userId: "UASKER0001" });
    expect(slack.kinds()).toContain("case.card.update");
    // Teams' thread got the notices, and nothing went to a Teams chat for the Slack asker.
    expect(connector.records.filter((r) => r.kind === "chat")).toEqual([]);
  });

  it("writes to an asker who asked in a channel through a new 1:1 chat, and keeps it for next time", async () => {
    const e = await connect(false);
    const where = channelThread("19:school-staff@thread.tacv2", "7000");
    await teams.say(ana, personal(ana), "role doe"); // her 1:1 reference exists...
    await env.db.prisma.conversationRef.deleteMany({}); // ...but is lost: only the channel is known now.
    await teams.say(ana, where, "ICE agents are at the front desk of my school without a warrant");
    const answerMsg = connector.messages().at(-1)!;
    await teams.click(ana, where, answerMsg.id, submitAction(cardOf(answerMsg.activity), "Escalate to legal"));
    const mark = connector.records.length;
    await deliver(e);
    const out = since(mark);
    const chat = out.find((r) => r.kind === "chat")!;
    expect(chat.activity.members).toEqual([{ id: ana.aadObjectId }]);
    const notice = out.find((r) => r.conversationId === chat.conversationId && r.kind !== "chat")!;
    expect(textOf(notice)).toContain("was sent to legal staff (doe-legal)");
    // Nothing about the case went to the public thread.
    expect(out.filter((r) => r.conversationId === where.conversation.id)).toEqual([]);
    const kept = await e.profiles.getConversationRef<{ conversation: { id: string; conversationType: string } }>(
      "teams",
      ana.aadObjectId,
    );
    expect(kept?.conversation).toMatchObject({ id: chat.conversationId, conversationType: "personal" });
  });

  it("reminds the channel thread and the queue's backup (by a 1:1 chat) when nobody claims", async () => {
    const clock = new FakeClock("2026-11-22T15:00:00.000Z");
    const e = await connect(false, undefined, clock);
    const answer = engine.ask("ICE agents are at the front desk of my school without a warrant", {
      today: TODAY,
      role: "doe",
    });
    const opened = await e.service.escalate(
      answer,
      { platform: "teams", userId: ana.aadObjectId, role: "doe" },
      "k-reminder",
    );
    await deliver(e);
    const thread = theCaseThread();
    clock.advanceMinutes(16);
    const mark = connector.records.length;
    await deliver(e);
    const out = since(mark);
    expect(out.filter((r) => r.conversationId === thread.conversationId).map(textOf)).toEqual([
      `${opened.ref} has waited 16 minutes and nobody has claimed it.`,
    ]);
    const chat = out.find((r) => r.kind === "chat" && JSON.stringify(r.activity).includes(BACKUP))!;
    expect(chat).toBeDefined();
    expect(out.filter((r) => r.conversationId === chat.conversationId && r.kind !== "chat").map(textOf)).toEqual([
      `${opened.ref} has waited 16 minutes and nobody has claimed it (you are the backup for doe-legal).`,
    ]);
  });
});
