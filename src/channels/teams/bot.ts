/**
 * A Teams bot instance with what it needs behind it, for the composition root:
 *
 * - Served on a server of its own (Teams alone: /api/messages and /healthz on PORT), or on
 *   an existing server (Slack's, so both share one PORT): only POST /api/messages is taken.
 * - Escalation, when settings are given, in one of two ways, never a second lifecycle:
 *   - `shared`: another platform's bot already runs escalation in this process (its
 *     database, EscalationService, reminders). Teams uses that service and adds an outbox
 *     worker of its own that delivers only the Teams rows (workers lease rows, so any
 *     number may run). The embedded PGlite database can be opened only once, so this is
 *     the only way Slack and Teams can run together on it.
 *   - otherwise: it opens the database and starts escalation with the Teams gateway.
 * - The database down at start: Teams answers from the rules core, shows phone numbers
 *   instead of opening cases, and tries again every `retryMs`.
 */
import type { Server } from "node:http";
import type { TeamsConfig } from "../../config/index.js";
import type { Engine } from "../../core/engine.js";
import type { Asker } from "../common/core-thread.js";
import { createDatabase, type Database, type DatabaseOptions } from "../../db/database.js";
import { DatabaseUnavailable } from "../../db/errors.js";
import type { EscalationConfig } from "../../escalation/config.js";
import { configDirectory } from "../../escalation/directory.js";
import { OutboxWorker } from "../../escalation/outbox.js";
import { startEscalationLoops, type RunningLoops } from "../../escalation/runner.js";
import { startEscalation, type Escalation } from "../../escalation/setup.js";
import type { Clock } from "../../escalation/types.js";
import type { Phraser } from "../../phrasing/index.js";
import {
  createTeamsApp,
  MESSAGES_PATH,
  routePath,
  type TeamsApp,
  type TeamsAppOptions,
  type TeamsLogger,
} from "./app.js";

export interface TeamsBotOptions {
  teams: TeamsConfig;
  engine: Engine;
  /** Who answers typed questions: main.ts passes its CoreThread (default: the engine, in this thread). */
  core?: Asker;
  today: () => string;
  phraser?: Phraser;
  /** Validated escalation settings (ESCALATION_CONFIG); undefined runs without escalation. */
  escalation?: EscalationConfig;
  /** Escalation another platform's bot runs in this process; Teams shares it. */
  shared?: { escalation(): Escalation | undefined };
  /** Where the database is when Teams opens it itself (PostgreSQL URL, else a PGlite folder). */
  db?: DatabaseOptions;
  /** An open database to use instead (tests); the bot does not close it. */
  database?: Database;
  /** Serve POST /api/messages on this server (Slack's) instead of listening on teams.port. */
  server?: Server;
  clock?: Clock;
  /** The outbox loop period (default 2000 ms); 0 runs no loop (tests call tick). */
  intervalMs?: number;
  /** How often to look again for a database (or shared escalation) that was not there (default 30 s). */
  retryMs?: number;
  logger?: TeamsLogger;
  /** Tests: see TeamsAppOptions. */
  authSettings?: TeamsAppOptions["authSettings"];
  credentialsFactory?: TeamsAppOptions["credentialsFactory"];
}

export interface RunningTeamsBot {
  app: TeamsApp;
  /** Where /api/messages is served. */
  port: number;
  host: string;
  /** Deliver the Teams outbox now (and, when Teams runs escalation itself, fire due reminders). */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

export async function startTeamsBot(options: TeamsBotOptions): Promise<RunningTeamsBot> {
  const logger: TeamsLogger = options.logger ?? {
    info: (m) => process.stdout.write(`ice-protocol teams: ${m}\n`),
    warn: (m) => process.stderr.write(`ice-protocol teams: ${m}\n`),
    error: (m) => process.stderr.write(`ice-protocol teams: ${m}\n`),
  };
  const app = createTeamsApp({
    config: options.teams,
    engine: options.engine,
    ...(options.core ? { core: options.core } : {}),
    today: options.today,
    logger,
    ...(options.phraser ? { phraser: options.phraser } : {}),
    ...(options.escalation ? { escalationSettings: options.escalation } : {}),
    ...(options.authSettings ? { authSettings: options.authSettings } : {}),
    ...(options.credentialsFactory ? { credentialsFactory: options.credentialsFactory } : {}),
  });
  const settings = options.escalation;
  const intervalMs = options.intervalMs ?? 2000;
  const retryMs = options.retryMs ?? 30_000;

  let lastLoopError = "";
  const onLoopError = (error: unknown) => {
    const text = (error as Error).message ?? String(error);
    if (text !== lastLoopError) logger.warn(`escalation loop: ${text}`);
    lastLoopError = text;
  };

  let own: Escalation | undefined;
  let ownDb: Database | undefined;
  let teamsLoops: RunningLoops | undefined;
  let stopped = false;

  /** Connect escalation once; false while the database (or the shared escalation) is not there. */
  const connect = async (): Promise<boolean> => {
    if (!settings || stopped) return true;
    if (options.shared) {
      const shared = options.shared.escalation();
      if (!shared) return false;
      const outbox = new OutboxWorker({
        db: shared.db,
        gateways: { teams: app.gateway },
        ...(options.clock ? { clock: options.clock } : {}),
      });
      teamsLoops = startEscalationLoops({
        outbox,
        intervalMs: intervalMs > 0 ? intervalMs : 2 ** 31 - 1,
        onError: onLoopError,
      });
      const loops = teamsLoops;
      app.useEscalation({
        service: shared.service,
        profiles: shared.profiles,
        config: settings,
        ...(intervalMs > 0 ? { kick: () => void loops.tick() } : {}),
      });
      return true;
    }
    const db = options.database ?? (await createDatabase(options.db));
    try {
      const escalation = await startEscalation({
        config: settings,
        directory: configDirectory(settings),
        gateways: { teams: app.gateway },
        database: db,
        ...(options.clock ? { clock: options.clock } : {}),
        intervalMs,
        onError: onLoopError,
      });
      own = escalation;
      ownDb = options.database ? undefined : db;
      app.useEscalation({
        service: escalation.service,
        profiles: escalation.profiles,
        config: settings,
        ...(intervalMs > 0 ? { kick: () => void escalation.tick().catch(onLoopError) } : {}),
      });
      return true;
    } catch (error) {
      if (!options.database) await db.close().catch(() => undefined);
      throw error;
    }
  };

  let retry: NodeJS.Timeout | undefined;
  const tryConnect = async (): Promise<boolean> => {
    try {
      return await connect();
    } catch (error) {
      if (error instanceof DatabaseUnavailable) return false;
      throw error;
    }
  };
  if (!(await tryConnect())) {
    logger.warn(
      `escalation is not available yet (${options.shared ? "waiting for the database" : "the database is unavailable"}); answering from the rules and giving phone numbers instead of opening cases`,
    );
    let trying = false;
    retry = setInterval(
      () => {
        if (trying || stopped) return;
        trying = true;
        tryConnect()
          .then((ok) => {
            if (!ok) return;
            clearInterval(retry);
            retry = undefined;
            logger.info("escalation is available");
          }, onLoopError)
          .finally(() => {
            trying = false;
          });
      },
      options.shared ? Math.min(retryMs, 2000) : retryMs,
    );
    retry.unref?.();
  }

  let port: number;
  let host: string;
  let ownServer: Server | undefined;
  if (options.server) {
    routePath(options.server, MESSAGES_PATH, app.handle);
    const address = options.server.address();
    port = typeof address === "object" && address ? address.port : options.teams.port;
    host = options.teams.host ?? "0.0.0.0";
  } else {
    const listening = await app.listen({
      port: options.teams.port,
      ...(options.teams.host ? { host: options.teams.host } : {}),
    });
    ({ port, host } = listening);
    ownServer = listening.server;
  }

  return {
    app,
    port,
    host,
    async tick() {
      if (own) await own.tick();
      if (teamsLoops) await teamsLoops.tick();
    },
    async stop() {
      stopped = true;
      if (retry) clearInterval(retry);
      if (ownServer) await new Promise<void>((resolve) => ownServer!.close(() => resolve()));
      await teamsLoops?.stop();
      await own?.close().catch(() => undefined);
      await ownDb?.close().catch(() => undefined);
    },
  };
}
