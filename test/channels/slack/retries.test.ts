/**
 * Slack retries an event it thinks went unanswered, with the same event_id, and behind a load
 * balancer the retry may reach another instance. Two real bots (Bolt HTTP receivers on
 * 127.0.0.1) share one database, PGlite and a real PostgreSQL server; the fake Slack Web API
 * records what they send. The check fails open: with the database failing, an event is
 * answered (twice at worst), never dropped.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { LogLevel } from "@slack/bolt";
import { startSlackBot, type RunningSlackBot } from "../../../src/channels/slack/bot.js";
import { DatabaseSeenEvents } from "../../../src/channels/slack/dedupe.js";
import { createEngine } from "../../../src/core/engine.js";
import type { Database } from "../../../src/db/index.js";
import { SeenEventStore, SEEN_EVENT_KEEP_MS } from "../../../src/escalation/seen-events.js";
import { loadPack } from "../../../src/policy/load.js";
import { BACKENDS, useBackend } from "../../support/backends.js";
import { FakeClock } from "../../escalation/fixtures.js";
import { FakeSlackApi, SlackSender, httpBotConfig, quietLogger } from "../../fakes/slack-api.js";

vi.setConfig({ testTimeout: 30_000, hookTimeout: 120_000 });

const SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
const engine = createEngine(loadPack());
const DM = {
  type: "message",
  channel_type: "im",
  channel: "D0DM",
  user: "U0ASKER",
  text: "ICE is at the door of the clinic and they want to come in",
  ts: "1700000008.000100",
};

async function bot(api: FakeSlackApi, database: Database): Promise<{ bot: RunningSlackBot; slack: SlackSender }> {
  const running = await startSlackBot({
    slack: httpBotConfig(api, SECRET),
    engine,
    today: () => "2026-11-22",
    database,
    intervalMs: 0,
    logLevel: LogLevel.ERROR,
    logger: quietLogger(),
  });
  return { bot: running, slack: new SlackSender(`http://127.0.0.1:${running.slack.port}/slack/events`, SECRET, api) };
}

const settle = () => new Promise((r) => setTimeout(r, 150));

describe.each(BACKENDS)("Slack retries across instances on %s", (name) => {
  const env = useBackend(name);
  let api: FakeSlackApi;
  const bots: RunningSlackBot[] = [];

  beforeAll(async () => {
    api = await new FakeSlackApi().start();
  });
  afterAll(async () => {
    await api?.close();
  });
  afterEach(async () => {
    await Promise.all(bots.splice(0).map((b) => b.stop()));
    api.reset();
  });

  it("answers an event once when its retry reaches another instance", async () => {
    const a = await bot(api, env.db);
    const b = await bot(api, await env.second());
    bots.push(a.bot, b.bot);
    const first = await a.slack.event(DM, { eventId: "Ev0SHARED01" });
    await api.waitFor(() => api.callsTo("chat.postMessage")[0]);
    const retry = await b.slack.event(DM, { eventId: "Ev0SHARED01", retryNum: 1 });
    const retryAgain = await a.slack.event(DM, { eventId: "Ev0SHARED01", retryNum: 2 });
    expect([first.status, retry.status, retryAgain.status]).toEqual([200, 200, 200]);
    await settle();
    expect(api.callsTo("chat.postMessage")).toHaveLength(1);

    // A different event is answered, by whichever instance gets it.
    await b.slack.event({ ...DM, ts: "1700000009.000100" }, { eventId: "Ev0SHARED02" });
    await api.waitFor(() => api.callsTo("chat.postMessage")[1]);
    expect(api.callsTo("chat.postMessage")).toHaveLength(2);
  });

  it("keeps event ids an hour, then deletes them", async () => {
    const clock = new FakeClock();
    const store = new SeenEventStore({ db: env.db, clock: clock.now });
    expect(await store.firstTime("slack", "Ev0KEEP01")).toBe(true);
    expect(await store.firstTime("slack", "Ev0KEEP01")).toBe(false);
    expect(await store.firstTime("teams", "Ev0KEEP01")).toBe(true);
    clock.advance(SEEN_EVENT_KEEP_MS - 1000);
    expect(await store.purge()).toBe(0);
    clock.advance(2000);
    expect(await store.purge()).toBe(2);
    expect(await env.db.prisma.seenEvent.count()).toBe(0);
  });
});

describe("checking event ids when the database fails", () => {
  it("answers the event (once per instance) when the database throws or hangs", async () => {
    const errors: unknown[] = [];
    const failing = new DatabaseSeenEvents({
      store: () => ({ firstTime: () => Promise.reject(new Error("connection refused")) }),
      onError: (e) => errors.push(e),
    });
    expect(await failing.firstTime("Ev0DOWN01")).toBe(true);
    // This instance saw it already: a repeat it can tell without the database.
    expect(await failing.firstTime("Ev0DOWN01")).toBe(false);
    expect(errors).toHaveLength(1);

    const hanging = new DatabaseSeenEvents({
      store: () => ({ firstTime: () => new Promise<boolean>(() => undefined) }),
      timeoutMs: 50,
      onError: (e) => errors.push(e),
    });
    expect(await hanging.firstTime("Ev0SLOW01")).toBe(true);
    expect(String(errors[1])).toMatch(/event database took more than 50 ms/);
  });

  it("drops a repeat the database has seen, and answers while there is no database", async () => {
    const seenElsewhere = new DatabaseSeenEvents({ store: () => ({ firstTime: async () => false }) });
    expect(await seenElsewhere.firstTime("Ev0OTHER01")).toBe(false);
    const none = new DatabaseSeenEvents({ store: () => undefined });
    expect(await none.firstTime("Ev0NONE01")).toBe(true);
  });
});
