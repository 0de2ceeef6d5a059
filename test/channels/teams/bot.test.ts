/**
 * The Teams bot as the composition root starts it: on a server of its own, or on Slack's
 * server (one PORT, /api/messages taken, every other path left to Slack); with escalation
 * of its own, or sharing the escalation another platform's bot runs in the process (one
 * database, one service and lifecycle; Teams adds a worker that delivers only Teams rows).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeAll, afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createEngine } from "../../../src/core/engine.js";
import { loadPack } from "../../../src/policy/load.js";
import { startTeamsBot, type RunningTeamsBot } from "../../../src/channels/teams/bot.js";
import {
  configDirectory,
  parseEscalationConfig,
  startEscalation,
  type Escalation,
} from "../../../src/escalation/index.js";
import { useBackend } from "../../support/backends.js";
import { RecordingGateway } from "../../escalation/fixtures.js";
import {
  cardOf,
  cardText,
  FakeConnector,
  personal,
  submitAction,
  teamsUser,
  TeamsClient,
} from "../../fakes/bot-connector.js";

vi.setConfig({ testTimeout: 30_000, hookTimeout: 120_000 });

const engine = createEngine(loadPack());
const quiet = { info() {}, warn() {}, error() {} };
const ana = teamsUser("Ana Employee", "11111111-1111-4111-8111-111111111111");
const LAWYER = "aaaaaaaa-0000-4000-8000-00000000aaaa";
const settings = parseEscalationConfig({
  queues: {
    "doe-legal": {
      phone: "+1 212-555-0101",
      slack: { channel: "CDOELEGAL1", staff: { users: ["ULAWYER001"] } },
      teams: { channel: "19:doe@thread.tacv2", staff: { aadObjectIds: [LAWYER] } },
    },
    "nypd-legal": { phone: "+1 646-555-0102", slack: { channel: "CNYPDLEGL1", staff: { users: ["UNYPDLAW01"] } } },
    "agency-counsel": {
      phone: "+1 212-555-0103",
      teams: { channel: "19:counsel@thread.tacv2", staff: { aadObjectIds: [LAWYER] } },
    },
  },
});

const env = useBackend("pglite");
let connector: FakeConnector;
let bot: RunningTeamsBot | undefined;
let other: Escalation | undefined;
let slackServer: Server | undefined;

beforeAll(async () => {
  connector = await new FakeConnector().start();
});
afterAll(async () => {
  await connector.close();
});
beforeEach(() => connector.reset());
afterEach(async () => {
  await bot?.stop();
  await other?.close();
  if (slackServer) await new Promise((r) => slackServer!.close(r));
  bot = undefined;
  other = undefined;
  slackServer = undefined;
});

const teamsConfig = {
  auth: {},
  local: true,
  serviceUrl: "https://smba.trafficmanager.net/teams/",
  port: 0,
  host: "127.0.0.1",
};
const base = { teams: teamsConfig, engine, today: () => "2026-11-22", logger: quiet };

async function escalateFromTeams(client: TeamsClient) {
  const dm = personal(ana);
  await client.say(ana, dm, "role doe");
  await client.say(ana, dm, "ICE agents are at the front desk of my school without a warrant");
  const answer = connector.messages().at(-1)!;
  await client.click(ana, dm, answer.id, submitAction(cardOf(answer.activity), "Escalate to legal"));
  return cardText(cardOf(connector.records.at(-1)!.activity));
}

describe("the Teams bot", () => {
  it("shares Slack's server and port: /api/messages to Teams, everything else to Slack", async () => {
    slackServer = createServer((req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end(`slack saw ${req.method} ${req.url}`);
    });
    await new Promise<void>((r) => slackServer!.listen(0, "127.0.0.1", r));
    const port = (slackServer.address() as AddressInfo).port;
    bot = await startTeamsBot({ ...base, server: slackServer });
    expect(bot.port).toBe(port);
    const client = new TeamsClient(`http://127.0.0.1:${port}/api/messages`, connector);
    expect((await client.say(ana, personal(ana), "help")).status).toBe(200);
    expect(connector.messages()).toHaveLength(1);
    const slack = await fetch(`http://127.0.0.1:${port}/slack/events`, { method: "POST", body: "{}" });
    expect(await slack.text()).toBe("slack saw POST /slack/events");
    expect(await (await fetch(`http://127.0.0.1:${port}/healthz`)).text()).toBe("slack saw GET /healthz");
  });

  it("serves alone with its own escalation on the database", async () => {
    bot = await startTeamsBot({
      ...base,
      teams: { ...teamsConfig, serviceUrl: connector.url },
      escalation: settings,
      database: env.db,
      intervalMs: 0,
    });
    const client = new TeamsClient(`http://127.0.0.1:${bot.port}/api/messages`, connector);
    expect((await fetch(`http://127.0.0.1:${bot.port}/healthz`)).status).toBe(200);
    expect(await escalateFromTeams(client)).toMatch(/Escalated to legal: case ICE-\d{4}-0001 \(doe-legal\)/);
    await bot.tick();
    expect(connector.records.filter((r) => r.kind === "thread").map((r) => r.conversationId)).toEqual([
      expect.stringMatching(/^19:doe@thread\.tacv2;messageid=/),
    ]);
  });

  it("shares the escalation another platform's bot runs: one service, each platform delivering its own rows", async () => {
    const slack = new RecordingGateway("slack");
    other = await startEscalation({
      config: settings,
      directory: configDirectory(settings),
      gateways: { slack },
      database: env.db,
      intervalMs: 0,
    });
    bot = await startTeamsBot({
      ...base,
      teams: { ...teamsConfig, serviceUrl: connector.url },
      escalation: settings,
      shared: { escalation: () => other },
      intervalMs: 0,
    });
    const client = new TeamsClient(`http://127.0.0.1:${bot.port}/api/messages`, connector);
    expect(await escalateFromTeams(client)).toMatch(/Escalated to legal: case ICE-\d{4}-0001/);
    // The other platform's worker delivers its rows (the card to Slack's legal channel) ...
    await other.tick();
    expect(slack.kinds()).toEqual(["case.card"]);
    expect(connector.records.filter((r) => r.kind === "thread")).toEqual([]);
    // ... and the Teams worker the Teams rows: the thread and the asker's notice.
    await bot.tick();
    expect(connector.records.filter((r) => r.kind === "thread")).toHaveLength(1);
    expect(
      connector.records.some(
        (r) =>
          r.conversationId === personal(ana).conversation.id &&
          /was sent to legal staff/.test(cardText(cardOf(r.activity))),
      ),
    ).toBe(true);
    expect(await env.db.prisma.outbox.count({ where: { sentAt: null } })).toBe(0);
  });

  it("answers with phone numbers while the shared escalation is not there yet", async () => {
    bot = await startTeamsBot({
      ...base,
      teams: { ...teamsConfig, serviceUrl: connector.url },
      escalation: settings,
      shared: { escalation: () => undefined },
      intervalMs: 0,
    });
    const client = new TeamsClient(`http://127.0.0.1:${bot.port}/api/messages`, connector);
    expect(await escalateFromTeams(client)).toContain(
      "Escalation is not available right now, so no one has been told.",
    );
  });
});
