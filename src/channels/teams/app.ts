/**
 * The Teams adapter: botbuilder's CloudAdapter behind POST /api/messages, with a turn
 * handler that only translates between Teams and the core (and escalation).
 *
 * - Authentication: ConfigurationBotFrameworkAuthentication fed the Bot Framework settings
 *   (MicrosoftAppId, ...): with an app id, every request's JWT is validated (signature,
 *   issuer, audience, endorsements, serviceUrl claim) and a bad one gets 401 before anything
 *   runs. Without credentials only in local mode (TEAMS_LOCAL=1).
 * - Malformed requests (not JSON, not an activity, too large) get a 4xx here: botbuilder's
 *   process() rejects on an activity without a type instead of answering.
 * - 1:1 chats, and @mentions in channels and group chats (answered in the thread, the
 *   mention removed): help, role, sources, cases, or a question answered with an Adaptive
 *   Card. Card buttons (Action.Submit) come back as messages with a `value`: clarifying
 *   answers, corrections and the role re-answer and replace the card in place.
 * - Escalate to legal opens a case through the EscalationService; legal staff claim, message,
 *   resolve and reopen from the case card in their channel (see gateway.ts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, TurnContext, type Activity } from "botbuilder";
import {
  AuthenticationError,
  type AuthenticateRequestResult,
  type ServiceClientCredentialsFactory,
} from "botframework-connector";
import type { Answer } from "../../core/decide.js";
import type { Engine } from "../../core/engine.js";
import type { Asker } from "../common/core-thread.js";
import type { TeamsConfig } from "../../config/index.js";
import { DatabaseUnavailable, EscalationError } from "../../escalation/errors.js";
import type { EscalationService } from "../../escalation/service.js";
import type { ProfileStore } from "../../escalation/profiles.js";
import type { EscalationConfig } from "../../escalation/config.js";
import type { CaseView } from "../../escalation/types.js";
import { deliverAnswer, type Phraser } from "../../phrasing/index.js";
import { ROLES, type Facts, type Role } from "../../policy/vocabulary.js";
import {
  answerCard,
  caseCard,
  casesCard,
  helpCard,
  roleCard,
  roleSavedCard,
  sourcesCard,
  textCard,
  type AnswerCardView,
  type CardMessage,
} from "./cards.js";
import { cardActivity, DisplayNames, TEAMS, TeamsGateway, textActivity } from "./gateway.js";
import { EXAMPLES, parseCommand } from "./labels.js";
import { parseSubmit, stateOf, type CardState, type Submit } from "./submit.js";

/** The path Teams (and the Bot Framework Emulator) posts activities to. */
export const MESSAGES_PATH = "/api/messages";
/** Activities are a few KB; a body this large is not one. */
const MAX_BODY_BYTES = 1024 * 1024;

const SAFE_FALLBACK =
  "Sorry, I could not answer that just now. If agents are there now: do not consent, do not physically resist, and call your supervisor and counsel.";

export interface TeamsLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

const consoleLogger: TeamsLogger = {
  info: (m) => console.log(`ice-protocol teams: ${m}`),
  warn: (m) => console.warn(`ice-protocol teams: ${m}`),
  error: (m) => console.error(`ice-protocol teams: ${m}`),
};

/** Where the asker's role is remembered: the escalation database, or memory without it. */
export interface RoleStore {
  getRole(userId: string): Promise<Role | undefined>;
  setRole(userId: string, role: Role | undefined): Promise<void>;
}

export class MemoryRoleStore implements RoleStore {
  readonly #roles = new Map<string, Role>();
  async getRole(userId: string) {
    return this.#roles.get(userId);
  }
  async setRole(userId: string, role: Role | undefined) {
    if (!role || role === "unknown") this.#roles.delete(userId);
    else this.#roles.set(userId, role);
  }
}

/** Roles in the escalation ProfileStore (shared by every bot instance). */
function profileRoles(profiles: ProfileStore): RoleStore {
  return {
    async getRole(userId) {
      const p = await profiles.get(TEAMS, userId);
      return p && p.role !== "unknown" ? p.role : undefined;
    },
    async setRole(userId, role) {
      await profiles.set({ platform: TEAMS, userId, role: role ?? "unknown" });
    },
  };
}

export interface TeamsEscalation {
  service: EscalationService;
  profiles: ProfileStore;
  config: EscalationConfig;
  /** Deliver what a click just wrote to the outbox now, rather than on the next loop tick. */
  kick?: () => void;
}

export interface TeamsAppOptions {
  config: TeamsConfig;
  engine: Engine;
  /** Who answers typed questions: a CoreThread on a server (default: the engine, in this thread). */
  core?: Asker;
  today: () => string;
  /** Checked phrasing of answers (optional): the card is replaced in place when it arrives. */
  phraser?: Phraser;
  /** The escalation settings, known before the database is: phone numbers to show meanwhile. */
  escalationSettings?: EscalationConfig;
  logger?: TeamsLogger;
  /**
   * Extra settings for ConfigurationBotFrameworkAuthentication beyond config.auth (another
   * cloud's endpoints; tests point the OpenID metadata at a local fake).
   */
  authSettings?: Record<string, string>;
  /** Replaces botbuilder's credentials for outgoing calls (tests without Microsoft Entra). */
  credentialsFactory?: ServiceClientCredentialsFactory;
}

export interface TeamsApp {
  readonly adapter: CloudAdapter;
  /** For the OutboxWorker: deliver escalation messages to Teams. */
  readonly gateway: TeamsGateway;
  /** Node request listener for POST /api/messages. */
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** Connect escalation once its database is open (before, "Escalate" shows who to call). */
  useEscalation(escalation: TeamsEscalation): void;
  /** Serve /api/messages and /healthz on a server of our own (Teams without Slack). */
  listen(options: { port: number; host?: string }): Promise<{ server: Server; port: number; host: string }>;
}

// ---------------------------------------------------------------------------------------
// Authentication: every failure to validate a token is a 401

const TOKEN_ERRORS = new Set(["JsonWebTokenError", "NotBeforeError", "TokenExpiredError", "SyntaxError"]);

/**
 * botbuilder answers 401 only for its own AuthenticationError; a token with a bad signature
 * fails inside jsonwebtoken with another error class and would get a 500. Same checks,
 * every token failure reported as 401.
 */
class CheckedAuthentication extends ConfigurationBotFrameworkAuthentication {
  /** Results of checks already made for a request body (see `check`), so process() does not repeat them. */
  readonly #checked = new WeakMap<object, AuthenticateRequestResult>();

  override async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    const done = this.#checked.get(activity);
    if (done) return done;
    try {
      return await super.authenticateRequest(activity, authHeader);
    } catch (error) {
      if (error instanceof AuthenticationError) throw error;
      if (TOKEN_ERRORS.has((error as Error)?.name)) {
        throw new AuthenticationError(`Unauthorized: ${(error as Error).message}`, 401);
      }
      throw error; // the signing keys could not be fetched: a 500, and the channel retries
    }
  }

  /**
   * Check a request before handing it to process(): a refusal is answered here with a 401
   * and one log line, instead of botbuilder's stack trace per bad request.
   */
  async check(activity: Activity, authHeader: string): Promise<"ok" | "refused"> {
    try {
      this.#checked.set(activity, await this.authenticateRequest(activity, authHeader));
      return "ok";
    } catch (error) {
      if (error instanceof AuthenticationError) return "refused";
      throw error;
    }
  }
}

// ---------------------------------------------------------------------------------------
// HTTP

function readBody(req: IncomingMessage): Promise<Buffer | "too-large"> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) over = true;
      else chunks.push(chunk);
    });
    req.on("end", () => resolve(over ? "too-large" : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function reply(res: ServerResponse, status: number, body?: unknown): void {
  if (res.headersSent) {
    if (!res.writableEnded) res.end();
    return;
  }
  if (body === undefined) {
    res.writeHead(status);
    res.end();
    return;
  }
  const json = typeof body === "string" ? JSON.stringify({ error: body }) : JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
  res.end(json);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** What makes a request body an activity we can answer; undefined when it is one. */
function activityProblem(body: unknown): string | undefined {
  if (!isObject(body)) return "the body is not a Bot Framework activity (a JSON object)";
  if (typeof body.type !== "string" || body.type === "") return "the activity has no type";
  if (body.type === "message" || body.type === "conversationUpdate") {
    if (typeof body.serviceUrl !== "string" || !/^https?:\/\//.test(body.serviceUrl)) {
      return "the activity has no serviceUrl";
    }
    if (!isObject(body.conversation) || typeof body.conversation.id !== "string") {
      return "the activity has no conversation id";
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------
// Text

/** What someone typed: the bot's @mention removed, other mentions as names, tags and entities gone. */
export function typedText(activity: Partial<Activity>): string {
  let text = activity.text ?? "";
  const botId = activity.recipient?.id;
  for (const entity of activity.entities ?? []) {
    const e = entity as { type?: string; text?: string; mentioned?: { id?: string } };
    if (e.type === "mention" && typeof e.text === "string" && e.mentioned?.id === botId) {
      text = text.split(e.text).join(" ");
    }
  }
  return text
    .replace(/<at>([^<]*)<\/at>/gi, "@$1")
    .replace(/<br\s*\/?>|<\/p>/gi, " ")
    .replace(/<[^>]+>/g, "")
    .replaceAll("&nbsp;", " ")
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&quot;", '"')
    .replaceAll("&#39;", "'")
    .replaceAll("&amp;", "&")
    .replace(/\s+/g, " ")
    .trim();
}

/** A small set of recently seen ids (Bot Framework may redeliver an activity). */
class RecentIds {
  readonly #ids = new Set<string>();
  firstTime(id: string): boolean {
    if (this.#ids.has(id)) return false;
    this.#ids.add(id);
    if (this.#ids.size > 5000) this.#ids.delete(this.#ids.values().next().value!);
    return true;
  }
}

// ---------------------------------------------------------------------------------------
// The app

export function createTeamsApp(options: TeamsAppOptions): TeamsApp {
  const { config, engine, today } = options;
  const core: Asker = options.core ?? engine;
  const logger = options.logger ?? consoleLogger;
  const appId = config.appId ?? "";

  let auth: CheckedAuthentication;
  try {
    auth = new CheckedAuthentication({ ...config.auth, ...options.authSettings }, options.credentialsFactory);
  } catch (error) {
    throw new Error(`the Teams settings are not usable: ${(error as Error).message}`);
  }
  const adapter = new CloudAdapter(auth);

  let escalation: TeamsEscalation | undefined;
  let roles: RoleStore = new MemoryRoleStore();
  const names = new DisplayNames();
  let learnedServiceUrl: string | undefined;
  let learnedTenant: string | undefined;
  const seen = new RecentIds();
  const savedRefs = new Map<string, string>();

  const gateway = new TeamsGateway({
    adapter,
    appId,
    serviceUrl: () => learnedServiceUrl ?? config.serviceUrl,
    tenantId: () => config.tenantId ?? learnedTenant,
    names,
    profiles: () => escalation?.profiles,
  });

  adapter.onTurnError = async (context, error) => {
    logger.error(`turn failed: ${(error as Error)?.name ?? "Error"}: ${(error as Error)?.message ?? String(error)}`);
    try {
      if (context.activity.type === "message") await context.sendActivity(textActivity(SAFE_FALLBACK));
    } catch {
      // Teams is unreachable: nothing more to do for this turn.
    }
  };

  // ---- Who is asking
  const userOf = (a: Partial<Activity>) => a.from?.aadObjectId ?? a.from?.id ?? "";
  const isPublic = (a: Partial<Activity>) => {
    const type = a.conversation?.conversationType;
    return type === "channel" || type === "groupChat" || (type === undefined && a.conversation?.isGroup === true);
  };

  const remember = async (a: Partial<Activity>) => {
    if (a.serviceUrl && a.channelId === "msteams") learnedServiceUrl = a.serviceUrl;
    const tenant = (a.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id ?? a.conversation?.tenantId;
    if (tenant) learnedTenant = tenant;
    const aad = a.from?.aadObjectId;
    names.remember(aad, a.from?.name);
    // Keep a 1:1 chat's reference so the outbox can write to this person later.
    if (!escalation || !aad || a.conversation?.conversationType !== "personal") return;
    const conversationId = a.conversation.id;
    if (savedRefs.get(aad) === conversationId) return;
    try {
      const ref = TurnContext.getConversationReference(a);
      await escalation.profiles.saveConversationRef(TEAMS, aad, ref);
      savedRefs.set(aad, conversationId);
    } catch (error) {
      logger.warn(`could not keep a conversation reference: ${(error as Error).name}`);
    }
  };

  const roleOf = async (userId: string): Promise<Role | undefined> => {
    try {
      return await roles.getRole(userId);
    } catch {
      return undefined; // the database is down: answer without the remembered role
    }
  };

  // ---- Sending
  const send = (context: TurnContext, message: CardMessage) => context.sendActivity(cardActivity(message));
  /** Replace the card the click came from (in place), or send a new one when there is none. */
  const replaceCard = async (context: TurnContext, message: CardMessage) => {
    const id = context.activity.replyToId;
    if (id) await context.updateActivity({ ...cardActivity(message), id });
    else await send(context, message);
  };

  const answerView = async (
    context: TurnContext,
    answer: Answer,
    state: CardState,
    extra: Partial<AnswerCardView> = {},
    question?: string,
  ) => {
    const profileRole = await roleOf(userOf(context.activity));
    // Read now: `build` also runs after the turn, when botbuilder has revoked this context.
    const publicThread = isPublic(context.activity);
    const delivery = deliverAnswer(answer, options.phraser, {
      language: answer.language,
      ...(question ? { question } : {}),
    });
    const build = (view: AnswerCardView["view"]) =>
      answerCard({
        view,
        state,
        ...(profileRole ? { profileRole } : {}),
        ...(publicThread ? { publicThread: true } : {}),
        ...extra,
      });
    return { first: build(delivery.first), delivery, build };
  };

  /** Send (or replace) an answer card; phrasing, if configured, replaces it again later. */
  const showAnswer = async (
    context: TurnContext,
    answer: Answer,
    state: CardState,
    mode: "new" | "replace",
    extra: Partial<AnswerCardView> = {},
    question?: string,
  ) => {
    const { first, delivery, build } = await answerView(context, answer, state, extra, question);
    let activityId: string | undefined;
    if (mode === "replace" && context.activity.replyToId) {
      activityId = context.activity.replyToId;
      await context.updateActivity({ ...cardActivity(first), id: activityId });
    } else {
      activityId = (await send(context, first))?.id;
    }
    if (activityId && options.phraser?.enabled) {
      const ref = TurnContext.getConversationReference(context.activity);
      const id = activityId;
      void delivery
        .onPhrased((view) =>
          adapter.continueConversationAsync(appId, ref, async (ctx) => {
            await ctx.updateActivity({ ...cardActivity(build(view)), id });
          }),
        )
        .then((r) => {
          if (r.error) logger.warn(`could not replace an answer with its phrasing: ${(r.error as Error).name}`);
        });
    }
  };

  // ---- Typed messages
  /**
   * A message typed in a case's thread (legal staff @mention the bot there): it goes to the
   * employee, as "Message the employee" would send it, instead of being read as a question.
   */
  const inCaseThread = async (context: TurnContext, text: string): Promise<boolean> => {
    const a = context.activity;
    const thread = a.conversation?.id ?? "";
    if (!escalation || !isPublic(a) || !thread.includes(";messageid=") || !a.from?.aadObjectId) return false;
    if (parseCommand(text).kind !== "ask") return false;
    const found = await escalation.service.caseForCardMessage(TEAMS, thread);
    if (!found) return false;
    await onCase(context, { ice: "case", op: "message", caseId: found.id, text });
    return true;
  };

  const onText = async (context: TurnContext) => {
    const a = context.activity;
    const text = typedText(a);
    if (await inCaseThread(context, text)) return;
    const command = parseCommand(text);
    const user = userOf(a);
    switch (command.kind) {
      case "help":
        await send(context, helpCard());
        return;
      case "sources":
        await send(context, sourcesCard(engine.pack));
        return;
      case "cases":
        await showCases(context);
        return;
      case "role":
        if (command.role) {
          await roles.setRole(user, command.role);
          await send(context, roleSavedCard(command.role));
        } else {
          await send(
            context,
            roleCard(
              await roleOf(user),
              command.unknownWords ? `I don't know the role "${command.unknownWords}". Choose one:` : undefined,
            ),
          );
        }
        return;
      case "ask": {
        const role = await roleOf(user);
        const day = today();
        const answer = await core.ask(command.question, { today: day, ...(role ? { role } : {}) });
        await showAnswer(context, answer, stateOf(answer, day), "new", {}, command.question);
        return;
      }
    }
  };

  const showCases = async (context: TurnContext) => {
    const aad = context.activity.from?.aadObjectId;
    if (!escalation) {
      await send(context, textCard("Escalation to legal is not set up here, so there are no cases to show."));
      return;
    }
    if (!aad) {
      await send(context, textCard("I can list cases only for people signed in to Teams with a work account."));
      return;
    }
    await send(context, casesCard(await escalation.service.listCases({ platform: TEAMS, userId: aad })));
  };

  // ---- Card buttons
  const reanswer = (state: CardState, overrides: Partial<Facts> = {}) => {
    const day = today();
    const answer = engine.reanswer(state, { today: day, ...(state.date ? { date: state.date } : {}), overrides });
    return { answer, state: { ...stateOf(answer, day), ...(state.date ? { date: state.date } : {}) } };
  };

  const onSubmit = async (context: TurnContext, submitted: Submit) => {
    const user = userOf(context.activity);
    switch (submitted.ice) {
      case "clarify": {
        const overrides = { [submitted.fact]: submitted.value } as Partial<Facts>;
        if (submitted.fact === "role" && submitted.value !== "unknown")
          await roles.setRole(user, submitted.value as Role);
        const { answer, state } = reanswer(submitted.state, overrides);
        await showAnswer(context, answer, state, "replace");
        return;
      }
      case "correct": {
        const { answer, state } = reanswer(submitted.state, submitted.overrides);
        await showAnswer(context, answer, state, "replace");
        return;
      }
      case "role-in-answer": {
        if (!submitted.role || !ROLES.includes(submitted.role)) {
          await send(context, textCard("Choose a role first, then press Save my role."));
          return;
        }
        await roles.setRole(user, submitted.role);
        const { answer, state } = reanswer(submitted.state, { role: submitted.role });
        await showAnswer(context, answer, state, "replace");
        return;
      }
      case "role":
        if (!submitted.role) {
          await send(context, textCard("Choose a role first, then press Save."));
          return;
        }
        await roles.setRole(user, submitted.role);
        await replaceCard(context, roleSavedCard(submitted.role));
        return;
      case "example": {
        const question = EXAMPLES[submitted.index];
        if (question === undefined) return;
        const role = await roleOf(user);
        const day = today();
        const answer = await core.ask(question, { today: day, ...(role ? { role } : {}) });
        await showAnswer(context, answer, stateOf(answer, day), "replace");
        return;
      }
      case "escalate":
        await onEscalate(context, submitted.state);
        return;
      case "case":
        await onCase(context, submitted);
        return;
    }
  };

  const onEscalate = async (context: TurnContext, base: CardState) => {
    const { answer, state } = reanswer(base);
    const queue = answer.escalate.queue;
    const aad = context.activity.from?.aadObjectId;
    if (!escalation || !aad) {
      const phone = options.escalationSettings?.queues[queue]?.phone;
      await showAnswer(context, answer, state, "replace", {
        escalated: { unavailable: true, queue, ...(phone ? { phone } : {}) },
      });
      return;
    }
    const role = await roleOf(aad);
    const key = `teams:${context.activity.conversation.id}:${context.activity.replyToId ?? context.activity.id}:${JSON.stringify(state.facts)}`;
    try {
      const opened = await escalation.service.escalate(
        answer,
        { platform: TEAMS, userId: aad, ...(role ? { role } : {}) },
        key.slice(0, 200),
      );
      escalation.kick?.();
      await showAnswer(context, answer, state, "replace", {
        escalated: { ref: opened.ref, queue: opened.queue, phone: escalation.service.phoneFor(queue) },
      });
    } catch (error) {
      if (error instanceof DatabaseUnavailable) {
        await showAnswer(context, answer, state, "replace", {
          escalated: { unavailable: true, queue, phone: escalation.service.phoneFor(queue) },
        });
        return;
      }
      throw error;
    }
  };

  const onCase = async (context: TurnContext, s: Extract<Submit, { ice: "case" }>) => {
    const aad = context.activity.from?.aadObjectId;
    if (!escalation || !aad) {
      await send(context, textCard("Escalation to legal is not set up here."));
      return;
    }
    const { service } = escalation;
    const who = { platform: TEAMS, userId: aad };
    // A click on the case card in the legal channel: the card is replaced in place at once
    // (the outbox replaces it again, harmlessly, with the same content).
    const onCaseCard = isPublic(context.activity) && !!context.activity.replyToId;
    const showCase = async (c: CaseView, elsewhere: string) => {
      if (onCaseCard) await replaceCard(context, caseCard(c, names.nameOf));
      else await send(context, textCard(elsewhere));
    };
    try {
      switch (s.op) {
        case "claim": {
          const c = await service.claim(s.caseId, who);
          await showCase(c, `You have claimed ${c.ref}. Its thread is in the ${c.queue} channel.`);
          break;
        }
        case "message": {
          const c = await service.message(s.caseId, who, s.text ?? "");
          const fromAsker = c.asker.platform === TEAMS && c.asker.userId.toLowerCase() === aad.toLowerCase();
          await context.sendActivity(
            textActivity(fromAsker ? `${c.ref}: message sent to legal.` : `${c.ref}: message sent to the employee.`),
          );
          break;
        }
        case "resolve": {
          if (!s.outcome) {
            await send(context, textCard("Choose an outcome, then press Resolve case."));
            return;
          }
          const c = await service.resolve(s.caseId, who, s.outcome, s.note);
          await showCase(c, `${c.ref} is resolved.`);
          break;
        }
        case "reopen": {
          const c = await service.reopen(s.caseId, who);
          await showCase(c, `${c.ref} is open again.`);
          break;
        }
        case "cancel": {
          const c = await service.cancel(s.caseId, who);
          await send(context, textCard(`${c.ref} is cancelled. Legal staff have been told.`));
          break;
        }
      }
      escalation.kick?.();
    } catch (error) {
      if (error instanceof EscalationError) {
        await context.sendActivity(textActivity(error.message));
        return;
      }
      if (error instanceof DatabaseUnavailable) {
        await context.sendActivity(
          textActivity("The case system is unavailable right now. Please try again in a minute, or call instead."),
        );
        return;
      }
      throw error;
    }
  };

  // ---- The turn
  const onTurn = async (context: TurnContext) => {
    const a = context.activity;
    const key = `${a.conversation?.id ?? ""}|${a.id ?? ""}`;
    if (a.id && !seen.firstTime(key)) return;
    await remember(a);
    if (a.type === "message") {
      if (a.value !== undefined && a.value !== null) {
        const submitted = parseSubmit(a.value);
        if (!submitted) {
          await send(
            context,
            textCard("This card is from an older version of the bot. Ask your question again, please."),
          );
          return;
        }
        try {
          await onSubmit(context, submitted);
        } catch (error) {
          logger.error(`card action failed: ${(error as Error).name}: ${(error as Error).message}`);
          await context.sendActivity(textActivity(SAFE_FALLBACK));
        }
        return;
      }
      try {
        await onText(context);
      } catch (error) {
        logger.error(`message failed: ${(error as Error).name}: ${(error as Error).message}`);
        await context.sendActivity(textActivity(SAFE_FALLBACK));
      }
      return;
    }
    if (a.type === "conversationUpdate" && a.conversation?.conversationType === "personal") {
      // Installed for a person: say what the bot does once.
      const added = (a.membersAdded ?? []).some((m) => m.id === a.recipient?.id);
      if (added) await send(context, helpCard("Hello! I'm ICE Protocol."));
    }
  };

  // ---- HTTP
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    void (async () => {
      if (req.method !== "POST") {
        res.setHeader("allow", "POST");
        reply(res, 405, "use POST");
        return;
      }
      const raw = await readBody(req);
      if (raw === "too-large") {
        reply(res, 413, "the request body is too large");
        return;
      }
      let body: unknown;
      try {
        body = JSON.parse(raw.toString("utf8"));
      } catch {
        reply(res, 400, "the body is not JSON");
        return;
      }
      const problem = activityProblem(body);
      if (problem) {
        reply(res, 400, problem);
        return;
      }
      const header = req.headers.authorization ?? "";
      if ((await auth.check(body as unknown as Activity, header)) === "refused") {
        logger.warn(`refused a request that failed authentication (401)${header ? "" : ": no token"}`);
        reply(res, 401, "Unauthorized");
        return;
      }
      let status = 200;
      let payload: unknown;
      const shim = {
        socket: req.socket,
        status(code: number) {
          status = code;
        },
        header(name: string, value: unknown) {
          if (!res.headersSent) res.setHeader(name, String(value));
        },
        send(b: unknown) {
          payload = b;
        },
        end() {
          if (payload === undefined || payload === null) reply(res, status);
          else if (typeof payload === "string") reply(res, status, status >= 400 ? payload : { message: payload });
          else reply(res, status, payload);
        },
      };
      await adapter.process(
        { method: "POST", headers: req.headers as Record<string, string>, body: body as Record<string, unknown> },
        shim,
        onTurn,
      );
      if (!res.writableEnded) reply(res, status, payload);
    })().catch((error: unknown) => {
      logger.error(`request failed: ${(error as Error)?.name ?? "Error"}: ${(error as Error)?.message ?? ""}`);
      reply(res, res.headersSent ? 500 : 400, "the request could not be processed");
    });
  };

  const app: TeamsApp = {
    adapter,
    gateway,
    handle,
    useEscalation(e) {
      escalation = e;
      roles = profileRoles(e.profiles);
      gateway.useConfig(e.config);
    },
    async listen({ port, host }) {
      const server = createServer((req, res) => {
        const path = new URL(req.url ?? "/", "http://localhost").pathname;
        if (path === MESSAGES_PATH) return handle(req, res);
        if (path === "/healthz" && req.method === "GET") {
          res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
          res.end(JSON.stringify({ ok: true }));
          return;
        }
        reply(res, 404);
      });
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen({ port, ...(host ? { host } : {}) }, () => resolve());
      });
      const address = server.address() as AddressInfo;
      return { server, port: address.port, host: host ?? "0.0.0.0" };
    },
  };
  return app;
}

/**
 * Route one path of an existing HTTP server (Slack's, in the composition root) to another
 * listener, leaving every other request to the server's own listeners.
 */
export function routePath(
  server: Server,
  path: string,
  listener: (req: IncomingMessage, res: ServerResponse) => void,
): void {
  const others = server.listeners("request") as ((req: IncomingMessage, res: ServerResponse) => void)[];
  server.removeAllListeners("request");
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    if ((q < 0 ? url : url.slice(0, q)) === path) return listener(req, res);
    for (const other of others) other.call(server, req, res);
  });
}
