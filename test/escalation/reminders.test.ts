import { describe, expect, it, vi } from "vitest";
import { OutboxWorker } from "../../src/escalation/outbox.js";
import { ReminderScheduler } from "../../src/escalation/reminders.js";
import { startEscalationLoops } from "../../src/escalation/runner.js";
import { startEscalation } from "../../src/escalation/setup.js";
import { EscalationService } from "../../src/escalation/service.js";
import type { OutboxMessage } from "../../src/escalation/types.js";
import { BACKENDS, useBackend } from "../support/backends.js";
import { answer, ASKER, FakeClock, LAWYER, RecordingGateway, testConfig, testDirectory } from "./fixtures.js";

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

describe.each(BACKENDS)("reminders on %s", (name) => {
  const env = useBackend(name);
  const setup = (clock = new FakeClock(), db = env.db, instanceId?: string) => {
    const config = testConfig();
    const service = new EscalationService({ db, config, directory: testDirectory(config), clock: clock.now });
    const reminders = new ReminderScheduler({
      prisma: db.prisma,
      config,
      clock: clock.now,
      ...(instanceId ? { instanceId } : {}),
    });
    return { clock, service, reminders };
  };
  const sentReminders = async (clock: FakeClock) => {
    const slack = new RecordingGateway("slack");
    const teams = new RecordingGateway("teams");
    await new OutboxWorker({ db: env.db, gateways: { slack, teams }, clock: clock.now }).drain();
    return [...slack.sent, ...teams.sent].filter((m) => m.kind.startsWith("reminder."));
  };

  it("re-pings the queue and its backup when a case stays unclaimed, at the due time and not before", async () => {
    const { clock, service, reminders } = setup();
    const c = await service.escalate(answer(), ASKER, "k-unclaimed");
    const urgent = await service.escalate(answer({ urgent: true }), ASKER, "k-urgent");

    clock.advanceMinutes(4);
    expect(await reminders.fireDue()).toBe(0);
    clock.advanceMinutes(1); // 5 min: the urgent case's delay
    expect(await reminders.fireDue()).toBe(1);
    let sent = await sentReminders(clock);
    expect(sent.every((m) => m.caseId === urgent.id)).toBe(true);
    expect(sent.map((m) => [m.channel, m.target])).toEqual([
      ["slack", { type: "queue", queue: "doe-legal" }],
      ["slack", { type: "user", userId: "UBACKUP001" }],
      ["teams", { type: "queue", queue: "doe-legal" }],
    ]);
    expect(sent[1]!.payload).toMatchObject({ toBackup: true, urgent: true, round: 0, waitingMinutes: 5 });

    clock.advanceMinutes(4); // 9 min
    expect(await reminders.fireDue()).toBe(0);
    clock.advanceMinutes(1); // 10 min: the urgent case's second round
    expect(await reminders.fireDue()).toBe(1);
    clock.advanceMinutes(4); // 14 min
    expect(await reminders.fireDue()).toBe(0);
    clock.advanceMinutes(1); // 15 min: the normal case's delay
    expect(await reminders.fireDue()).toBe(1);
    sent = await sentReminders(clock);
    expect(sent.filter((m) => m.caseId === c.id && m.target.type === "queue")).toHaveLength(2);
    expect(sent.filter((m) => m.caseId === urgent.id)).toHaveLength(3);

    // maxRepeats is 2: the urgent case has had both rounds; the normal one gets its second.
    clock.advanceMinutes(60);
    expect(await reminders.fireDue()).toBe(1);
    expect(await reminders.fireDue()).toBe(0);
    const events = await env.db.prisma.caseEvent.findMany({ where: { kind: "reminder.unclaimed" } });
    expect(events).toHaveLength(4);
  });

  it("stops when the case is claimed and then reminds an idle owner, pushed back by activity", async () => {
    const { clock, service, reminders } = setup();
    const c = await service.escalate(answer(), ASKER, "k-idle");
    clock.advanceMinutes(10);
    await service.claim(c.id, LAWYER);
    clock.advanceMinutes(10);
    expect(await reminders.fireDue()).toBe(0); // the unclaimed reminder was cancelled
    clock.advanceMinutes(90); // 100 min after the claim: a message
    await service.message(c.id, ASKER, "Any news?");
    clock.advanceMinutes(30); // 120 min after the claim, 30 after the message
    expect(await reminders.fireDue()).toBe(0);
    clock.advanceMinutes(90); // 120 min after the message
    expect(await reminders.fireDue()).toBe(1);
    const sent = (await sentReminders(clock)) as Extract<OutboxMessage, { kind: "reminder.idle" }>[];
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ channel: "slack", target: { type: "user", userId: LAWYER.userId } });
    expect(sent[0]!.payload).toMatchObject({ ref: c.ref, idleMinutes: 120, round: 0 });

    await service.resolve(c.id, LAWYER, "advised");
    clock.advanceMinutes(500);
    expect(await reminders.fireDue()).toBe(0);
    expect(await env.db.prisma.reminder.count({ where: { firedAt: null, cancelledAt: null } })).toBe(0);
  });

  it("fires each due reminder once across two instances sharing the database", async () => {
    const clock = new FakeClock();
    const one = setup(clock, env.db, "instance-1");
    const other = await env.second();
    const two = setup(clock, other, "instance-2");
    const cases = [];
    for (let i = 0; i < 6; i++) cases.push(await one.service.escalate(answer(), ASKER, `k-two-${i}`));
    clock.advanceMinutes(15);
    const [a, b, c2, d] = await Promise.all([
      one.reminders.fireDue(),
      two.reminders.fireDue(),
      one.reminders.fireDue(),
      two.reminders.fireDue(),
    ]);
    expect(a + b + c2 + d).toBe(6);
    const events = await env.db.prisma.caseEvent.findMany({ where: { kind: "reminder.unclaimed" } });
    expect(events).toHaveLength(6);
    expect(new Set(events.map((e) => e.caseId)).size).toBe(6);
    const pings = await env.db.prisma.outbox.count({ where: { kind: "reminder.unclaimed" } });
    expect(pings).toBe(6 * 3); // slack channel, slack backup, teams channel
    const fired = await env.db.prisma.reminder.findMany({ where: { firedAt: { not: null } } });
    expect(fired).toHaveLength(6);
    if (name === "postgres") expect(new Set(fired.map((r) => r.lockedBy)).size).toBeGreaterThanOrEqual(1);
  });

  it("runs reminders and the outbox together in the background loop", async () => {
    const { clock, service, reminders } = setup();
    await service.escalate(answer({ urgent: true }), ASKER, "k-loop");
    const slack = new RecordingGateway("slack");
    const outbox = new OutboxWorker({ db: env.db, gateways: { slack }, clock: clock.now });
    const errors: unknown[] = [];
    const loops = startEscalationLoops({ outbox, reminders, intervalMs: 60_000, onError: (e) => errors.push(e) });
    try {
      await loops.tick();
      expect(slack.kinds()).toEqual(["case.card", "asker.notice"]);
      clock.advanceMinutes(5);
      await loops.tick();
      expect(slack.kinds().slice(2)).toEqual(["reminder.unclaimed", "reminder.unclaimed"]);
    } finally {
      await loops.stop();
    }
    expect(errors).toEqual([]);
  });

  it("wires a bot instance with startEscalation", async () => {
    const clock = new FakeClock();
    const config = testConfig();
    const slack = new RecordingGateway("slack");
    const esc = await startEscalation({
      config,
      directory: testDirectory(config),
      gateways: { slack },
      database: env.db,
      clock: clock.now,
      intervalMs: 0,
    });
    try {
      const c = await esc.service.escalate(answer(), ASKER, "k-setup");
      await esc.tick();
      expect(slack.kinds()).toEqual(["case.card", "asker.notice"]);
      await esc.service.claim(c.id, LAWYER);
      clock.advanceMinutes(120);
      await esc.tick();
      expect(slack.kinds().slice(-1)).toEqual(["reminder.idle"]);
      await esc.profiles.set({ platform: "slack", userId: ASKER.userId, role: "doe" });
      expect((await esc.profiles.get("slack", ASKER.userId))?.role).toBe("doe");
    } finally {
      await esc.close();
    }
    expect(await env.db.ping()).toBe(true); // a database passed in stays open
  });
});
