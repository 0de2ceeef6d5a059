/**
 * `npm start`: the composition root. With SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or
 * SLACK_APP_TOKEN for Socket Mode) it serves the Slack app, with its database (PGlite under
 * ./data/pglite, or DATABASE_URL) and, when ESCALATION_CONFIG names the settings, escalation
 * to legal staff (cases, the outbox and reminder loops). With no platform configured it
 * runs the main job on the embedded defaults: an interactive chat in the terminal on the same
 * core (or, when standard input is not a terminal, usage and a clean exit).
 */
import { runCli } from "./channels/cli/main.js";
import { ConfigError, readConfig, type Config } from "./config/index.js";

let config: Config;
try {
  config = readConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`ice-protocol: ${error.message}\n`);
  process.exit(2);
}

if (config.slack) {
  const [{ startSlackBot }, { createEngine }, { loadPack }, escalationConfig, { DEFAULT_DATA_DIR }] = await Promise.all(
    [
      import("./channels/slack/bot.js"),
      import("./core/engine.js"),
      import("./policy/load.js"),
      import("./escalation/config.js"),
      import("./db/database.js"),
    ],
  );
  const slack = config.slack;
  // Escalation settings: validated now; one line naming the setting, and exit, if one is wrong.
  let escalation: import("./escalation/config.js").EscalationConfig | undefined;
  if (config.escalationConfigPath) {
    try {
      escalation = escalationConfig.loadEscalationConfig({ path: config.escalationConfigPath });
    } catch (error) {
      if (!(error instanceof escalationConfig.ConfigError)) throw error;
      process.stderr.write(`ice-protocol: ${error.message}\n`);
      process.exit(2);
    }
  }
  const database = config.database?.url
    ? { url: config.database.url, env: {} }
    : { dataDir: config.database?.dataDir ?? DEFAULT_DATA_DIR, env: {} };
  let bot: Awaited<ReturnType<typeof startSlackBot>>;
  try {
    bot = await startSlackBot({
      slack,
      engine: createEngine(loadPack()),
      today: config.today,
      db: database,
      ...(escalation ? { escalation } : {}),
    });
  } catch (error) {
    // A bad token, Slack unreachable, the port taken, a migration that fails: one line, then exit.
    process.stderr.write(`ice-protocol: the Slack app did not start: ${(error as Error).message}\n`);
    process.exit(1);
  }
  const running = bot.slack;
  const where = "url" in database ? "PostgreSQL (DATABASE_URL)" : `PGlite in ${database.dataDir}`;
  process.stdout.write(
    escalation
      ? `ice-protocol: escalation to legal staff on (${config.escalationConfigPath}); database: ${where}\n`
      : `ice-protocol: escalation not configured (set ESCALATION_CONFIG to open cases with legal staff); database: ${where}\n`,
  );
  process.stdout.write(
    slack.mode === "socket"
      ? `ice-protocol: Slack app connected in Socket Mode; health on http://${running.host}:${running.port}/healthz\n`
      : `ice-protocol: Slack app listening on http://${running.host}:${running.port}/slack/events (health: /healthz)\n`,
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`ice-protocol: ${signal}, stopping\n`);
    bot.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));
} else {
  process.exitCode = await runCli(["chat"]);
}
