import { describe, expect, it, vi } from "vitest";
import { createDatabase, DatabaseUnavailable } from "../../src/db/index.js";
import { AlreadyClaimed, InvalidInput, InvalidTransition, NotAuthorized } from "../../src/escalation/errors.js";
import { OutboxWorker } from "../../src/escalation/outbox.js";
import { EscalationService } from "../../src/escalation/service.js";
import type { OutboxMessage } from "../../src/escalation/types.js";
import { BACKENDS, useBackend } from "../support/backends.js";
import {
  answer,
  ASKER,
  FakeClock,
  GROUP_LAWYERS,
  LAWYER,
  LAWYER2,
  NYPD_LAWYER,
  OTHER_EMPLOYEE,
  RecordingGateway,
  TEAMS_LAWYER,
  testConfig,
  testDirectory,
} from "./fixtures.js";

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

describe.each(BACKENDS)("escalation service on %s", (name) => {
  const env = useBackend(name);
  const setup = () => {
    const clock = new FakeClock();
    const config = testConfig();
    const service = new EscalationService({ db: env.db, config, directory: testDirectory(config), clock: clock.now });
    const slack = new RecordingGateway("slack");
    const teams = new RecordingGateway("teams");
    const worker = new OutboxWorker({ db: env.db, gateways: { slack, teams }, clock: clock.now });
    return { clock, service, slack, teams, worker };
  };
  const counts = async () => ({
    events: await env.db.prisma.caseEvent.count(),
    outbox: await env.db.prisma.outbox.count(),
    cases: await env.db.prisma.case.count(),
  });

  it("runs the lifecycle: escalate, claim, message both ways, resolve, reopen", async () => {
    const { clock, service, slack, teams, worker } = setup();

    const opened = await service.escalate(answer(), ASKER, "slack:T1:escalate:1", {
      question: "Two ICE agents at the front desk, no warrant. What do I do?",
    });
    expect(opened).toMatchObject({
      ref: "ICE-2026-0001",
      status: "open",
      queue: "doe-legal",
      decision: "ENTRY_DENY_WITHOUT_JUDICIAL_WARRANT",
      asker: { platform: "slack", userId: ASKER.userId, role: "doe" },
      owner: null,
      urgent: false,
      questionExcerpt: "Two ICE agents at the front desk, no warrant. What do I do?",
    });
    expect(opened.citations[0]).toMatchObject({ source: "mamdani-eo-2026" });
    await worker.drain();
    // The card to both legal channels, the reference to the asker.
    expect(slack.kinds()).toEqual(["case.card", "asker.notice"]);
    expect(teams.kinds()).toEqual(["case.card"]);
    const card = slack.sent[0] as Extract<OutboxMessage, { kind: "case.card" }>;
    expect(card.target).toEqual({ type: "queue", queue: "doe-legal" });
    expect(card.payload.case.ref).toBe("ICE-2026-0001");
    const notice = slack.sent[1] as Extract<OutboxMessage, { kind: "asker.notice" }>;
    expect(notice.target).toEqual({ type: "user", userId: ASKER.userId });
    expect(notice.payload).toMatchObject({ event: "opened", ref: "ICE-2026-0001", phone: "+1 212-555-0101" });
    const cardTs = "slack-msg-1";

    clock.advanceMinutes(2);
    const claimed = await service.claim(opened.id, LAWYER);
    expect(claimed).toMatchObject({ status: "claimed", owner: LAWYER, version: 2 });
    slack.sent.length = 0;
    await worker.drain();
    expect(slack.kinds()).toEqual(["case.card.update", "queue.notice", "asker.notice"]);
    expect(slack.sent[0]!.thread).toBe(cardTs);
    expect((slack.sent[0] as Extract<OutboxMessage, { kind: "case.card.update" }>).payload.case.owner).toEqual(LAWYER);
    expect(slack.sent[2]!.payload).toMatchObject({ event: "claimed", by: LAWYER });

    await service.message(opened.id, LAWYER, "Is the officer still at the desk?");
    await service.message(opened.ref, ASKER, "Yes, he is waiting outside now.");
    slack.sent.length = 0;
    teams.sent.length = 0;
    await worker.drain();
    expect(slack.sent.map((m) => [m.kind, m.target])).toEqual([
      ["relay.to-asker", { type: "user", userId: ASKER.userId }],
      ["relay.to-legal", { type: "queue", queue: "doe-legal" }],
    ]);
    expect(slack.sent[1]!.thread).toBe(cardTs);
    expect(slack.sent[1]!.payload).toMatchObject({ text: "Yes, he is waiting outside now.", from: ASKER });
    expect(teams.kinds()).toContain("relay.to-legal");

    const resolved = await service.resolve(opened.id, LAWYER, "advised", "Keep him outside; I called the principal.");
    expect(resolved).toMatchObject({ status: "resolved", outcome: "advised", flaggedForPolicy: false });
    slack.sent.length = 0;
    await worker.drain();
    const told = slack.sent.find((m) => m.kind === "asker.notice");
    expect(told?.payload).toMatchObject({
      event: "resolved",
      outcome: "advised",
      note: "Keep him outside; I called the principal.",
    });

    const reopened = await service.reopen(opened.id, ASKER, "He came back with another agent.");
    expect(reopened).toMatchObject({ status: "open", owner: null, outcome: null, note: null });
    slack.sent.length = 0;
    await worker.drain();
    expect(slack.kinds()).toEqual(["case.card.update", "queue.notice"]);

    const timeline = await service.timeline(opened.id, LAWYER);
    expect(timeline.map((e) => [e.kind, e.actor])).toEqual([
      ["case.opened", `slack:${ASKER.userId}`],
      ["case.claimed", `slack:${LAWYER.userId}`],
      ["message.legal", `slack:${LAWYER.userId}`],
      ["message.asker", `slack:${ASKER.userId}`],
      ["case.resolved", `slack:${LAWYER.userId}`],
      ["case.reopened", `slack:${ASKER.userId}`],
    ]);
    // A Teams lawyer of the queue can claim the reopened case.
    expect(await service.claim(opened.id, TEAMS_LAWYER)).toMatchObject({ status: "claimed", owner: TEAMS_LAWYER });
    // A thread reply can be routed back to its case.
    expect(await service.caseForCardMessage("slack", cardTs)).toEqual({ id: opened.id, ref: opened.ref });
  });

  it("numbers cases per year", async () => {
    const { clock, service } = setup();
    clock.set("2026-12-31T20:00:00Z");
    expect((await service.escalate(answer(), ASKER, "k1")).ref).toBe("ICE-2026-0001");
    expect((await service.escalate(answer(), ASKER, "k2")).ref).toBe("ICE-2026-0002");
    clock.set("2027-01-01T06:00:00Z"); // 1 am in New York
    expect((await service.escalate(answer(), ASKER, "k3")).ref).toBe("ICE-2027-0001");
  });

  it("turns a duplicated escalation (retry, double click) into one case", async () => {
    const { service } = setup();
    const first = await service.escalate(answer(), ASKER, "slack:T1:dup");
    const again = await service.escalate(answer(), ASKER, "slack:T1:dup");
    expect(again.id).toBe(first.id);
    const racing = await Promise.all(
      Array.from({ length: 6 }, () => service.escalate(answer(), ASKER, "slack:T1:race")),
    );
    expect(new Set(racing.map((c) => c.id)).size).toBe(1);
    expect(await env.db.prisma.case.count()).toBe(2);
    // One card + one asker notice per case; one opened event per case.
    expect(await env.db.prisma.outbox.count({ where: { kind: "case.card", channel: "slack" } })).toBe(2);
    expect(await env.db.prisma.caseEvent.count({ where: { kind: "case.opened" } })).toBe(2);
    // Another user cannot reuse someone's key to read their case.
    await expect(service.escalate(answer(), OTHER_EMPLOYEE, "slack:T1:dup")).rejects.toBeInstanceOf(InvalidInput);
  });

  it("leaves exactly one owner when 50 lawyers claim at once", async () => {
    const { service } = setup();
    const c = await service.escalate(answer(), ASKER, "k-claim");
    const results = await Promise.allSettled(GROUP_LAWYERS.map((lawyer) => service.claim(c.id, lawyer)));
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r) => r.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(49);
    for (const r of lost) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(AlreadyClaimed);
    const owner = (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof service.claim>>>).value.owner;
    const row = await env.db.prisma.case.findUniqueOrThrow({ where: { id: c.id } });
    expect({ platform: row.ownerPlatform, userId: row.ownerId }).toEqual(owner);
    expect(row.version).toBe(2);
    expect(await env.db.prisma.caseEvent.count({ where: { kind: "case.claimed" } })).toBe(1);
    // The winner clicking again is fine; the case stays theirs.
    expect((await service.claim(c.id, owner!)).owner).toEqual(owner);
  });

  it("refuses legal actions from anyone who is not the queue's legal staff, changing nothing", async () => {
    const { service } = setup();
    const c = await service.escalate(answer(), ASKER, "k-auth");
    const before = await counts();
    await expect(service.claim(c.id, OTHER_EMPLOYEE)).rejects.toMatchObject({
      code: "not-authorized",
      reason: "not-legal-staff",
    });
    await expect(service.claim(c.id, ASKER)).rejects.toBeInstanceOf(NotAuthorized);
    // Legal staff of another queue is not legal staff of this one.
    await expect(service.claim(c.id, NYPD_LAWYER)).rejects.toBeInstanceOf(NotAuthorized);
    await expect(service.resolve(c.id, OTHER_EMPLOYEE, "advised", "x")).rejects.toBeInstanceOf(NotAuthorized);
    await expect(service.message(c.id, OTHER_EMPLOYEE, "hello")).rejects.toBeInstanceOf(NotAuthorized);
    await expect(service.cancel(c.id, LAWYER)).rejects.toBeInstanceOf(NotAuthorized);
    await service.claim(c.id, LAWYER);
    await service.resolve(c.id, LAWYER, "advised", null);
    const mid = await counts();
    await expect(service.reopen(c.id, OTHER_EMPLOYEE)).rejects.toBeInstanceOf(NotAuthorized);
    expect(await counts()).toEqual(mid);
    expect(mid.cases).toBe(before.cases);
    const row = await env.db.prisma.case.findUniqueOrThrow({ where: { id: c.id } });
    expect(row.ownerId).toBe(LAWYER.userId);
  });

  it("shows employees only their own cases, and legal staff their queues' open cases", async () => {
    const { service } = setup();
    const mine = await service.escalate(answer(), ASKER, "k-mine");
    const theirs = await service.escalate(answer(), OTHER_EMPLOYEE, "k-theirs");
    const nypd = await service.escalate(answer({ queue: "nypd-legal" }), OTHER_EMPLOYEE, "k-nypd");

    const asker = await service.listCases(ASKER);
    expect(asker.queues).toEqual([]);
    expect(asker.legal).toEqual([]);
    expect(asker.own.map((c) => c.id)).toEqual([mine.id]);
    await expect(service.getCase(theirs.id, ASKER)).rejects.toBeInstanceOf(NotAuthorized);
    await expect(service.timeline(theirs.ref, ASKER)).rejects.toBeInstanceOf(NotAuthorized);
    expect((await service.getCase(mine.ref, ASKER)).id).toBe(mine.id);

    const lawyer = await service.listCases(LAWYER);
    expect(lawyer.queues).toEqual(["doe-legal", "agency-counsel"]);
    expect(lawyer.legal.map((c) => c.id).sort()).toEqual([mine.id, theirs.id].sort());
    await expect(service.getCase(nypd.id, LAWYER)).rejects.toBeInstanceOf(NotAuthorized);
    expect((await service.listCases(NYPD_LAWYER)).legal.map((c) => c.id)).toEqual([nypd.id]);

    // Resolved cases leave the legal list; the asker still sees theirs.
    await service.resolve(mine.id, LAWYER2, "no-action-needed");
    expect((await service.listCases(LAWYER)).legal.map((c) => c.id)).toEqual([theirs.id]);
    expect((await service.listCases(ASKER)).own[0]).toMatchObject({ status: "resolved", owner: LAWYER2 });
  });

  it("flags 'sources do not cover this' for the policy authors; cancels and refuses bad transitions", async () => {
    const { service, worker, slack } = setup();
    const a = await service.escalate(answer({ decision: "UNCOVERED_ESCALATE" }), ASKER, "k-flag");
    await service.claim(a.id, LAWYER);
    const flagged = await service.resolve(a.id, LAWYER, "sources-do-not-cover", "Needs a rule for sidewalks.");
    expect(flagged.flaggedForPolicy).toBe(true);
    expect(await service.resolve(a.id, LAWYER, "sources-do-not-cover", "again")).toMatchObject({ status: "resolved" });
    await expect(service.claim(a.id, LAWYER2)).rejects.toBeInstanceOf(InvalidTransition);
    await expect(service.resolve(a.id, LAWYER2, "advised")).rejects.toBeInstanceOf(InvalidTransition);
    await expect(service.message(a.id, ASKER, "thanks")).rejects.toBeInstanceOf(InvalidTransition);
    await expect(service.resolve(a.id, LAWYER, "bogus" as never)).rejects.toBeInstanceOf(InvalidInput);

    const b = await service.escalate(answer(), ASKER, "k-cancel");
    const cancelled = await service.cancel(b.id, ASKER, "Sorted it out with the principal.");
    expect(cancelled.status).toBe("cancelled");
    await expect(service.claim(b.id, LAWYER)).rejects.toBeInstanceOf(InvalidTransition);
    await worker.drain();
    expect(slack.sent.filter((m) => m.caseId === b.id && m.kind === "queue.notice")[0]?.payload).toMatchObject({
      event: "cancelled",
      reason: "Sorted it out with the principal.",
    });
    await expect(service.message(b.id, ASKER, "   ")).rejects.toBeInstanceOf(InvalidInput);
    await expect(service.getCase("ICE-2026-9999", ASKER)).rejects.toMatchObject({ code: "case-not-found" });
  });
});

describe("escalation service with the database down", () => {
  it("throws DatabaseUnavailable, so the adapter can still answer and show the phone", async () => {
    const db = await createDatabase({
      url: "postgresql://nobody@127.0.0.1:1/none",
      migrate: false,
      connectTimeoutMs: 1000,
    });
    try {
      const config = testConfig();
      const service = new EscalationService({ db, config, directory: testDirectory(config) });
      await expect(service.escalate(answer(), ASKER, "k")).rejects.toBeInstanceOf(DatabaseUnavailable);
      await expect(service.listCases(ASKER)).rejects.toBeInstanceOf(DatabaseUnavailable);
      expect(service.phoneFor("doe-legal")).toBe("+1 212-555-0101");
      const worker = new OutboxWorker({ db, gateways: { slack: new RecordingGateway("slack") } });
      await expect(worker.runOnce()).rejects.toBeInstanceOf(DatabaseUnavailable);
    } finally {
      await db.close();
    }
  });
});
