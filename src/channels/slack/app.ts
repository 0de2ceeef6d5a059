/**
 * The Slack adapter: a Bolt app whose listeners only translate between Slack and
 * SlackAnswers. HTTP receiver on /slack/events (signature and timestamp checked by Bolt),
 * or Socket Mode when an app token is configured; GET /healthz answers 200 once ready.
 *
 * - `/ice-protocol <question>`: answered inside the acknowledgement (ephemeral), so the
 *   answer arrives with the ack, well inside Slack's 3 seconds, with no extra API call.
 * - Direct messages and @mentions: answered with chat.postMessage (mentions in a thread).
 * - Clicks: acknowledged at once, then the answer is replaced in place, through the click's
 *   response_url for ephemeral answers (they cannot be chat.update'd) or chat.update.
 * - Retried events (same event_id, X-Slack-Retry-Num) are answered once.
 * - With a phraser (phrasing configured), every answer is still sent at once from the rules;
 *   when checked phrasing arrives within its budget the same message is updated in place
 *   (response_url with replace_original for ephemeral answers, chat.update otherwise).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  App,
  HTTPReceiver,
  LogLevel,
  SocketModeReceiver,
  webApi,
  type BlockAction,
  type Logger,
  type SlackActionMiddlewareArgs,
} from "@slack/bolt";
import type { Engine } from "../../core/engine.js";
import type { Asker } from "../common/core-thread.js";
import type { SlackConfig } from "../../config/index.js";
import type { Phraser } from "../../phrasing/index.js";
import { FACT_NAMES, FACT_VALUES, ROLES, type FactName, type Role } from "../../policy/vocabulary.js";
import { SlackAnswers } from "./answers.js";
import {
  ACTIONS,
  errorMessage,
  factValueOfOption,
  homeView,
  roleSavedMessage,
  stateInBlockId,
  type SlackMessage,
} from "./blocks.js";
import { MemorySeenEvents, type SeenEvents } from "./dedupe.js";
import { MemoryProfileStore, type ProfileKey, type ProfileStore } from "./profile-store.js";
import { SlackRoutes } from "./routes.js";
import { decodeState, withFact } from "./state.js";
import { isCasesCommand, registerEscalation, type SlackEscalationOptions } from "./escalation.js";

/** The command the manifest declares; `/ice-protocol-dev` and the like also work for test installs. */
export const COMMAND = /^\/ice-protocol(?:-[a-z0-9-]+)?$/;

export interface SlackAppOptions {
  config: SlackConfig;
  engine: Engine;
  /** Who answers typed questions: a CoreThread on a server (default: the engine, in this thread). */
  core?: Asker;
  today: () => string;
  profiles?: ProfileStore;
  /** Event ids already answered (default: this instance's memory; the bot passes the database's). */
  seenEvents?: SeenEvents;
  /** Cases with legal staff (escalation.ts); without it the escalate button shows who to call. */
  escalation?: SlackEscalationOptions;
  /** Checked phrasing of citations (optional): answers are updated in place when it arrives. */
  phraser?: Phraser;
  logger?: Logger;
  logLevel?: LogLevel;
}

export interface RunningSlackApp {
  app: App;
  /** The HTTP port actually bound (useful with PORT=0). */
  port: number;
  host: string;
  profiles: ProfileStore;
  ready(): boolean;
  stop(): Promise<void>;
}

const SLACK_ERROR =
  "Sorry, I could not answer that just now. If agents are there now: do not consent, do not physically resist, and call your supervisor and counsel.";

/** The bot's own ids: from config, or one auth.test at start (never one per request). */
async function botIdentity(config: SlackConfig, logger?: Logger): Promise<{ botId: string; botUserId: string }> {
  if (config.botId && config.botUserId) return { botId: config.botId, botUserId: config.botUserId };
  const client = new webApi.WebClient(config.botToken, {
    ...(config.apiUrl ? { slackApiUrl: config.apiUrl } : {}),
    ...(logger ? { logger } : {}),
    // A few quick retries, not the client's default of half an hour: a start that cannot reach
    // Slack should say so and exit, so the supervisor restarts it and the logs show why.
    retryConfig: { retries: 3, factor: 2, minTimeout: 500, maxTimeout: 4000 },
  });
  const result = await client.auth.test();
  if (!result.ok || !result.bot_id || !result.user_id) {
    throw new Error(`Slack auth.test did not identify the bot (${result.error ?? "no bot_id"}); check SLACK_BOT_TOKEN`);
  }
  return { botId: result.bot_id, botUserId: result.user_id };
}

function healthHandler(ready: () => boolean) {
  return (_req: IncomingMessage, res: ServerResponse) => {
    const ok = ready();
    res.writeHead(ok ? 200 : 503, { "content-type": "application/json", "cache-control": "no-store" });
    res.end(JSON.stringify({ ok }));
  };
}

function keyOf(team: string | undefined, user: string): ProfileKey {
  return { platform: "slack", tenant: team ?? "-", user };
}

/** Any white space but a single plain space: what plainText collapses to one space. */
const SPACING_TO_FIX = /[^\S ]| {2}/;

/**
 * What someone typed, from Slack's message markup: the bot's own mentions dropped, other
 * mentions and channels as @ and #, links as their label (or address), and &amp; &lt; &gt;
 * back to & < >, so the core reads "ICE & NYPD", not "ICE &amp; NYPD".
 */
export function plainText(text: string, botUserId?: string): string {
  // Most questions are typed plainly: no markup to undo, spacing already single.
  if (!/[<&]/.test(text)) return SPACING_TO_FIX.test(text) ? text.replace(/\s+/g, " ").trim() : text.trim();
  return text
    .replace(/<([@#!])([^|>]+)(?:\|([^>]*))?>/g, (_m, kind: string, id: string, label?: string) =>
      kind === "@" && id === botUserId ? " " : kind === "!" ? (label ?? "") : `${kind}${label ?? "someone"}`,
    )
    .replace(/<([^<>|]+)(?:\|([^<>]*))?>/g, (_m, url: string, label?: string) => label ?? url)
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&amp;", "&")
    .replace(/\s+/g, " ")
    .trim();
}

export async function startSlackApp(options: SlackAppOptions): Promise<RunningSlackApp> {
  const { config, engine, today } = options;
  const profiles = options.profiles ?? new MemoryProfileStore();
  const answers = new SlackAnswers({
    engine,
    ...(options.core ? { core: options.core } : {}),
    today,
    profiles,
    ...(options.phraser ? { phraser: options.phraser } : {}),
  });
  const identity = await botIdentity(config, options.logger);
  let ready = false;
  const isReady = () => ready;
  const health = healthHandler(isReady);
  const logLevel = options.logLevel ?? LogLevel.INFO;
  const common = { ...(options.logger ? { logger: options.logger } : {}), logLevel };

  let healthServer: Server | undefined;
  const receiver =
    config.mode === "socket"
      ? new SocketModeReceiver({
          appToken: config.appToken!,
          ...common,
          ...(config.apiUrl ? { installerOptions: { clientOptions: { slackApiUrl: config.apiUrl } } } : {}),
        })
      : new HTTPReceiver({
          signingSecret: config.signingSecret!,
          endpoints: "/slack/events",
          customRoutes: [{ path: "/healthz", method: ["GET"], handler: health }],
          ...common,
        });

  const app = new App({
    receiver,
    token: config.botToken,
    botId: identity.botId,
    botUserId: identity.botUserId,
    // Nothing of ours uses Bolt's per-conversation store; skipping it saves work on every request.
    convoStore: false,
    clientOptions: { ...(config.apiUrl ? { slackApiUrl: config.apiUrl } : {}) },
    ...common,
  });

  const routes = new SlackRoutes();

  // ---- Retries: Slack resends an event it thinks was missed; answer each event_id once.
  // Only events carry an event_id, so this runs on events, not as middleware on every request.
  const seen = options.seenEvents ?? new MemorySeenEvents();
  routes.filterEvents(async ({ body, context, logger }) => {
    const eventId = (body as { event_id?: unknown }).event_id;
    if (typeof eventId === "string" && !(await seen.firstTime(eventId))) {
      logger.debug(`ignoring a repeat of event ${eventId} (retry ${context.retryNum ?? 0})`);
      return false;
    }
    return true;
  });

  /** When `message` is an answer whose phrasing is on its way: update it in place on arrival. */
  const updateWhenPhrased = (
    message: SlackMessage,
    logger: Logger,
    update: (phrased: SlackMessage) => Promise<unknown>,
  ) => {
    const later = answers.phrasingOf(message);
    if (!later) return;
    void later(async (phrased) => {
      await update(phrased);
    }).then((r) => {
      // The error's name only: never a message body, which may hold the question.
      if (r.error) logger.warn(`could not update an answer with its phrasing: ${(r.error as Error).name}`);
    });
  };

  const cases = registerEscalation(routes, {
    answers,
    ...(options.escalation ? { escalation: options.escalation } : {}),
  });

  // ---- /ice-protocol: the answer is the acknowledgement itself.
  routes.command(COMMAND, async ({ command, ack, respond, logger }) => {
    let message: SlackMessage;
    try {
      const text = plainText(command.text ?? "");
      message = isCasesCommand(text)
        ? await cases.cases(command.user_id)
        : await answers.respondTo(text, keyOf(command.team_id, command.user_id));
    } catch (error) {
      logger.error(`slash command failed: ${(error as Error).message}`);
      message = errorMessage(SLACK_ERROR);
    }
    await ack({ response_type: "ephemeral", ...message });
    updateWhenPhrased(message, logger, (phrased) =>
      respond({ replace_original: true, response_type: "ephemeral", ...phrased }),
    );
  });

  // ---- Direct messages.
  routes.event("message", async ({ event, client, context, logger }) => {
    const m = event as {
      channel_type?: string;
      subtype?: string;
      bot_id?: string;
      user?: string;
      text?: string;
      channel: string;
      team?: string;
      thread_ts?: string;
    };
    // Only messages people typed in a DM with the bot: no edits, deletions or bots. A photo
    // of a warrant sent with a question (file_share) is answered from its text.
    const typed = m.subtype === undefined || m.subtype === "file_share";
    if (m.channel_type !== "im" || !typed || m.bot_id || !m.user || typeof m.text !== "string" || !m.text.trim())
      return;
    if (m.user === context.botUserId) return;
    let message: SlackMessage;
    let thread: string | undefined;
    try {
      const text = plainText(m.text, identity.botUserId);
      // While the asker has a case open, what they write goes to its legal staff.
      const relayed = await cases.relayDirectMessage({
        channel: m.channel,
        user: m.user,
        text,
        ...(m.thread_ts ? { threadTs: m.thread_ts } : {}),
      });
      if (relayed) thread = m.thread_ts;
      message = relayed ?? (await answers.respondTo(text, keyOf(m.team ?? context.teamId, m.user)));
    } catch (error) {
      logger.error(`direct message failed: ${(error as Error).message}`);
      message = errorMessage(SLACK_ERROR);
    }
    const posted = await client.chat.postMessage({
      channel: m.channel,
      ...(thread ? { thread_ts: thread } : {}),
      ...message,
    });
    if (posted.ts) {
      const ts = posted.ts;
      updateWhenPhrased(message, logger, (phrased) =>
        client.chat.update({ channel: posted.channel ?? m.channel, ts, ...phrased }),
      );
    }
  });

  // ---- @mentions in channels: answered in a thread, with a reminder that a DM is private.
  routes.event("app_mention", async ({ event, client, context, logger }) => {
    const m = event as {
      subtype?: string;
      bot_id?: string;
      user?: string;
      text: string;
      channel: string;
      ts: string;
      thread_ts?: string;
      team?: string;
    };
    if (m.subtype !== undefined || m.bot_id || !m.user || m.channel.startsWith("D")) return;
    const text = plainText(m.text, identity.botUserId);
    let message: SlackMessage;
    try {
      message = await answers.respondTo(text, keyOf(m.team ?? context.teamId, m.user), { publicThread: true });
    } catch (error) {
      logger.error(`mention failed: ${(error as Error).message}`);
      message = errorMessage(SLACK_ERROR);
    }
    const posted = await client.chat.postMessage({ channel: m.channel, thread_ts: m.thread_ts ?? m.ts, ...message });
    if (posted.ts) {
      const ts = posted.ts;
      updateWhenPhrased(message, logger, (phrased) =>
        client.chat.update({ channel: posted.channel ?? m.channel, ts, ...phrased }),
      );
    }
  });

  // ---- App Home.
  routes.event("app_home_opened", async ({ event, client, context }) => {
    if (event.tab !== "home") return;
    const role = await answers.roleOf(keyOf(context.teamId, event.user));
    await client.views.publish({ user_id: event.user, view: homeView(role, engine.pack, !!options.escalation) });
  });

  // ---- Clicks that answer again in place.
  type Click = SlackActionMiddlewareArgs<BlockAction>;
  const clickedValue = (action: Click["action"]): string | undefined =>
    "selected_option" in action && action.selected_option
      ? action.selected_option.value
      : "value" in action
        ? action.value
        : undefined;

  const replaceInPlace = async (args: Click & { client: App["client"] }, message: SlackMessage) => {
    const { body, respond, client } = args;
    const container = body.container as { is_ephemeral?: boolean; channel_id?: string; message_ts?: string };
    if (!container.is_ephemeral && container.channel_id && container.message_ts) {
      await client.chat.update({ channel: container.channel_id, ts: container.message_ts, ...message });
    } else {
      await respond({ replace_original: true, response_type: "ephemeral", ...message });
    }
  };
  const isPublicThread = (body: BlockAction) => {
    const container = body.container as { is_ephemeral?: boolean; channel_id?: string };
    return !container.is_ephemeral && !!container.channel_id && !container.channel_id.startsWith("D");
  };
  const whoClicked = (body: BlockAction) => keyOf(body.team?.id ?? body.user.team_id, body.user.id);

  /**
   * A correction, a clarifying answer or a role pick: the answer's state from the clicked
   * block's id, the one fact the action names set to the value clicked, answered again.
   */
  const reanswerClick =
    (remember: (actionId: string) => boolean) => async (args: Click & { client: App["client"] }) => {
      await args.ack();
      const encoded = stateInBlockId(args.action.block_id);
      const base = encoded ? decodeState(encoded) : undefined;
      const fact = factOfAction(args.action.action_id);
      const clicked = clickedValue(args.action);
      // A correction menu's option carries the value's position; clarifying buttons its name.
      const value =
        fact && clicked !== undefined && args.action.action_id.startsWith(ACTIONS.factPrefix)
          ? factValueOfOption(fact, clicked)
          : clicked;
      const who = whoClicked(args.body);
      if (!base || !fact || !value || !(FACT_VALUES[fact] as readonly string[]).includes(value)) {
        await replaceInPlace(
          args,
          errorMessage("This answer is from an older version of the bot. Ask your question again, please."),
        );
        return;
      }
      const state = withFact(base, fact, value as never);
      if (fact === "role" && remember(args.action.action_id) && state.facts.role !== "unknown") {
        await answers.setRole(who, state.facts.role);
      }
      const message = await answers.reanswer(state, fact, who, { publicThread: isPublicThread(args.body) });
      await replaceInPlace(args, message);
      updateWhenPhrased(message, app.logger, (phrased) => replaceInPlace(args, phrased));
    };

  const factOfAction = (id: string): FactName | undefined => {
    const name = id.startsWith(ACTIONS.factPrefix)
      ? id.slice(ACTIONS.factPrefix.length)
      : id.startsWith(ACTIONS.clarifyPrefix)
        ? id.split(":")[1]
        : id === ACTIONS.roleInAnswer
          ? "role"
          : undefined;
    return FACT_NAMES.includes(name as FactName) ? (name as FactName) : undefined;
  };
  routes.action(
    new RegExp(`^${ACTIONS.factPrefix}`),
    reanswerClick(() => false),
  );
  routes.action(
    new RegExp(`^${ACTIONS.clarifyPrefix}`),
    // Answering "Are you with the NYPD?" tells us the asker's role: remember it.
    reanswerClick((id) => id.startsWith(`${ACTIONS.clarifyPrefix}role:`)),
  );
  routes.action(
    ACTIONS.roleInAnswer,
    reanswerClick(() => true),
  );

  routes.action(new RegExp(`^${ACTIONS.examplePrefix}\\d+$`), async (args) => {
    await args.ack();
    const index = Number(args.action.action_id.slice(ACTIONS.examplePrefix.length));
    const message = await answers.askExample(index, whoClicked(args.body), { publicThread: isPublicThread(args.body) });
    if (message) {
      await replaceInPlace(args, message);
      updateWhenPhrased(message, app.logger, (phrased) => replaceInPlace(args, phrased));
    }
  });

  routes.action(ACTIONS.rolePick, async (args) => {
    await args.ack();
    const role = clickedValue(args.action) as Role | undefined;
    if (!role || !ROLES.includes(role)) return;
    await answers.setRole(whoClicked(args.body), role);
    await replaceInPlace(args, roleSavedMessage(role));
  });

  routes.action(ACTIONS.homeRole, async ({ ack, action, body, client }) => {
    await ack();
    const role = clickedValue(action) as Role | undefined;
    if (!role || !ROLES.includes(role)) return;
    const who = whoClicked(body);
    await answers.setRole(who, role);
    await client.views.publish({
      user_id: body.user.id,
      view: homeView(await answers.roleOf(who), engine.pack, !!options.escalation),
    });
  });

  routes.register(app);

  app.error(async (error) => {
    // Never the request body: it may hold the question.
    app.logger.error(`Slack listener error: ${error.code ?? ""} ${error.message}`);
  });

  // ---- Start.
  const host = config.host ?? "0.0.0.0";
  let port: number;
  if (config.mode === "socket") {
    healthServer = createServer((req, res) => {
      if (req.method === "GET" && new URL(req.url ?? "/", "http://localhost").pathname === "/healthz") health(req, res);
      else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((resolve, reject) => {
      healthServer!.once("error", reject);
      healthServer!.listen({ port: config.port, ...(config.host ? { host: config.host } : {}) }, resolve);
    });
    port = (healthServer.address() as AddressInfo).port;
    await app.start();
  } else {
    const server = (await app.start({ port: config.port, ...(config.host ? { host: config.host } : {}) })) as Server;
    port = (server.address() as AddressInfo).port;
  }
  ready = true;

  return {
    app,
    port,
    host,
    profiles,
    ready: isReady,
    async stop() {
      ready = false;
      await app.stop();
      if (healthServer) await new Promise<void>((resolve) => healthServer!.close(() => resolve()));
    },
  };
}
