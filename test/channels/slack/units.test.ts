/** Small parts of the Slack adapter: subcommands, retries, profiles, configuration. */
import { describe, expect, it } from "vitest";
import { parseCommand } from "../../../src/channels/slack/answers.js";
import { plainText } from "../../../src/channels/slack/app.js";
import { RecentIds } from "../../../src/channels/slack/dedupe.js";
import { parseRoleWords } from "../../../src/channels/slack/labels.js";
import { MemoryProfileStore } from "../../../src/channels/slack/profile-store.js";
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
