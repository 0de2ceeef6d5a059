import { describe, expect, it } from "vitest";
import { DEFAULT_AZURE_API_VERSION, describePhrasingConfig, loadPhrasingConfig } from "../../src/phrasing/config.js";

describe("phrasing configuration", () => {
  it("is off, without error, when nothing is set", () => {
    const config = loadPhrasingConfig({});
    expect(config).toMatchObject({ enabled: false, reason: "not-configured", problems: [] });
    expect(describePhrasingConfig(config)).toBe("phrasing off (not-configured)");
  });

  it("reads only the object it is given, never process.env", () => {
    const saved = process.env.OPENAI_API_KEY;
    process.env.OPENAI_API_KEY = "sk-from-process-env";
    try {
      expect(loadPhrasingConfig({}).enabled).toBe(false);
    } finally {
      if (saved === undefined) delete process.env.OPENAI_API_KEY;
      else process.env.OPENAI_API_KEY = saved;
    }
  });

  it("uses OpenAI with a key, and a local server with a base URL and any key (or none)", () => {
    expect(loadPhrasingConfig({ OPENAI_API_KEY: "sk-test" })).toMatchObject({
      enabled: true,
      provider: { kind: "openai", apiKey: "sk-test", model: "gpt-4o-mini" },
    });
    expect(loadPhrasingConfig({ OPENAI_BASE_URL: "http://127.0.0.1:11434/v1", OPENAI_MODEL: "llama3" })).toMatchObject({
      enabled: true,
      provider: { kind: "openai", baseURL: "http://127.0.0.1:11434/v1", model: "llama3" },
    });
  });

  it("uses Azure when an endpoint is set, and stays off naming what is missing", () => {
    const azure = loadPhrasingConfig({
      AZURE_OPENAI_ENDPOINT: "https://example.openai.azure.com",
      AZURE_OPENAI_API_KEY: "k",
      AZURE_OPENAI_DEPLOYMENT: "gpt-4o-mini",
    });
    expect(azure).toMatchObject({ enabled: true, provider: { kind: "azure", apiVersion: DEFAULT_AZURE_API_VERSION } });
    expect(describePhrasingConfig(azure)).not.toContain("k,");
    const partial = loadPhrasingConfig({ AZURE_OPENAI_ENDPOINT: "https://example.openai.azure.com" });
    expect(partial).toMatchObject({ enabled: false, reason: "incomplete" });
    if (!partial.enabled)
      expect(partial.problems).toEqual(["AZURE_OPENAI_API_KEY is not set", "AZURE_OPENAI_DEPLOYMENT is not set"]);
  });

  it("reads the tuning knobs, keeps defaults on bad values, and can be switched off", () => {
    const config = loadPhrasingConfig({
      OPENAI_API_KEY: "sk",
      PHRASING_BUDGET_MS: "2500",
      PHRASING_MAX_RETRIES: "1",
      PHRASING_INCLUDE_QUESTION: "true",
      PHRASING_CACHE_SIZE: "lots",
    });
    expect(config).toMatchObject({ budgetMs: 2500, maxRetries: 1, includeQuestion: true, cacheSize: 500 });
    expect(config.warnings).toHaveLength(1);
    expect(loadPhrasingConfig({ OPENAI_API_KEY: "sk" }).includeQuestion).toBe(false);
    expect(loadPhrasingConfig({ OPENAI_API_KEY: "sk", PHRASING_ENABLED: "false" })).toMatchObject({
      enabled: false,
      reason: "disabled",
    });
  });
});
