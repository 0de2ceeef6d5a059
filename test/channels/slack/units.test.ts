/** Small parts of the Slack adapter: subcommands, retries, profiles, configuration. */
import { webApi } from "@slack/bolt";
import { describe, expect, it } from "vitest";
import { parseCommand } from "../../../src/channels/slack/answers.js";
import { plainText } from "../../../src/channels/slack/app.js";
import { RecentIds } from "../../../src/channels/slack/dedupe.js";
import { parseRoleWords } from "../../../src/channels/slack/labels.js";
import { DatabaseProfileStore, MemoryProfileStore } from "../../../src/channels/slack/profile-store.js";
import { isCasesCommand } from "../../../src/channels/slack/escalation.js";
import { deliveryErrorOf, parseMessageId } from "../../../src/channels/slack/gateway.js";
import { SlackRoutes } from "../../../src/channels/slack/routes.js";
import { DatabaseUnavailable } from "../../../src/db/errors.js";
import { ConfigError, readConfig } from "../../../src/config/index.js";

describe("subcommands", () => {
  it("reads help, sources, role and questions", () => {
    expect(parseCommand("")).toEqual({ kind: "help" });
    expect(parseCommand(" Help ")).toEqual({ kind: "help" });
    expect(parseCommand("ayuda")).toEqual({ kind: "help" });
    expect(parseCommand("sources")).toEqual({ kind: "sources" });
    expect(parseCommand("role")).toEqual({ kind: "role" });
    expect(parseCommand("role nypd")).toEqual({ kind: "role", role: "nypd" });
    expect(parseCommand("role School Safety")).toEqual({ kind: "role", role: "nypd" });
    expect(parseCommand("role shelter")).toEqual({ kind: "role", role: "social-services" });
    expect(parseCommand("role clear")).toEqual({ kind: "role", role: "unknown" });
    expect(parseCommand("role astronaut")).toEqual({ kind: "role", unknownWords: "astronaut" });
    expect(parseCommand("role of ICE agents in schools?")).toEqual({
      kind: "ask",
      question: "role of ICE agents in schools?",
    });
    expect(parseCommand("ICE is at the door")).toEqual({ kind: "ask", question: "ICE is at the door" });
  });

  it("knows the words people use for roles", () => {
    expect(parseRoleWords("teacher")).toBe("doe");
    expect(parseRoleWords("Nurse")).toBe("health");
    expect(parseRoleWords("HRA")).toBe("social-services");
    expect(parseRoleWords("lawyer")).toBe("legal");
    expect(parseRoleWords("astronaut")).toBeUndefined();
  });
});

describe("Slack markup", () => {
  it("reads what was typed: the bot's mention dropped, others kept, links as labels, entities unescaped", () => {
    expect(plainText("<@U0BOT> ICE &amp; NYPD are at the door &lt;now&gt;", "U0BOT")).toBe(
      "ICE & NYPD are at the door <now>",
    );
    expect(plainText("<@U0BOT|ice-protocol> help", "U0BOT")).toBe("help");
    expect(
      plainText("ask <@U123> and <#C1|front-desk> about <https://x.example/a|this form> or <https://y.example>"),
    ).toBe("ask @someone and #front-desk about this form or https://y.example");
    expect(plainText("<!here> ICE is in the lobby")).toBe("ICE is in the lobby");
  });

  it("collapses any run of spacing in plain text to one space, and keeps single spaces as they are", () => {
    expect(plainText("  ICE\tis at\n\nthe  door\u00a0now ")).toBe("ICE is at the door now");
    expect(plainText("ICE is at the door")).toBe("ICE is at the door");
    expect(plainText(" \n ")).toBe("");
  });
});

describe("retried events", () => {
  it("lets an id through once within the TTL, and forgets old ids", () => {
    let now = 0;
    const ids = new RecentIds(1000, 3, () => now);
    expect(ids.firstTime("a")).toBe(true);
    expect(ids.firstTime("a")).toBe(false);
    now = 1500;
    expect(ids.firstTime("a")).toBe(true);
    for (const id of ["b", "c", "d", "e"]) ids.firstTime(id);
    expect(ids.size).toBeLessThanOrEqual(3);
  });
});

describe("profiles", () => {
  it("remembers a role per workspace and user, and forgets it", async () => {
    const store = new MemoryProfileStore();
    const key = { platform: "slack" as const, tenant: "T1", user: "U1" };
    expect(await store.getRole(key)).toBeUndefined();
    await store.setRole(key, "doe");
    expect(await store.getRole(key)).toBe("doe");
    expect(await store.getRole({ ...key, tenant: "T2" })).toBeUndefined();
    await store.setRole(key, "unknown");
    expect(await store.getRole(key)).toBeUndefined();
  });
});

describe("configuration", () => {
  it("without Slack settings, there is no Slack (npm start keeps the terminal chat)", () => {
    expect(readConfig({}).slack).toBeUndefined();
  });

  it("HTTP mode with the signing secret and bot token; PORT defaults to 3000, HOST to all interfaces", () => {
    const { slack } = readConfig({ SLACK_SIGNING_SECRET: "s", SLACK_BOT_TOKEN: "xoxb-1" });
    expect(slack).toEqual({ mode: "http", signingSecret: "s", botToken: "xoxb-1", port: 3000 });
  });

  it("Socket Mode with an app token; SLACK_API_URL gets its trailing slash; bot ids from the environment", () => {
    const { slack } = readConfig({
      SLACK_BOT_TOKEN: "xoxb-1",
      SLACK_APP_TOKEN: "xapp-1",
      SLACK_API_URL: "http://127.0.0.1:9999/api",
      SLACK_BOT_ID: "B1",
      SLACK_BOT_USER_ID: "U1",
      PORT: "8080",
      HOST: "127.0.0.1",
    });
    expect(slack).toMatchObject({
      mode: "socket",
      appToken: "xapp-1",
      apiUrl: "http://127.0.0.1:9999/api/",
      botId: "B1",
      botUserId: "U1",
      port: 8080,
      host: "127.0.0.1",
    });
  });

  it("reports half a configuration instead of ignoring it", () => {
    expect(() => readConfig({ SLACK_SIGNING_SECRET: "s" })).toThrow(ConfigError);
    expect(() => readConfig({ SLACK_BOT_TOKEN: "xoxb-1" })).toThrow(/SLACK_SIGNING_SECRET/);
    expect(() => readConfig({ SLACK_BOT_TOKEN: "x", SLACK_SIGNING_SECRET: "s", PORT: "http" })).toThrow(/PORT/);
    expect(() => readConfig({ SLACK_BOT_TOKEN: "x", SLACK_SIGNING_SECRET: "s", SLACK_BOT_ID: "B1" })).toThrow(
      /SLACK_BOT_USER_ID/,
    );
    expect(() => readConfig({ SLACK_BOT_TOKEN: "x", SLACK_SIGNING_SECRET: "s", SLACK_API_URL: "not a url" })).toThrow(
      /SLACK_API_URL/,
    );
    expect(() =>
      readConfig({ SLACK_BOT_TOKEN: "x", SLACK_SIGNING_SECRET: "s", ICE_PROTOCOL_TODAY: "2026-13-01" }),
    ).toThrow(/ICE_PROTOCOL_TODAY/);
  });

  it("pins today with ICE_PROTOCOL_TODAY", () => {
    expect(
      readConfig({ SLACK_BOT_TOKEN: "x", SLACK_SIGNING_SECRET: "s", ICE_PROTOCOL_TODAY: "2019-01-02" }).today(),
    ).toBe("2019-01-02");
  });
});

describe("escalation settings in the environment", () => {
  const slack = { SLACK_BOT_TOKEN: "x", SLACK_SIGNING_SECRET: "s" };

  it("reads ESCALATION_CONFIG, DATABASE_URL and PGLITE_DATA_DIR with Slack", () => {
    expect(readConfig(slack)).toMatchObject({ database: {} });
    expect(readConfig(slack).escalationConfigPath).toBeUndefined();
    expect(
      readConfig({
        ...slack,
        ESCALATION_CONFIG: "config/escalation.yaml",
        DATABASE_URL: "postgresql://bot@db:5432/ice",
        PGLITE_DATA_DIR: "/var/lib/ice",
      }),
    ).toMatchObject({
      escalationConfigPath: "config/escalation.yaml",
      database: { url: "postgresql://bot@db:5432/ice", dataDir: "/var/lib/ice" },
    });
  });

  it("refuses a DATABASE_URL that is not PostgreSQL, naming it", () => {
    expect(() => readConfig({ ...slack, DATABASE_URL: "mysql://db/ice" })).toThrow(/DATABASE_URL/);
  });

  it("without a chat platform, reads none of them (npm start keeps the terminal chat)", () => {
    expect(readConfig({ ESCALATION_CONFIG: "x.yaml", DATABASE_URL: "nope" })).not.toHaveProperty("database");
  });

  it("knows `/ice-protocol cases`", () => {
    for (const text of ["cases", " Cases ", "my cases", "casos", "mis casos"]) expect(isCasesCommand(text)).toBe(true);
    for (const text of ["case", "cases of ICE at schools", "", "help"]) expect(isCasesCommand(text)).toBe(false);
  });
});

describe("the Slack gateway's errors, as the outbox needs them", () => {
  it("429 waits for Retry-After; 5xx and network errors are retried; permanent refusals are not", () => {
    const limited = deliveryErrorOf(new webApi.WebAPIRateLimitedError(30), "card");
    expect(limited).toMatchObject({ retryable: true, retryAfterMs: 30_000 });
    const http500 = deliveryErrorOf(new webApi.WebAPIHTTPError(500, "Internal Server Error", {}, ""), "card");
    expect(http500).toMatchObject({ retryable: true, retryAfterMs: undefined });
    expect(deliveryErrorOf(new webApi.WebAPIHTTPError(400, "Bad Request", {}, ""), "card").retryable).toBe(false);
    for (const error of ["channel_not_found", "not_in_channel", "invalid_blocks", "is_archived", "invalid_auth"]) {
      expect(deliveryErrorOf(new webApi.WebAPIPlatformError({ ok: false, error }), "card").retryable).toBe(false);
    }
    expect(deliveryErrorOf(new webApi.WebAPIPlatformError({ ok: false, error: "internal_error" }), "c").retryable).toBe(
      true,
    );
    expect(deliveryErrorOf(new Error("socket hang up"), "card").retryable).toBe(true);
  });

  it("records messages as <channel>:<ts>", () => {
    expect(parseMessageId("C0LEGAL:1700000000.000100")).toEqual({ channel: "C0LEGAL", ts: "1700000000.000100" });
    expect(parseMessageId("1700000000.000100")).toBeUndefined();
    expect(parseMessageId(undefined)).toBeUndefined();
  });
});

describe("roles kept in the database", () => {
  const key = { platform: "slack" as const, tenant: "T1", user: "U1" };

  it("reads and writes the database store, and keeps answering from memory while it is down", async () => {
    const rows = new Map<string, string>();
    let down = false;
    const store = {
      async get(_platform: string, userId: string) {
        if (down) throw new DatabaseUnavailable("down");
        const role = rows.get(userId);
        return role ? { role: role as "doe" } : null;
      },
      async set(p: { userId: string; role: string }) {
        if (down) throw new DatabaseUnavailable("down");
        rows.set(p.userId, p.role);
      },
    };
    const errors: unknown[] = [];
    const profiles = new DatabaseProfileStore({ store: () => store, onError: (e) => errors.push(e) });
    await profiles.setRole(key, "doe");
    expect(rows.get("U1")).toBe("doe");
    expect(await profiles.getRole(key)).toBe("doe");
    down = true;
    expect(await profiles.getRole(key)).toBe("doe");
    await profiles.setRole(key, "nypd");
    expect(await profiles.getRole(key)).toBe("nypd");
    expect(errors.length).toBeGreaterThan(0);
    down = false;
    await profiles.setRole(key, undefined);
    expect(rows.get("U1")).toBe("unknown");
    expect(await profiles.getRole(key)).toBeUndefined();
  });

  it("asks the database once per person in a burst of questions, and sees another instance's change later", async () => {
    const rows = new Map<string, string>([["U1", "doe"]]);
    let lookups = 0;
    const store = {
      async get(_platform: string, userId: string) {
        lookups++;
        const role = rows.get(userId);
        return role ? { role: role as "doe" } : null;
      },
      async set(p: { userId: string; role: string }) {
        rows.set(p.userId, p.role);
      },
    };
    let now = 1_000_000;
    const profiles = new DatabaseProfileStore({ store: () => store, freshMs: 30_000, now: () => now });
    for (let i = 0; i < 5; i++) expect(await profiles.getRole(key)).toBe("doe");
    expect(lookups).toBe(1);
    // Someone without a role is not looked up on every question either.
    const nobody = { ...key, user: "U2" };
    expect(await profiles.getRole(nobody)).toBeUndefined();
    expect(await profiles.getRole(nobody)).toBeUndefined();
    expect(lookups).toBe(2);
    // Another instance changes the role: it shows once the remembered one is no longer fresh.
    rows.set("U1", "health");
    now += 10_000;
    expect(await profiles.getRole(key)).toBe("doe");
    now += 25_000;
    expect(await profiles.getRole(key)).toBe("health");
    expect(lookups).toBe(3);
    // A role set here is answered at once, without a lookup.
    await profiles.setRole(key, "nypd");
    expect(await profiles.getRole(key)).toBe("nypd");
    expect(lookups).toBe(3);
  });

  it("answers from memory when the database is slow, so an answer never waits for it", async () => {
    const slow = { get: () => new Promise<never>(() => undefined), set: () => new Promise<never>(() => undefined) };
    const profiles = new DatabaseProfileStore({ store: () => slow, timeoutMs: 50 });
    const started = Date.now();
    await profiles.setRole(key, "health");
    expect(await profiles.getRole(key)).toBe("health");
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe("routes", () => {
  /** What SlackRoutes installs in Bolt, and a way to send it a request as Bolt would. */
  const boltWith = (routes: SlackRoutes) => {
    const middleware: ((args: unknown) => Promise<void>)[] = [];
    const listeners: unknown[] = [];
    const app = {
      use: (m: (args: unknown) => Promise<void>) => middleware.push(m),
      action: (...args: unknown[]) => listeners.push(args),
      command: (...args: unknown[]) => listeners.push(args),
      view: (...args: unknown[]) => listeners.push(args),
      event: (...args: unknown[]) => listeners.push(args),
    };
    routes.register(app as never);
    let passedOn = 0;
    const send = (args: object) => middleware[0]!({ ...args, next: async () => void passedOn++ });
    const click = (actionId: string) => send({ body: { type: "block_actions" }, action: { action_id: actionId } });
    return { middleware, listeners, send, click, passedOn: () => passedOn };
  };

  it("puts every request behind one Bolt middleware, and runs each handler whose id matches", async () => {
    const ran: string[] = [];
    const routes = new SlackRoutes();
    routes.command(/^\/ice-protocol$/, async ({ command }) => void ran.push(`command ${command.text}`));
    routes.action("escalate", async () => void ran.push("escalate"));
    routes.action(/^fact:/, async ({ action }) => void ran.push(`fact ${action.action_id}`));
    routes.action(/^fact:place$/, async () => void ran.push("place too"));
    routes.view("case-message", async () => void ran.push("modal"));
    routes.event("app_home_opened", async () => void ran.push("home"));
    const bolt = boltWith(routes);
    expect([bolt.middleware.length, bolt.listeners.length]).toEqual([1, 0]);
    await bolt.send({ body: { command: "/ice-protocol" }, command: { text: "help" } });
    await bolt.click("escalate");
    await bolt.click("fact:place");
    await bolt.send({ body: { type: "view_submission" }, view: { callback_id: "case-message" } });
    await bolt.send({ body: { type: "event_callback" }, event: { type: "app_home_opened" } });
    expect(ran).toEqual(["command help", "escalate", "fact fact:place", "place too", "modal", "home"]);
    // What nobody handles goes on to Bolt, unacknowledged, as with unmatched listeners.
    await bolt.click("nobody-handles-this");
    await bolt.send({ body: { command: "/other-app" }, command: { text: "" } });
    await bolt.send({ body: { type: "event_callback" }, event: { type: "reaction_added" } });
    expect(bolt.passedOn()).toBe(3);
  });

  it("drops an event its filter refuses (a retry already answered)", async () => {
    const ran: string[] = [];
    const routes = new SlackRoutes();
    routes.event("message", async () => void ran.push("answered"));
    routes.filterEvents(({ body }) => (body as { event_id?: string }).event_id !== "Ev0SEEN");
    const bolt = boltWith(routes);
    await bolt.send({ body: { type: "event_callback", event_id: "Ev0NEW" }, event: { type: "message" } });
    await bolt.send({ body: { type: "event_callback", event_id: "Ev0SEEN" }, event: { type: "message" } });
    expect(ran).toEqual(["answered"]);
  });

  it("reports a failing handler to Bolt, as a failing listener would be", async () => {
    const routes = new SlackRoutes();
    routes.action("escalate", async () => {
      throw new Error("refused");
    });
    await expect(boltWith(routes).click("escalate")).rejects.toThrow("refused");
  });
});
