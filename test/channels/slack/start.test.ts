/**
 * `npm start` (dist/main.js) with Slack configured: the escalation settings are validated at
 * start (one line naming the setting, exit 2), and a database that is down does not stop the
 * bot from starting and answering. Runs the built output; skipped when it is not built.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_DIR } from "../../support/answers.js";
import { tempDirs } from "../../support/tmp.js";

const MAIN = join(REPO_DIR, "dist/main.js");
const EXAMPLE = join(REPO_DIR, "config/escalation.example.yaml");
const tmp = tempDirs();

/** Only what the bot needs: never a developer's or CI's DATABASE_URL. */
function slackEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    SLACK_BOT_TOKEN: "xoxb-test",
    SLACK_SIGNING_SECRET: "secret",
    SLACK_BOT_ID: "B0BOT",
    SLACK_BOT_USER_ID: "U0BOT",
    HOST: "127.0.0.1",
    PORT: "0",
    ...extra,
  };
}

describe("npm start with Slack and escalation", () => {
  it("stops with one line naming the setting when the escalation config is malformed", (ctx) => {
    ctx.skip(!existsSync(MAIN), "dist/main.js is not built (run `npm run build`)");
    const dir = tmp("ice-start-");
    const file = join(dir, "escalation.yaml");
    writeFileSync(file, readFileSync(EXAMPLE, "utf8").replace(/^ {4}phone: .*DOE.*\n/m, ""));
    const child = spawnSync(process.execPath, [MAIN], {
      env: slackEnv({ ESCALATION_CONFIG: file, PGLITE_DATA_DIR: join(dir, "db") }),
      input: "",
      timeout: 15_000,
      encoding: "utf8",
    });
    expect(child.status).toBe(2);
    const lines = child.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/escalation\.yaml:\d+: queues\.doe-legal\.phone: is missing/);
  });

  it("starts with the database down, answers health checks, and stops on SIGTERM", async (ctx) => {
    ctx.skip(!existsSync(MAIN), "dist/main.js is not built (run `npm run build`)");
    const child = spawn(process.execPath, [MAIN], {
      env: slackEnv({ ESCALATION_CONFIG: EXAMPLE, DATABASE_URL: "postgresql://postgres@127.0.0.1:1/ice" }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      const port = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no start within 15 s: ${stdout} ${stderr}`)), 15_000);
        child.stdout.on("data", (d: Buffer) => {
          stdout += d.toString();
          const m = /listening on http:\/\/127\.0\.0\.1:(\d+)\/slack\/events/.exec(stdout);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        });
        child.on("exit", () => reject(new Error(`exited: ${stdout} ${stderr}`)));
      });
      expect(stdout).toMatch(/escalation to legal staff on \(.*escalation\.example\.yaml\); database: PostgreSQL/);
      expect(stderr).toMatch(/the database is unavailable .* giving phone numbers instead of opening cases/);
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });
});
