/**
 * A local stand-in for Microsoft Teams, both directions:
 *
 * - `FakeConnector`: the Bot Framework connector REST API at the activities' serviceUrl. It
 *   records every reply, message, update and new conversation (channel threads, 1:1 chats)
 *   the bot sends, and refuses what Teams refuses: a message over 100 KB (413), an Adaptive
 *   Card that is not valid for version 1.5 (400, checked with Microsoft's `adaptivecards`
 *   parser plus the rules below). It also serves an OpenID metadata document and a signing
 *   key, so the bot can validate tokens exactly as it validates Microsoft's (`signToken`).
 * - `TeamsClient`: posts activities to the bot's /api/messages as Teams does: messages in a
 *   1:1 chat or in a channel thread with an @mention, and card button clicks
 *   (Action.Submit: a message whose `value` is the button's data plus the card's inputs).
 */
import { createSign, generateKeyPairSync, randomUUID, type KeyObject } from "node:crypto";
import { createRequire } from "node:module";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";

type Json = Record<string, unknown>;

// ---------------------------------------------------------------------------------------
// Adaptive Card checks

const require = createRequire(import.meta.url);
const AC = require("adaptivecards/dist/adaptivecards.js") as {
  AdaptiveCard: new () => {
    parse(json: unknown, ctx: unknown): void;
    validateProperties(): { validationEvents: { message: string }[] };
  };
  SerializationContext: new () => { eventCount: number; getEventAt(i: number): { message: string } };
};

/** Element and action types Adaptive Cards 1.5 defines (what Teams renders for bots). */
const ELEMENTS = new Set([
  "TextBlock",
  "RichTextBlock",
  "Image",
  "Media",
  "Container",
  "ColumnSet",
  "Column",
  "FactSet",
  "ImageSet",
  "ActionSet",
  "Table",
  "Input.Text",
  "Input.Number",
  "Input.Date",
  "Input.Time",
  "Input.Toggle",
  "Input.ChoiceSet",
]);
const ACTIONS = new Set([
  "Action.Submit",
  "Action.OpenUrl",
  "Action.ShowCard",
  "Action.ToggleVisibility",
  "Action.Execute",
]);
const VERSIONS = new Set(["1.0", "1.1", "1.2", "1.3", "1.4", "1.5"]);
/** Teams refuses a bot message over about 100 KB. */
export const MAX_MESSAGE_BYTES = 100 * 1024;

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Problems with a card, empty when Teams would render it. */
export function validateCard(card: unknown): string[] {
  const errors: string[] = [];
  const fail = (path: string, m: string) => errors.push(`${path}: ${m}`);
  if (!isObject(card)) return ["card: not an object"];
  if (card.type !== "AdaptiveCard") fail("card.type", "must be AdaptiveCard");
  if (typeof card.version !== "string" || !VERSIONS.has(card.version)) {
    fail("card.version", `must be 1.0 to 1.5 (Teams renders bot cards up to 1.5), not ${String(card.version)}`);
  }
  const ids = new Set<string>();
  const actions = (list: unknown, path: string) => {
    if (list === undefined) return;
    if (!Array.isArray(list)) return fail(path, "must be an array");
    list.forEach((a, i) => {
      const p = `${path}[${i}]`;
      if (!isObject(a)) return fail(p, "must be an object");
      if (!ACTIONS.has(String(a.type))) return fail(p, `unknown action type ${String(a.type)}`);
      if (typeof a.title !== "string" || a.title === "") fail(`${p}.title`, "is required");
      if (a.type === "Action.Submit" && a.data !== undefined && !isObject(a.data))
        fail(`${p}.data`, "must be an object");
      if (a.type === "Action.ShowCard") {
        if (!isObject(a.card) || a.card.type !== "AdaptiveCard") return fail(`${p}.card`, "must be an AdaptiveCard");
        elements(a.card.body, `${p}.card.body`);
        actions(a.card.actions, `${p}.card.actions`);
      }
    });
  };
  const elements = (list: unknown, path: string) => {
    if (list === undefined) return;
    if (!Array.isArray(list)) return fail(path, "must be an array");
    list.forEach((e, i) => {
      const p = `${path}[${i}]`;
      if (!isObject(e)) return fail(p, "must be an object");
      const type = String(e.type);
      if (!ELEMENTS.has(type)) return fail(p, `unknown element type ${type}`);
      if (typeof e.id === "string") {
        if (ids.has(e.id)) fail(`${p}.id`, `"${e.id}" is not unique in the card`);
        ids.add(e.id);
      }
      if (type.startsWith("Input.") && typeof e.id !== "string") fail(`${p}.id`, "an input needs an id");
      if (type === "TextBlock" && (typeof e.text !== "string" || e.text === "")) fail(`${p}.text`, "is required");
      if (type === "RichTextBlock") {
        if (!Array.isArray(e.inlines) || e.inlines.length === 0) fail(`${p}.inlines`, "is required");
        else
          e.inlines.forEach((r, j) => {
            if (!isObject(r) || r.type !== "TextRun" || typeof r.text !== "string") {
              fail(`${p}.inlines[${j}]`, "must be a TextRun with text");
            }
          });
      }
      if (type === "ActionSet") {
        if (!Array.isArray(e.actions) || e.actions.length === 0) fail(`${p}.actions`, "is required");
        actions(e.actions, `${p}.actions`);
      }
      if (type === "Input.ChoiceSet") {
        if (!Array.isArray(e.choices) || e.choices.length === 0) fail(`${p}.choices`, "is required");
        else if (e.value !== undefined && !e.choices.some((c) => isObject(c) && c.value === e.value)) {
          fail(`${p}.value`, `"${String(e.value)}" is not one of the choices`);
        }
      }
      if (type === "FactSet" && !Array.isArray(e.facts)) fail(`${p}.facts`, "is required");
      if (type === "Container") elements(e.items, `${p}.items`);
    });
  };
  if (!Array.isArray(card.body)) fail("card.body", "must be an array");
  elements(card.body, "card.body");
  actions(card.actions, "card.actions");

  // Microsoft's own parser: unknown types, invalid property values, duplicate ids.
  const parsed = new AC.AdaptiveCard();
  const ctx = new AC.SerializationContext();
  parsed.parse(card, ctx);
  for (let i = 0; i < ctx.eventCount; i++) errors.push(`adaptivecards: ${ctx.getEventAt(i).message}`);
  for (const e of parsed.validateProperties().validationEvents) errors.push(`adaptivecards: ${e.message}`);
  return errors;
}

/** The Adaptive Card of a message activity, if it has one. */
export function cardOf(activity: Json | undefined): Json | undefined {
  const attachments = (activity?.attachments ?? []) as Json[];
  const a = attachments.find((x) => x.contentType === "application/vnd.microsoft.card.adaptive");
  return a?.content as Json | undefined;
}

/** Every text a person reads on a card, one line per TextBlock / RichTextBlock / fact, in order. */
export function cardText(card: Json | undefined, options: { showCards?: boolean } = {}): string {
  const lines: string[] = [];
  const walk = (list: unknown) => {
    if (!Array.isArray(list)) return;
    for (const e of list as Json[]) {
      if (e.type === "TextBlock") lines.push(String(e.text));
      if (e.type === "RichTextBlock") lines.push((e.inlines as Json[]).map((r) => String(r.text)).join(""));
      if (e.type === "FactSet") for (const f of e.facts as Json[]) lines.push(`${String(f.title)}: ${String(f.value)}`);
      if (e.type === "Container") walk(e.items);
    }
  };
  walk(card?.body);
  if (options.showCards) {
    for (const a of allActions(card)) if (a.type === "Action.ShowCard") walk((a.card as Json).body);
  }
  return lines.join("\n");
}

/** Every action on a card: top-level, in ActionSets, and inside ShowCards. */
export function allActions(card: Json | undefined): Json[] {
  const out: Json[] = [];
  const fromActions = (list: unknown) => {
    if (!Array.isArray(list)) return;
    for (const a of list as Json[]) {
      out.push(a);
      if (a.type === "Action.ShowCard") {
        fromBody((a.card as Json).body);
        fromActions((a.card as Json).actions);
      }
    }
  };
  const fromBody = (list: unknown) => {
    if (!Array.isArray(list)) return;
    for (const e of list as Json[]) {
      if (e.type === "ActionSet") fromActions(e.actions);
      if (e.type === "Container") fromBody(e.items);
    }
  };
  fromBody(card?.body);
  fromActions(card?.actions);
  return out;
}

/** The one Action.Submit whose title matches. */
export function submitAction(card: Json | undefined, title: string | RegExp): Json {
  const found = allActions(card).filter(
    (a) => a.type === "Action.Submit" && (typeof title === "string" ? a.title === title : title.test(String(a.title))),
  );
  if (found.length !== 1) {
    const titles = allActions(card).map((a) => String(a.title));
    throw new Error(
      `expected one Action.Submit "${String(title)}", found ${found.length} among: ${titles.join(" | ")}`,
    );
  }
  return found[0]!;
}

// ---------------------------------------------------------------------------------------
// Token signing (what Microsoft's Bot Connector does for every request to the bot)

export const BOT_ISSUER = "https://api.botframework.com";

export class SigningKey {
  readonly kid = `test-key-${randomUUID().slice(0, 8)}`;
  readonly #private: KeyObject;
  readonly publicJwk: Json;

  constructor() {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    this.#private = privateKey;
    this.publicJwk = publicKey.export({ format: "jwk" }) as Json;
  }

  sign(claims: Json): string {
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
    const now = Math.floor(Date.now() / 1000);
    const head = b64({ alg: "RS256", typ: "JWT", kid: this.kid });
    const body = b64({ iat: now, nbf: now - 5, exp: now + 3600, ...claims });
    const signer = createSign("RSA-SHA256");
    signer.update(`${head}.${body}`);
    return `${head}.${body}.${signer.sign(this.#private).toString("base64url")}`;
  }
}

// ---------------------------------------------------------------------------------------
// The connector

export interface Recorded {
  /** send: a new message in a conversation; reply: a reply to an activity; update: a replaced message;
   * thread: a new channel thread (createConversation with a channel); chat: a new 1:1 chat. */
  kind: "send" | "reply" | "update" | "thread" | "chat";
  conversationId: string;
  /** The message's id (for updates: the id of the message replaced). */
  id: string;
  activity: Json;
  authorization?: string;
}

export class FakeConnector {
  readonly records: Recorded[] = [];
  /** Requests refused, with why. */
  readonly rejected: { path: string; status: number; errors: string[] }[] = [];
  readonly key = new SigningKey();
  /** Requests per path, to see that nothing was sent. */
  requests = 0;
  #server: Server | undefined;
  #sockets = new Set<Socket>();
  #n = 1000;
  url = "";

  async start(): Promise<this> {
    this.#server = createServer((req, res) => {
      void this.#handle(req).then(
        ({ status, body }) => {
          res.writeHead(status, { "content-type": "application/json" });
          res.end(JSON.stringify(body));
        },
        (error: Error) => {
          res.writeHead(500, { "content-type": "application/json" });
          res.end(JSON.stringify({ error: { code: "ServiceError", message: error.message } }));
        },
      );
    });
    this.#server.on("connection", (s: Socket) => {
      this.#sockets.add(s);
      s.on("close", () => this.#sockets.delete(s));
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/`;
    return this;
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }

  reset(): void {
    this.records.length = 0;
    this.rejected.length = 0;
    this.requests = 0;
  }

  /** Settings that make the bot validate tokens against this fake instead of Microsoft. */
  authSettings(): Record<string, string> {
    return {
      ToChannelFromBotLoginUrl: `${this.url}login`,
      ToChannelFromBotOAuthScope: "https://api.botframework.com",
      ToBotFromChannelTokenIssuer: BOT_ISSUER,
      OAuthUrl: `${this.url}oauth`,
      ToBotFromChannelOpenIdMetadataUrl: `${this.url}.well-known/openidconfiguration`,
      ToBotFromEmulatorOpenIdMetadataUrl: `${this.url}.well-known/emulator-openidconfiguration`,
      ValidateAuthority: "true",
    };
  }

  /** Messages the bot sent (not updates), oldest first. */
  messages(): Recorded[] {
    return this.records.filter((r) => r.kind !== "update");
  }

  /** A message as it looks now: the last update of it, or as sent. */
  current(id: string): Json | undefined {
    for (let i = this.records.length - 1; i >= 0; i--) {
      const r = this.records[i]!;
      if (r.id === id) return r.activity;
    }
    return undefined;
  }

  async waitFor<T>(probe: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const v = probe();
      if (v) return v;
      if (Date.now() > until) throw new Error("FakeConnector.waitFor: timed out");
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  #nextId(): string {
    return String(++this.#n);
  }

  async #handle(req: IncomingMessage): Promise<{ status: number; body: unknown }> {
    this.requests++;
    const url = new URL(req.url ?? "/", "http://localhost");
    const path = url.pathname;
    if (req.method === "GET" && path === "/.well-known/openidconfiguration") {
      return { status: 200, body: { issuer: BOT_ISSUER, jwks_uri: `${this.url}keys` } };
    }
    if (req.method === "GET" && path === "/keys") {
      return {
        status: 200,
        body: { keys: [{ ...this.key.publicJwk, kid: this.key.kid, use: "sig", endorsements: ["msteams"] }] },
      };
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const authorization = req.headers.authorization;
    const refuse = (status: number, errors: string[]) => {
      this.rejected.push({ path, status, errors });
      return {
        status,
        body: { error: { code: status === 413 ? "MessageSizeTooBig" : "BadArgument", message: errors.join("; ") } },
      };
    };
    if (raw.length > MAX_MESSAGE_BYTES) return refuse(413, [`message of ${raw.length} bytes`]);
    const body = raw.length ? (JSON.parse(raw.toString("utf8")) as Json) : {};
    const check = (activity: Json | undefined) => {
      const c = cardOf(activity);
      return c ? validateCard(c) : [];
    };

    const m = /^\/v3\/conversations(?:\/([^/]+)\/activities(?:\/([^/]+))?)?$/.exec(path);
    if (!m) return { status: 404, body: { error: { code: "NotFound", message: path } } };
    const conversationId = m[1] ? decodeURIComponent(m[1]) : undefined;
    const activityId = m[2] ? decodeURIComponent(m[2]) : undefined;
    const record = (r: Omit<Recorded, "authorization">) =>
      this.records.push({ ...r, ...(authorization ? { authorization } : {}) });

    if (req.method === "POST" && !conversationId) {
      // createConversation: a new thread in a channel, or a 1:1 chat.
      const activity = body.activity as Json | undefined;
      const errors = check(activity);
      if (errors.length) return refuse(400, errors);
      const channel = ((body.channelData as Json | undefined)?.channel as Json | undefined)?.id;
      if (body.isGroup && typeof channel === "string") {
        const id = this.#nextId();
        const thread = `${channel};messageid=${id}`;
        record({ kind: "thread", conversationId: thread, id, activity: activity ?? {} });
        return { status: 201, body: { id: thread, activityId: id } };
      }
      const member = ((body.members as Json[] | undefined) ?? [])[0];
      if (!member || typeof member.id !== "string") return refuse(400, ["members: one member is required"]);
      const chat = `a:chat-${member.id}`;
      record({ kind: "chat", conversationId: chat, id: "", activity: { members: body.members } });
      return { status: 201, body: { id: chat } };
    }
    if (!conversationId) return { status: 404, body: {} };
    const errors = check(body);
    if (errors.length) return refuse(400, errors);
    if (req.method === "POST" && !activityId) {
      const id = this.#nextId();
      record({ kind: "send", conversationId, id, activity: body });
      return { status: 200, body: { id } };
    }
    if (req.method === "POST" && activityId) {
      const id = this.#nextId();
      record({ kind: "reply", conversationId, id, activity: { ...body, replyToId: activityId } });
      return { status: 200, body: { id } };
    }
    if (req.method === "PUT" && activityId) {
      record({ kind: "update", conversationId, id: activityId, activity: body });
      return { status: 200, body: { id: activityId } };
    }
    return { status: 405, body: {} };
  }
}

// ---------------------------------------------------------------------------------------
// The client side: Teams posting to the bot

export interface TeamsUser {
  /** Teams' user id ("29:..."). */
  id: string;
  name: string;
  /** Microsoft Entra object id. */
  aadObjectId: string;
}

export function teamsUser(name: string, aadObjectId: string): TeamsUser {
  return { id: `29:${name.toLowerCase().replace(/\W+/g, "-")}`, name, aadObjectId };
}

export const TENANT = "72f988bf-0000-4000-8000-000000000001";

export interface Where {
  conversation: Json;
  channelData?: Json;
}

/** A 1:1 chat between the user and the bot. */
export function personal(user: TeamsUser): Where {
  return {
    conversation: { id: `a:1:${user.aadObjectId}`, conversationType: "personal", tenantId: TENANT },
    channelData: { tenant: { id: TENANT } },
  };
}

/** A thread in a team's channel ("19:...@thread.tacv2;messageid=<root>"). */
export function channelThread(channel: string, rootId: string): Where {
  return {
    conversation: {
      id: `${channel};messageid=${rootId}`,
      conversationType: "channel",
      isGroup: true,
      tenantId: TENANT,
    },
    channelData: { tenant: { id: TENANT }, channel: { id: channel }, team: { id: channel } },
  };
}

export interface Posted {
  status: number;
  text: string;
}

export class TeamsClient {
  #n = 0;
  constructor(
    readonly botUrl: string,
    readonly connector: FakeConnector,
    readonly bot: { id: string; name: string } = { id: "28:local-bot", name: "ICE Protocol" },
    /** Signs each request as the Bot Connector does; undefined sends none (local mode). */
    readonly token?: (activity: Json) => string | undefined,
  ) {}

  activity(user: TeamsUser, where: Where, fields: Json): Json {
    return {
      id: `in-${++this.#n}-${randomUUID().slice(0, 6)}`,
      timestamp: new Date().toISOString(),
      serviceUrl: this.connector.url,
      channelId: "msteams",
      from: { id: user.id, name: user.name, aadObjectId: user.aadObjectId },
      recipient: this.bot,
      conversation: where.conversation,
      ...(where.channelData ? { channelData: where.channelData } : {}),
      locale: "en-US",
      ...fields,
    };
  }

  async post(activity: unknown, headers: Record<string, string> = {}): Promise<Posted> {
    const token = this.token?.(activity as Json);
    const res = await fetch(this.botUrl, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: typeof activity === "string" ? activity : JSON.stringify(activity),
    });
    return { status: res.status, text: await res.text() };
  }

  /** A message typed to the bot; in a channel, with the bot @mentioned first. */
  async say(user: TeamsUser, where: Where, text: string): Promise<Posted> {
    const inChannel = where.conversation.conversationType !== "personal";
    const mention = `<at>${this.bot.name}</at>`;
    return this.post(
      this.activity(user, where, {
        type: "message",
        text: inChannel ? `${mention} ${text}` : text,
        textFormat: "plain",
        ...(inChannel
          ? { entities: [{ type: "mention", text: mention, mentioned: { id: this.bot.id, name: this.bot.name } }] }
          : {}),
      }),
    );
  }

  /** A click on an Action.Submit of the card in message `cardId`, with the card's input values. */
  async click(user: TeamsUser, where: Where, cardId: string, action: Json, inputs: Json = {}): Promise<Posted> {
    return this.post(
      this.activity(user, where, {
        type: "message",
        replyToId: cardId,
        value: { ...(action.data as Json), ...inputs },
      }),
    );
  }
}
