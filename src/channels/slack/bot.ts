/**
 * A Slack bot instance with everything behind it: the database (profiles, cases), escalation
 * to legal staff when configured (the service, the Slack gateway for the outbox, the legal
 * directory with Slack user groups, the outbox and reminder loops), and the Slack app.
 *
 * - No escalation settings: the database still keeps roles; the escalate button shows who to
 *   call and says escalation is not configured.
 * - The database down at start (DatabaseUnavailable): the bot starts anyway, answers from the
 *   rules core, keeps roles in memory, gives the queue's phone number instead of opening a
 *   case, and tries the database again every `retryMs` until it opens.
 * - A migration that fails, or any other error, stops the start.
 */
import type { Logger, LogLevel } from "@slack/bolt";
import type { SlackConfig } from "../../config/index.js";
import type { Engine } from "../../core/engine.js";
import type { Asker } from "../common/core-thread.js";
import { createDatabase, type Database, type DatabaseOptions } from "../../db/database.js";
import { DatabaseUnavailable } from "../../db/errors.js";
import type { EscalationConfig } from "../../escalation/config.js";
import type { Phraser } from "../../phrasing/index.js";
import { configDirectory } from "../../escalation/directory.js";
import { ProfileStore as StoredProfileStore } from "../../escalation/profiles.js";
import { SeenEventStore } from "../../escalation/seen-events.js";
import { startEscalation, type Escalation } from "../../escalation/setup.js";
import type { Clock } from "../../escalation/types.js";
import { startSlackApp, type RunningSlackApp } from "./app.js";
import { SlackGateway, slackGroupMembers } from "./gateway.js";
import { DatabaseProfileStore } from "./profile-store.js";
import { DatabaseSeenEvents } from "./dedupe.js";

export interface SlackBotOptions {
  slack: SlackConfig;
  engine: Engine;
  /** Who answers typed questions: main.ts passes its CoreThread (default: the engine, in this thread). */
  core?: Asker;
  today: () => string;
  /** Validated escalation settings (ESCALATION_CONFIG); undefined runs without escalation. */
  escalation?: EscalationConfig;
  /** Checked phrasing of citations (optional; main.ts builds it from the environment). */
  phraser?: Phraser;
  /** Where the database is: a PostgreSQL URL, else a PGlite folder (default ./data/pglite). */
  db?: DatabaseOptions;
  /** An open database to use instead (tests); the bot does not close it. */
  database?: Database;
  clock?: Clock;
  /** The outbox and reminder loop period (default 2000 ms); 0 runs no loop (tests call tick). */
  intervalMs?: number;
  /** How often to try a database that was down at start again (default 30 s). */
  retryMs?: number;
  logger?: Logger;
  logLevel?: LogLevel;
}

export interface RunningSlackBot {
  slack: RunningSlackApp;
  /** The escalation machinery, once the database is open (undefined without settings or while down). */
  escalation(): Escalation | undefined;
  database(): Database | undefined;
  /** Fire due reminders and deliver the outbox now. */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

export async function startSlackBot(options: SlackBotOptions): Promise<RunningSlackBot> {
  const { slack, escalation: settings } = options;
  const warn = (text: string) =>
    options.logger ? options.logger.warn(text) : process.stderr.write(`ice-protocol: ${text}\n`);

  // Loop errors repeat every tick while the database is down: say each different one once.
  let lastLoopError = "";
  const onLoopError = (error: unknown) => {
    const text = (error as Error).message ?? String(error);
    if (text !== lastLoopError) warn(`escalation loop: ${text}`);
    lastLoopError = text;
  };

  const gateway = settings
    ? new SlackGateway({
        botToken: slack.botToken,
        ...(slack.apiUrl ? { apiUrl: slack.apiUrl } : {}),
        config: settings,
        ...(options.logger ? { logger: options.logger } : {}),
      })
    : undefined;
  const directory =
    settings && gateway
      ? configDirectory(settings, {
          groupMembers: slackGroupMembers(gateway.client, options.logger ? { logger: options.logger } : {}),
        })
      : undefined;

  let database: Database | undefined;
  let escalation: Escalation | undefined;
  let profiles: StoredProfileStore | undefined;
  let seenEvents: SeenEventStore | undefined;
  let lastEventError = "";
  let stopped = false;

  const connect = async (): Promise<void> => {
    const db = options.database ?? (await createDatabase(options.db));
    try {
      if (settings && gateway && directory) {
        const esc = await startEscalation({
          config: settings,
          directory,
          gateways: { slack: gateway },
          database: db,
          ...(options.clock ? { clock: options.clock } : {}),
          intervalMs: options.intervalMs ?? 2000,
          onError: onLoopError,
        });
        if (stopped) {
          await esc.close();
          throw new Error("stopped");
        }
        escalation = esc;
        profiles = esc.profiles;
      } else {
        profiles = new StoredProfileStore({ db, ...(options.clock ? { clock: options.clock } : {}) });
      }
      seenEvents = new SeenEventStore({ db, ...(options.clock ? { clock: options.clock } : {}) });
      database = db;
    } catch (error) {
      if (!options.database) await db.close().catch(() => undefined);
      throw error;
    }
  };

  let retry: NodeJS.Timeout | undefined;
  try {
    await connect();
  } catch (error) {
    if (!(error instanceof DatabaseUnavailable)) throw error;
    warn(
      `the database is unavailable (${error.message}); answering from the rules${
        settings ? " and giving phone numbers instead of opening cases" : ""
      }, and trying again every ${Math.round((options.retryMs ?? 30_000) / 1000)} s`,
    );
    let trying = false;
    retry = setInterval(() => {
      if (trying || stopped) return;
      trying = true;
      connect()
        .then(
          () => {
            clearInterval(retry);
            retry = undefined;
            warn("the database is available again");
          },
          () => undefined,
        )
        .finally(() => {
          trying = false;
        });
    }, options.retryMs ?? 30_000);
    retry.unref?.();
  }

  const stopBackground = async () => {
    stopped = true;
    if (retry) clearInterval(retry);
    await escalation?.close().catch(() => undefined);
    if (!options.database) await database?.close().catch(() => undefined);
  };

  let running: RunningSlackApp;
  try {
    running = await startSlackApp({
      config: slack,
      engine: options.engine,
      ...(options.core ? { core: options.core } : {}),
      today: options.today,
      profiles: new DatabaseProfileStore({ store: () => profiles }),
      seenEvents: new DatabaseSeenEvents({
        store: () => seenEvents,
        // Said once per different error: while the database is down, every event would repeat it.
        onError: (error) => {
          const text = `could not check an event id in the database (answering it anyway): ${(error as Error).message}`;
          if (text !== lastEventError) warn(text);
          lastEventError = text;
        },
      }),
      ...(options.phraser ? { phraser: options.phraser } : {}),
      ...(settings
        ? {
            escalation: {
              config: settings,
              service: () => escalation?.service,
              // With a loop running, deliver at once what a click wrote (the card updates in a
              // second, not on the next tick); without one (tests), the caller ticks.
              ...(options.intervalMs === 0 ? {} : { kick: () => void escalation?.tick().catch(onLoopError) }),
            },
          }
        : {}),
      ...(options.logger ? { logger: options.logger } : {}),
      ...(options.logLevel ? { logLevel: options.logLevel } : {}),
    });
  } catch (error) {
    await stopBackground();
    throw error;
  }

  return {
    slack: running,
    escalation: () => escalation,
    database: () => database,
    tick: async () => {
      await escalation?.tick();
    },
    async stop() {
      await running.stop();
      await stopBackground();
    },
  };
}
