/**
 * `npm start`: the composition root. With SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or
 * SLACK_APP_TOKEN for Socket Mode) it serves the Slack app. With no platform configured it
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
  const [{ startSlackApp }, { createEngine }, { loadPack }] = await Promise.all([
    import("./channels/slack/app.js"),
    import("./core/engine.js"),
    import("./policy/load.js"),
  ]);
  const slack = config.slack;
  let running: Awaited<ReturnType<typeof startSlackApp>>;
  try {
    running = await startSlackApp({ config: slack, engine: createEngine(loadPack()), today: config.today });
  } catch (error) {
    // A bad token, Slack unreachable, the port taken: one line that says which, then exit.
    process.stderr.write(`ice-protocol: the Slack app did not start: ${(error as Error).message}\n`);
    process.exit(1);
  }
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
    running.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));
} else {
  process.exitCode = await runCli(["chat"]);
}
