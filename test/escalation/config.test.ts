import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, legalPlatforms, loadEscalationConfig } from "../../src/escalation/config.js";

const EXAMPLE = path.join(import.meta.dirname, "../../config/escalation.example.yaml");
const source = readFileSync(EXAMPLE, "utf8");
const dir = mkdtempSync(path.join(tmpdir(), "ice-config-"));

function loadVariant(from: string, to: string): string {
  expect(source).toContain(from);
  const file = path.join(dir, "variant.yaml");
  writeFileSync(file, source.replace(from, to));
  try {
    loadEscalationConfig({ path: file });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).not.toContain("\n");
    return message;
  }
  throw new Error("expected a ConfigError");
}

describe("escalation config", () => {
  it("loads the committed example, with defaults filled in", () => {
    const config = loadEscalationConfig({ path: EXAMPLE });
    expect(Object.keys(config.queues).sort()).toEqual(["agency-counsel", "doe-legal", "nypd-legal"]);
    expect(config.queues["doe-legal"].slack?.channel).toBe("C0DOELEGAL1");
    expect(legalPlatforms(config.queues["doe-legal"])).toEqual(["slack", "teams"]);
    expect(config.queues["nypd-legal"].reminders).toEqual({
      unclaimedMinutes: 15,
      urgentUnclaimedMinutes: 5,
      idleMinutes: 240,
      maxRepeats: 3,
    });
    expect(config.queues["agency-counsel"].reminders.unclaimedMinutes).toBe(30);
    expect(config.retention.resolvedCaseDays).toBe(365);
  });

  it("reads the path from ESCALATION_CONFIG, and says so when it is not set", () => {
    expect(loadEscalationConfig({ env: { ESCALATION_CONFIG: EXAMPLE } }).queues["nypd-legal"].phone).toContain("646");
    expect(() => loadEscalationConfig({ env: {} })).toThrow(/^ESCALATION_CONFIG is not set/);
  });

  it("names the file, line and setting of a malformed value in one line", () => {
    const message = loadVariant("channel: C0NYPDLEGL1", "channel: general");
    expect(message).toMatch(/variant\.yaml:\d+: queues\.nypd-legal\.slack\.channel: must be a Slack channel id/);
    const line = Number(message.match(/yaml:(\d+)/)![1]);
    expect(source.split("\n")[line - 1]).toContain("channel: C0NYPDLEGL1");
  });

  it("names a missing setting", () => {
    expect(loadVariant('    phone: "+1 646-555-0102 (NYPD Legal Bureau)"\n', "")).toMatch(
      /queues\.nypd-legal\.phone: is missing/,
    );
    expect(loadVariant("  nypd-legal:", "  nypd-legals:")).toMatch(
      /queues(\.nypd-legal: is missing|: unknown setting "nypd-legals")/,
    );
  });

  it("refuses unknown settings, bad numbers, empty staff and bad YAML", () => {
    expect(loadVariant("unclaimedMinutes: 30", "unclaimedMinutes: 30\n      bogus: 1")).toMatch(
      /queues\.agency-counsel\.reminders: unknown setting "bogus"/,
    );
    expect(loadVariant("idleMinutes: 240", "idleMinutes: -3")).toMatch(
      /queues\.doe-legal\.reminders\.idleMinutes: must be a positive/,
    );
    expect(loadVariant("users: [U0COUNSEL01, U0COUNSEL02]", "users: []")).toMatch(
      /queues\.agency-counsel\.slack\.staff: must name at least one user or usergroup/,
    );
    expect(loadVariant("queues:", "queues: [")).toMatch(/variant\.yaml:\d+: not valid YAML/);
    expect(loadVariant("urgentUnclaimedMinutes: 10", "urgentUnclaimedMinutes: 60")).toMatch(
      /urgentUnclaimedMinutes must not be longer/,
    );
  });

  it("needs somewhere to post cases", () => {
    const file = path.join(dir, "noplace.json");
    const config = loadEscalationConfig({ path: EXAMPLE });
    const data = JSON.parse(JSON.stringify(config));
    delete data.queues["nypd-legal"].slack;
    writeFileSync(file, JSON.stringify(data));
    expect(() => loadEscalationConfig({ path: file })).toThrow(/queues\.nypd-legal: needs a slack or a teams section/);
  });
});
