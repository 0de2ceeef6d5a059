/**
 * manifest.yml must import into Slack as is. It is checked against the manifest fields Slack
 * documents (docs.slack.dev/reference/app-manifest; the same fields as the `Manifest` type of
 * @slack/web-api), strictly, so a misspelt key fails here instead of in Slack's importer,
 * and against what the app actually serves: the command, the events it listens to, the
 * scopes those need (and no more), and the one endpoint path.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { COMMAND } from "../../../src/channels/slack/app.js";

const manifestPath = fileURLToPath(new URL("../../../manifest.yml", import.meta.url));
const PLACEHOLDER = "https://example.invalid/slack/events";

const url = z.url({ protocol: /^https$/ });
const schema = z.strictObject({
  _metadata: z
    .strictObject({ major_version: z.number().int().min(1).max(2), minor_version: z.number().int().optional() })
    .optional(),
  display_information: z.strictObject({
    name: z.string().min(1).max(35),
    description: z.string().max(140).optional(),
    long_description: z.string().min(174).max(4000).optional(),
    background_color: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/)
      .optional(),
  }),
  features: z
    .strictObject({
      app_home: z
        .strictObject({
          home_tab_enabled: z.boolean().optional(),
          messages_tab_enabled: z.boolean().optional(),
          messages_tab_read_only_enabled: z.boolean().optional(),
        })
        .optional(),
      bot_user: z
        .strictObject({ display_name: z.string().min(1).max(80), always_online: z.boolean().optional() })
        .optional(),
      slash_commands: z
        .array(
          z.strictObject({
            command: z.string().regex(/^\/[a-z0-9_-]{1,31}$/),
            url: url.optional(),
            description: z.string().min(1).max(2000),
            usage_hint: z.string().max(1000).optional(),
            should_escape: z.boolean().optional(),
          }),
        )
        .max(50)
        .optional(),
      shortcuts: z.array(z.unknown()).optional(),
      unfurl_domains: z.array(z.string()).optional(),
    })
    .optional(),
  oauth_config: z
    .strictObject({
      redirect_urls: z.array(url).optional(),
      scopes: z.strictObject({ bot: z.array(z.string()).optional(), user: z.array(z.string()).optional() }).optional(),
      token_management_enabled: z.boolean().optional(),
    })
    .optional(),
  settings: z
    .strictObject({
      allowed_ip_address_ranges: z.array(z.string()).optional(),
      event_subscriptions: z
        .strictObject({
          request_url: url.optional(),
          bot_events: z.array(z.string()).optional(),
          user_events: z.array(z.string()).optional(),
        })
        .optional(),
      interactivity: z
        .strictObject({
          is_enabled: z.boolean(),
          request_url: url.optional(),
          message_menu_options_url: url.optional(),
        })
        .optional(),
      org_deploy_enabled: z.boolean().optional(),
      socket_mode_enabled: z.boolean().optional(),
      token_rotation_enabled: z.boolean().optional(),
    })
    .optional(),
});

type Manifest = z.infer<typeof schema>;
const manifest: Manifest = schema.parse(parse(readFileSync(manifestPath, "utf8")));

/** The scope each bot event needs (Slack's events reference). */
const SCOPE_OF_EVENT: Record<string, string | undefined> = {
  app_home_opened: undefined,
  app_mention: "app_mentions:read",
  "message.im": "im:history",
};

describe("manifest.yml", () => {
  it("uses only documented fields, with documented lengths", () => {
    expect(manifest.display_information.name).toBe("ice-protocol");
  });

  it("declares /ice-protocol, which the app answers, pointing at the app's endpoint", () => {
    const commands = manifest.features?.slash_commands ?? [];
    expect(commands.map((c) => c.command)).toEqual(["/ice-protocol"]);
    expect(COMMAND.test(commands[0]!.command)).toBe(true);
    expect(commands[0]!.url).toBe(PLACEHOLDER);
    expect(commands[0]!.should_escape).toBe(false);
  });

  it("subscribes to exactly the bot events the app listens to", () => {
    expect([...(manifest.settings?.event_subscriptions?.bot_events ?? [])].sort()).toEqual([
      "app_home_opened",
      "app_mention",
      "message.im",
    ]);
    expect(manifest.settings?.event_subscriptions?.user_events).toBeUndefined();
  });

  it("asks for least-privilege bot scopes: what the events and replies need, nothing more", () => {
    const scopes = manifest.oauth_config?.scopes?.bot ?? [];
    // usergroups:read: who is legal staff when the escalation settings name a user group.
    const needed = new Set(["commands", "chat:write", "usergroups:read"]);
    for (const event of manifest.settings?.event_subscriptions?.bot_events ?? []) {
      expect(event in SCOPE_OF_EVENT).toBe(true);
      const scope = SCOPE_OF_EVENT[event];
      if (scope) needed.add(scope);
    }
    expect([...scopes].sort()).toEqual([...needed].sort());
    expect(manifest.oauth_config?.scopes?.user).toBeUndefined();
    for (const broad of [
      "channels:history",
      "groups:history",
      "users:read",
      "chat:write.public",
      "im:write",
      "admin",
    ]) {
      expect(scopes).not.toContain(broad);
    }
  });

  it("enables interactivity (buttons, menus) and the App Home tabs people can write in", () => {
    expect(manifest.settings?.interactivity).toEqual({ is_enabled: true, request_url: PLACEHOLDER });
    expect(manifest.features?.app_home).toEqual({
      home_tab_enabled: true,
      messages_tab_enabled: true,
      messages_tab_read_only_enabled: false,
    });
    expect(manifest.features?.bot_user?.display_name).toBeTruthy();
  });

  it("uses the one placeholder URL everywhere, on the path the app serves", () => {
    const text = readFileSync(manifestPath, "utf8");
    const urls = [...text.matchAll(/https?:\/\/[^\s"']+/g)].map((m) => m[0]);
    expect(urls.length).toBeGreaterThanOrEqual(3);
    for (const u of urls.filter((u) => !u.startsWith("https://api.slack.com"))) expect(u).toBe(PLACEHOLDER);
    expect(new URL(PLACEHOLDER).pathname).toBe("/slack/events");
    expect(manifest.settings?.event_subscriptions?.request_url).toBe(PLACEHOLDER);
    expect(manifest.settings?.socket_mode_enabled).toBe(false);
  });
});
