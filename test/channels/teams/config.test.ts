/**
 * The Teams settings read at start: the Bot Framework variables botbuilder reads, local mode
 * only without credentials and never in production, and half a configuration reported in
 * one line instead of a bot that cannot answer.
 */
import { describe, expect, it } from "vitest";
import { ConfigError, readConfig, TEAMS_DEFAULT_SERVICE_URL } from "../../../src/config/index.js";

const APP = { MicrosoftAppId: "6f1c7d3a-0000-4000-8000-00000000b07a", MicrosoftAppPassword: "secret" };

describe("Teams settings", () => {
  it("are absent without any Teams variable", () => {
    expect(readConfig({}).teams).toBeUndefined();
  });

  it("pass the Bot Framework variables through, and serve Teams alone on PORT", () => {
    const config = readConfig({ ...APP, MicrosoftAppType: "SingleTenant", MicrosoftAppTenantId: "t-1", PORT: "3978" });
    expect(config.slack).toBeUndefined();
    expect(config.teams).toEqual({
      auth: { ...APP, MicrosoftAppType: "SingleTenant", MicrosoftAppTenantId: "t-1" },
      appId: APP.MicrosoftAppId,
      local: false,
      serviceUrl: TEAMS_DEFAULT_SERVICE_URL,
      tenantId: "t-1",
      port: 3978,
    });
  });

  it("run without credentials only with TEAMS_LOCAL=1, and never in production", () => {
    expect(readConfig({ TEAMS_LOCAL: "1" }).teams).toMatchObject({ local: true, auth: {} });
    expect(() => readConfig({ TEAMS_LOCAL: "1", NODE_ENV: "production" })).toThrow(/refused when NODE_ENV=production/);
    expect(() => readConfig({ TEAMS_LOCAL: "1", ...APP })).toThrow(ConfigError);
    expect(() => readConfig({ TEAMS_LOCAL: "yes" })).toThrow(/TEAMS_LOCAL must be 1 or 0/);
  });

  it("report half a configuration in one line", () => {
    expect(() => readConfig({ MicrosoftAppPassword: "x" })).toThrow(/MicrosoftAppId is not set/);
    expect(() => readConfig({ MicrosoftAppId: APP.MicrosoftAppId })).toThrow(/MicrosoftAppPassword is not set/);
    expect(() => readConfig({ ...APP, MicrosoftAppType: "SingleTenant" })).toThrow(/needs MicrosoftAppTenantId/);
    expect(() => readConfig({ ...APP, MicrosoftAppType: "Single" })).toThrow(/MicrosoftAppType must be one of/);
    expect(() => readConfig({ ...APP, TEAMS_SERVICE_URL: "http://insecure.example/" })).toThrow(/must be https/);
    expect(readConfig({ MicrosoftAppId: APP.MicrosoftAppId, MicrosoftAppType: "UserAssignedMSI" }).teams?.local).toBe(
      false,
    );
  });
});
