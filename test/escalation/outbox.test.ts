import { describe, expect, it, vi } from "vitest";
import { OutboxWorker } from "../../src/escalation/outbox.js";
import type { OutboxMessage } from "../../src/escalation/types.js";
import { EscalationService } from "../../src/escalation/service.js";
import { BACKENDS, useBackend } from "../support/backends.js";
import {
  answer,
  ASKER,
  FakeClock,
  LAWYER,
  RecordingGateway,
  slackHttpError,
  testConfig,
  testDirectory,
} from "./fixtures.js";

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

describe.each(BACKENDS)("outbox on %s", (name) => {
  const env = useBackend(name);
  const setup = (db = env.db) => {
    const clock = new FakeClock();
    const config = testConfig();
    const service = new EscalationService({ db, config, directory: testDirectory(config), clock: clock.now });
    return { clock, service, config };
  };
  const slackOnly = (clock: FakeClock, gateway: RecordingGateway, db = env.db, extra = {}) =>
    new OutboxWorker({ db, gateways: { slack: gateway }, clock: clock.now, backoff: { baseMs: 1000 }, ...extra });

  it("retries a Slack 500 and 429 with backoff, then delivers once and records the message id", async () => {
    const { clock, service } = setup();
    const c = await service.escalate(answer(), ASKER, "k-retry");
    const slack = new RecordingGateway("slack");
    slack.failures = [slackHttpError(500), slackHttpError(429, 30)];
    const worker = slackOnly(clock, slack);

    expect(await worker.runOnce()).toMatchObject({ claimed: 1, retried: 1, sent: 0 }); // the card: 500
    expect(await worker.runOnce()).toMatchObject({ claimed: 0 }); // backing off (1 s); the asker notice waits behind it
    clock.advance(1000);
    expect(await worker.runOnce()).toMatchObject({ claimed: 1, retried: 1 }); // 429, Retry-After 30 s
    clock.advance(10_000);
    expect(await worker.runOnce()).toMatchObject({ claimed: 0 }); // honours Retry-After over the 2 s backoff
    clock.advance(20_000);
    expect(await worker.drain()).toMatchObject({ sent: 2, retried: 0, failed: 0 });
    expect(await worker.drain()).toMatchObject({ claimed: 0 });

    expect(slack.kinds()).toEqual(["case.card", "asker.notice"]);
    const card = await env.db.prisma.outbox.findFirstOrThrow({
      where: { caseId: c.id, kind: "case.card", channel: "slack" },
    });
    expect(card).toMatchObject({ attempts: 3, platformMessageId: "slack-msg-1", lockedUntil: null, lastError: null });
    expect(card.sentAt).not.toBeNull();
    // The asker notice went only after the card, and relays thread under it.
    await service.claim(c.id, LAWYER);
    await worker.drain();
    expect(slack.sent.at(-1)!.thread).toBe("slack-msg-1");
  });

  it("sets a row aside after a permanent error, records it on the timeline, and goes on", async () => {
    const { clock, service } = setup();
    const c = await service.escalate(answer(), ASKER, "k-dead");
    const slack = new RecordingGateway("slack");
    slack.failures = [slackHttpError(404)]; // e.g. channel_not_found: not retryable
    const worker = slackOnly(clock, slack);
    expect(await worker.drain()).toMatchObject({ failed: 1, sent: 1 });
    expect(slack.kinds()).toEqual(["asker.notice"]);
    const dead = await env.db.prisma.outbox.findFirstOrThrow({
      where: { caseId: c.id, kind: "case.card", channel: "slack" },
    });
    expect(dead.failedAt).not.toBeNull();
    expect(dead.lastError).toMatch(/404/);
    expect(await env.db.prisma.caseEvent.count({ where: { caseId: c.id, kind: "outbox.failed" } })).toBe(1);

    // Too many retryable failures end the same way.
    const d = await service.escalate(answer({ queue: "nypd-legal" }), ASKER, "k-dead-2");
    slack.failures = Array.from({ length: 3 }, () => slackHttpError(503));
    const impatient = slackOnly(clock, slack, env.db, { maxAttempts: 3 });
    for (let i = 0; i < 3; i++) {
      await impatient.drain();
      clock.advance(60_000);
    }
    const card = await env.db.prisma.outbox.findFirstOrThrow({ where: { caseId: d.id, kind: "case.card" } });
    expect(card).toMatchObject({ attempts: 3 });
    expect(card.failedAt).not.toBeNull();
  });

  it("delivers after a crash between the transaction and the send (restart, and a lost lease)", async () => {
    const { service } = setup();
    const c = await service.escalate(answer(), ASKER, "k-crash");
    // The process dies right after the commit: no worker ran. Restart it.
    const db = await env.restart();
    const clock = new FakeClock();
    const slack = new RecordingGateway("slack");
    // A first worker claims the due rows and dies before sending (its lease is held).
    const doomed = slackOnly(clock, new RecordingGateway("slack"), db, { leaseMs: 30_000 });
    expect(await doomed.claim()).toHaveLength(1);
    const survivor = slackOnly(clock, slack, db, { leaseMs: 30_000 });
    expect(await survivor.runOnce()).toMatchObject({ claimed: 0 }); // leased to the dead worker
    clock.advance(30_000);
    expect(await survivor.drain()).toMatchObject({ sent: 2 });
    expect(slack.kinds()).toEqual(["case.card", "asker.notice"]);
    expect(slack.sent[0]!.caseId).toBe(c.id);
    const rows = await db.prisma.outbox.findMany({ where: { channel: "slack" } });
    expect(rows.every((r) => r.sentAt && r.lockedBy === survivor.workerId)).toBe(true);
  });

  it("never sends a row twice with two workers on one database", async () => {
    const { service } = setup();
    for (let i = 0; i < 8; i++) {
      const c = await service.escalate(answer({ urgent: i % 2 === 0 }), ASKER, `k-two-${i}`);
      await service.claim(c.id, LAWYER);
      await service.message(c.id, ASKER, `message ${i}`);
    }
    const expected = await env.db.prisma.outbox.count({ where: { channel: "slack" } });
    const other = await env.second(); // a second bot instance (its own pool on PostgreSQL)
    const clock = new FakeClock();
    const log: OutboxMessage[] = [];
    const a = new RecordingGateway("slack", log);
    const b = new RecordingGateway("slack", log);
    a.delayMs = 5;
    b.delayMs = 5;
    const workerA = slackOnly(clock, a, env.db, { batchSize: 3 });
    const workerB = slackOnly(clock, b, other, { batchSize: 3 });
    await Promise.all([workerA.drain(), workerB.drain(), workerA.drain(), workerB.drain()]);
    const ids = [...a.sent, ...b.sent].map((m) => m.id);
    expect(ids).toHaveLength(expected);
    expect(new Set(ids).size).toBe(expected);
    if (name === "postgres") {
      expect(a.sent.length).toBeGreaterThan(0);
      expect(b.sent.length).toBeGreaterThan(0);
    }
    // Each case's messages went out in the order they were written, card first.
    for (const caseId of new Set(log.map((m) => m.caseId))) {
      const order = log.filter((m) => m.caseId === caseId);
      expect(order.map((m) => m.id)).toEqual(order.map((m) => m.id).sort((x, y) => x - y));
      expect(order[0]!.kind).toBe("case.card");
      expect(order.slice(1).every((m) => m.thread !== undefined)).toBe(true);
    }
  });
});
