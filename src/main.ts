/**
 * `npm start`: the composition root. With SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or
 * SLACK_APP_TOKEN for Socket Mode) it serves the Slack app, and with MicrosoftAppId and
 * MicrosoftAppPassword (or TEAMS_LOCAL=1) the Teams bot on /api/messages (on Slack's PORT when
 * both run), with their database (PGlite under
 * ./data/pglite, or DATABASE_URL) and, when ESCALATION_CONFIG names the settings, escalation
 * to legal staff (cases, the outbox and reminder loops), and, when a model is configured
 * (OPENAI_API_KEY / OPENAI_BASE_URL / OPENAI_MODEL, or AZURE_OPENAI_*), checked phrasing of
 * the cited excerpts that updates each answer in place after the rules' answer. With no platform configured it
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

if (config.slack || config.teams) {
  const [{ startSlackBot }, { createEngine }, { loadPack }, escalationConfig, { DEFAULT_DATA_DIR }, phrasingModule] =
    await Promise.all([
      import("./channels/slack/bot.js"),
      import("./core/engine.js"),
      import("./policy/load.js"),
      import("./escalation/config.js"),
      import("./db/database.js"),
      import("./phrasing/index.js"),
    ]);
  const engine = createEngine(loadPack());
  // With a second CPU, the core reads questions on a thread of its own, off the event loop
  // that acks Slack and Teams (see core-thread.ts); if that thread cannot run, or on one
  // CPU, questions are read in this thread.
  const { CoreThread } = await import("./channels/common/core-thread.js");
  const { availableParallelism } = await import("node:os");
  const core =
    availableParallelism() > 1
      ? await CoreThread.start({ engine, onProblem: (text) => process.stderr.write(`ice-protocol: ${text}\n`) })
      : undefined;
  // Phrasing: off (no error, no difference) unless a model is configured; one line says which.
  const phrasingConfig = phrasingModule.loadPhrasingConfig(process.env);
  for (const warning of phrasingConfig.warnings) process.stderr.write(`ice-protocol: ${warning}\n`);
  process.stdout.write(`ice-protocol: ${phrasingModule.describePhrasingConfig(phrasingConfig)}\n`);
  const phraser = phrasingConfig.enabled ? new phrasingModule.PhrasingService(phrasingConfig) : undefined;
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
  const where = "url" in database ? "PostgreSQL (DATABASE_URL)" : `PGlite in ${database.dataDir}`;
  process.stdout.write(
    escalation
      ? `ice-protocol: escalation to legal staff on (${config.escalationConfigPath}); database: ${where}\n`
      : `ice-protocol: escalation not configured (set ESCALATION_CONFIG to open cases with legal staff); database: ${where}\n`,
  );
  /** Stopped last first: Teams (which may share Slack's server and escalation), then Slack, then the core's thread. */
  const running: { stop(): Promise<void> }[] = core ? [core] : [];
  let bot: Awaited<ReturnType<typeof startSlackBot>> | undefined;
  if (config.slack) {
    // In Socket Mode Slack needs no public port, only /healthz; with Teams, Teams takes PORT
    // (and serves /healthz) and Slack's health listens on a loopback port of its own.
    const slack =
      config.teams && config.slack.mode === "socket" ? { ...config.slack, port: 0, host: "127.0.0.1" } : config.slack;
    try {
      bot = await startSlackBot({
        slack,
        engine,
        ...(core ? { core } : {}),
        today: config.today,
        db: database,
        ...(escalation ? { escalation } : {}),
        ...(phraser ? { phraser } : {}),
      });
    } catch (error) {
      // A bad token, Slack unreachable, the port taken, a migration that fails: one line, then exit.
      process.stderr.write(`ice-protocol: the Slack app did not start: ${(error as Error).message}\n`);
      process.exit(1);
    }
    running.unshift(bot);
    const app = bot.slack;
    process.stdout.write(
      slack.mode === "socket"
        ? `ice-protocol: Slack app connected in Socket Mode; health on http://${app.host}:${app.port}/healthz\n`
        : `ice-protocol: Slack app listening on http://${app.host}:${app.port}/slack/events (health: /healthz)\n`,
    );
  }
  if (config.teams) {
    const { startTeamsBot } = await import("./channels/teams/bot.js");
    const slackBot = bot;
    // With Slack over HTTP, Teams shares its server and PORT: Bolt keeps the server it
    // started on its receiver (not public API, so check it is there).
    let server: import("node:http").Server | undefined;
    if (slackBot && config.slack?.mode === "http") {
      server = (slackBot.slack.app as unknown as { receiver?: { server?: import("node:http").Server } }).receiver
        ?.server;
      if (!server || typeof server.listeners !== "function") {
        process.stderr.write("ice-protocol: cannot find the Slack app's HTTP server to serve Teams on the same PORT\n");
        process.exit(1);
      }
    }
    try {
      const teams = await startTeamsBot({
        teams: config.teams,
        engine,
        ...(core ? { core } : {}),
        today: config.today,
        db: database,
        ...(escalation ? { escalation } : {}),
        ...(phraser ? { phraser } : {}),
        // One escalation per process: with Slack running it (and the database), Teams shares it.
        ...(slackBot ? { shared: { escalation: () => slackBot.escalation() } } : {}),
        ...(server ? { server } : {}),
      });
      running.unshift(teams);
      process.stdout.write(
        `ice-protocol: Teams bot on http://${teams.host}:${teams.port}/api/messages (${
          config.teams.local ? "TEAMS_LOCAL=1: requests are not authenticated" : "Bot Framework tokens checked"
        })\n`,
      );
    } catch (error) {
      process.stderr.write(`ice-protocol: the Teams bot did not start: ${(error as Error).message}\n`);
      await Promise.all(running.map((r) => r.stop().catch(() => undefined)));
      process.exit(1);
    }
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`ice-protocol: ${signal}, stopping\n`);
    (async () => {
      for (const r of running) await r.stop();
    })().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));
} else {
  process.exitCode = await runCli(["chat"]);
}
