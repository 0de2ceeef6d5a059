/**
 * With credentials configured, /api/messages validates every request's token as botbuilder
 * validates Microsoft's: the fake connector publishes an OpenID document and a signing key
 * (in place of login.botframework.com), and signs tokens as the Bot Connector does. An
 * unsigned, wrongly signed, expired or misaddressed request gets 401 and nothing runs.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { Server } from "node:http";
import type { ServiceClientCredentialsFactory } from "botframework-connector";
import { createEngine } from "../../../src/core/engine.js";
import { loadPack } from "../../../src/policy/load.js";
import { createTeamsApp } from "../../../src/channels/teams/app.js";
import {
  BOT_ISSUER,
  cardOf,
  FakeConnector,
  personal,
  SigningKey,
  teamsUser,
  TeamsClient,
} from "../../fakes/bot-connector.js";

const APP_ID = "6f1c7d3a-0000-4000-8000-00000000b07a";
const engine = createEngine(loadPack());
const quiet = { info() {}, warn() {}, error() {} };

/** Outgoing calls carry a fixed token instead of one from Microsoft Entra (not reachable here). */
const credentialsFactory = {
  isValidAppId: async (id: string) => id === APP_ID,
  isAuthenticationDisabled: async () => false,
  createCredentials: async () => ({
    signRequest: async (request: { headers: { set(name: string, value: string): void } }) => {
      request.headers.set("authorization", "Bearer outbound-test-token");
      return request;
    },
  }),
} as unknown as ServiceClientCredentialsFactory;

let connector: FakeConnector;
let server: Server;
let botUrl: string;
const ana = teamsUser("Ana Employee", "11111111-1111-4111-8111-111111111111");

beforeAll(async () => {
  // botframework-connector prints every token it rejects to the console; the 401s are the test.
  vi.spyOn(console, "error").mockImplementation(() => undefined);
  connector = await new FakeConnector().start();
  const app = createTeamsApp({
    config: {
      auth: { MicrosoftAppId: APP_ID, MicrosoftAppPassword: "not-used", MicrosoftAppType: "MultiTenant" },
      appId: APP_ID,
      local: false,
      serviceUrl: connector.url,
      port: 0,
    },
    engine,
    today: () => "2026-11-22",
    logger: quiet,
    authSettings: connector.authSettings(),
    credentialsFactory,
  });
  const listening = await app.listen({ port: 0, host: "127.0.0.1" });
  server = listening.server;
  botUrl = `http://127.0.0.1:${listening.port}/api/messages`;
});

afterAll(async () => {
  vi.restoreAllMocks();
  await new Promise((r) => server?.close(r));
  await connector?.close();
});

beforeEach(() => connector.reset());

const claims = (serviceUrl: string) => ({ iss: BOT_ISSUER, aud: APP_ID, serviceurl: serviceUrl });
const client = (token?: (activity: Record<string, unknown>) => string | undefined) =>
  new TeamsClient(botUrl, connector, { id: `28:${APP_ID}`, name: "ICE Protocol" }, token);

/** Nothing was processed: no reply, no update, no call to the connector besides key lookups. */
const nothingSent = () => expect(connector.records).toEqual([]);

describe("with credentials configured", () => {
  it("refuses a request without a token: 401, nothing processed", async () => {
    const res = await client().say(ana, personal(ana), "help");
    expect(res.status).toBe(401);
    nothingSent();
  });

  it("refuses a token signed with another key under the published key id: 401", async () => {
    const forger = new SigningKey();
    (forger as { kid: string }).kid = connector.key.kid;
    const res = await client((a) => forger.sign(claims(String(a.serviceUrl)))).say(ana, personal(ana), "help");
    expect(res.status).toBe(401);
    nothingSent();
  });

  it("refuses a token from an unknown key, an expired one, another bot's, another issuer's: 401", async () => {
    const stranger = new SigningKey();
    const cases: ((a: Record<string, unknown>) => string)[] = [
      (a) => stranger.sign(claims(String(a.serviceUrl))),
      (a) => connector.key.sign({ ...claims(String(a.serviceUrl)), exp: Math.floor(Date.now() / 1000) - 3600 }),
      (a) => connector.key.sign({ ...claims(String(a.serviceUrl)), aud: "another-bot" }),
      (a) => connector.key.sign({ ...claims(String(a.serviceUrl)), iss: "https://evil.example" }),
      () => connector.key.sign(claims("https://smba.trafficmanager.net/teams/")), // serviceUrl claim mismatch
      () => "not-a-jwt",
    ];
    for (const token of cases) {
      const res = await client(token).say(ana, personal(ana), "help");
      expect(res.status).toBe(401);
    }
    nothingSent();
  });

  it("answers a request signed as the Bot Connector signs it, replying with the bot's credentials", async () => {
    const res = await client((a) => connector.key.sign(claims(String(a.serviceUrl)))).say(
      ana,
      personal(ana),
      "ICE agents are at the front desk of my school without a warrant",
    );
    expect(res.status).toBe(200);
    expect(connector.rejected).toEqual([]);
    const sent = connector.messages();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.authorization).toBe("Bearer outbound-test-token");
    expect(cardOf(sent[0]!.activity)).toBeDefined();
  });
});
