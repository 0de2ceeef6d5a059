/**
 * Socket Mode (SLACK_APP_TOKEN): the app opens a WebSocket to the URL apps.connections.open
 * gives it, and Slack's envelopes (slash commands, events) arrive there instead of over
 * HTTP. The fake Slack speaks that protocol; health stays on HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LogLevel } from "@slack/bolt";
import { createEngine } from "../../../src/core/engine.js";
import { loadPack } from "../../../src/policy/load.js";
import { startSlackApp, type RunningSlackApp } from "../../../src/channels/slack/app.js";
import { FakeSlackApi, validateMessage } from "../../fakes/slack-api.js";

const TODAY = "2026-11-22";
const engine = createEngine(loadPack());
let api: FakeSlackApi;
let running: RunningSlackApp;

beforeAll(async () => {
  api = await new FakeSlackApi().start();
  running = await startSlackApp({
    config: {
      mode: "socket",
      appToken: "xapp-test",
      botToken: "xoxb-test",
      apiUrl: api.apiUrl,
      port: 0,
      host: "127.0.0.1",
    },
    engine,
    today: () => TODAY,
    logLevel: LogLevel.ERROR,
  });
  await api.socketConnected();
});

afterAll(async () => {
  await running?.stop();
  await api?.close();
});

describe("Socket Mode", () => {
  it("connects with the app token and serves /healthz over HTTP", async () => {
    const open = api.callsTo("apps.connections.open");
    expect(open.length).toBeGreaterThanOrEqual(1);
    expect(open[0]!.token).toBe("xapp-test");
    expect(api.callsTo("auth.test")).toHaveLength(1);
    const res = await fetch(`http://127.0.0.1:${running.port}/healthz`);
    expect(res.status).toBe(200);
  });

  it("answers a slash command in the envelope's ack", async () => {
    const question = "ICE agents are at the front desk of my school without a warrant";
    const ack = await api.sendEnvelope("slash_commands", {
      team_id: "T0TEAM",
      channel_id: "C0GENERAL",
      user_id: "U0ASKER",
      command: "/ice-protocol",
      text: question,
      response_url: api.responseUrl("socket-1"),
      trigger_id: "1.1.t",
      api_app_id: "A0APP",
    });
    expect(ack.response_type).toBe("ephemeral");
    expect(ack.text).toBe(engine.ask(question, { today: TODAY }).headline);
    expect(validateMessage(ack)).toEqual([]);
  });

  it("answers a DM event once, even when Slack retries it", async () => {
    api.reset();
    const payload = {
      type: "event_callback",
      team_id: "T0TEAM",
      api_app_id: "A0APP",
      event_id: "Ev0SOCKET1",
      event: {
        type: "message",
        channel_type: "im",
        channel: "D0DM",
        user: "U0ASKER",
        text: "ICE is at the clinic door",
        ts: "1700000001.000100",
      },
    };
    await api.sendEnvelope("events_api", payload);
    await api.sendEnvelope("events_api", payload, { retry_attempt: 1, retry_reason: "timeout" });
    const call = await api.waitFor(() => api.callsTo("chat.postMessage")[0]);
    expect(call.args.channel).toBe("D0DM");
    await new Promise((r) => setTimeout(r, 150));
    expect(api.callsTo("chat.postMessage")).toHaveLength(1);
  });
});
