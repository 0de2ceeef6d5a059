/**
 * A local stand-in for Slack, both directions:
 *
 * - `FakeSlackApi`: the Web API (point the app's SLACK_API_URL / clientOptions.slackApiUrl
 *   at `apiUrl`) and the response_url endpoint. It records every call (auth.test,
 *   chat.postMessage, chat.update, views.open, views.publish, ...) and every response_url
 *   post, and refuses Block Kit that breaks a documented limit with `invalid_blocks`, as
 *   Slack does: a fake that accepts anything hides the commonest production failure.
 * - `SlackSender`: sends requests to the app exactly as Slack does: form-encoded slash
 *   commands, JSON events, form-encoded `payload=` interactions, each signed with
 *   HMAC-SHA256 over `v0:<timestamp>:<body>` with the signing secret.
 *
 * The limits below are written from Slack's block and element reference pages
 * (docs.slack.dev/reference/block-kit), independently of the app's own renderer.
 */
import { createHash, createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { LogLevel, type Logger } from "@slack/bolt";

// ---------------------------------------------------------------------------------------
// Block Kit validation

export type Surface = "message" | "modal" | "home";

const MAX_BLOCKS: Record<Surface, number> = { message: 50, modal: 100, home: 100 };

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

class Checker {
  readonly errors: string[] = [];
  fail(path: string, message: string) {
    this.errors.push(`${path}: ${message}`);
  }

  keys(obj: Json, path: string, allowed: string[]) {
    for (const k of Object.keys(obj)) if (!allowed.includes(k)) this.fail(path, `unknown field "${k}"`);
  }

  str(obj: Json, key: string, path: string, max: number, required = true): string | undefined {
    const v = obj[key];
    if (v === undefined) {
      if (required) this.fail(`${path}.${key}`, "is required");
      return undefined;
    }
    if (typeof v !== "string") return void this.fail(`${path}.${key}`, "must be a string");
    if (v.length === 0) this.fail(`${path}.${key}`, "must not be empty");
    if (v.length > max) this.fail(`${path}.${key}`, `must be at most ${max} characters (has ${v.length})`);
    return v;
  }

  text(v: unknown, path: string, max: number, plainOnly = false) {
    if (!isObject(v)) return this.fail(path, "must be a text object");
    this.keys(v, path, ["type", "text", "emoji", "verbatim"]);
    if (v.type !== "plain_text" && v.type !== "mrkdwn") return this.fail(path, `bad text type "${String(v.type)}"`);
    if (plainOnly && v.type !== "plain_text") this.fail(path, "must be plain_text");
    if (v.type === "mrkdwn" && "emoji" in v) this.fail(path, "emoji is only for plain_text");
    this.str(v, "text", path, max);
  }

  option(v: unknown, path: string, valueMax: number) {
    if (!isObject(v)) return this.fail(path, "must be an option object");
    this.keys(v, path, ["text", "value", "description", "url"]);
    this.text(v.text, `${path}.text`, 75, true);
    this.str(v, "value", path, valueMax);
    if (v.description !== undefined) this.text(v.description, `${path}.description`, 75, true);
  }

  /** A confirmation dialog on an element: title 100, text 300, confirm and deny buttons 30. */
  confirm(v: unknown, path: string) {
    if (v === undefined) return;
    if (!isObject(v)) return this.fail(path, "must be a confirmation dialog object");
    this.keys(v, path, ["title", "text", "confirm", "deny", "style"]);
    if (v.title !== undefined) this.text(v.title, `${path}.title`, 100, true);
    this.text(v.text, `${path}.text`, 300);
    if (v.confirm !== undefined) this.text(v.confirm, `${path}.confirm`, 30, true);
    if (v.deny !== undefined) this.text(v.deny, `${path}.deny`, 30, true);
    if (v.style !== undefined && v.style !== "primary" && v.style !== "danger")
      this.fail(`${path}.style`, "must be primary or danger");
  }

  element(v: unknown, path: string, actionIds: Set<string>) {
    if (!isObject(v)) return this.fail(path, "must be an element object");
    const actionId = this.str(v, "action_id", path, 255, false);
    if (actionId !== undefined) {
      if (actionIds.has(actionId)) this.fail(`${path}.action_id`, `"${actionId}" is not unique in its block`);
      actionIds.add(actionId);
    }
    switch (v.type) {
      case "button":
        this.keys(v, path, ["type", "text", "action_id", "value", "url", "style", "confirm", "accessibility_label"]);
        this.text(v.text, `${path}.text`, 75, true);
        this.str(v, "value", path, 2000, false);
        this.str(v, "url", path, 3000, false);
        if (v.style !== undefined && v.style !== "primary" && v.style !== "danger")
          this.fail(`${path}.style`, "must be primary or danger");
        this.confirm(v.confirm, `${path}.confirm`);
        return;
      case "static_select": {
        this.keys(v, path, [
          "type",
          "action_id",
          "placeholder",
          "options",
          "option_groups",
          "initial_option",
          "confirm",
          "focus_on_load",
        ]);
        if (v.placeholder !== undefined) this.text(v.placeholder, `${path}.placeholder`, 150, true);
        const options = v.options;
        if (!Array.isArray(options) || options.length === 0)
          return this.fail(`${path}.options`, "must be a non-empty array");
        if (options.length > 100) this.fail(`${path}.options`, `at most 100 options (has ${options.length})`);
        options.forEach((o, i) => this.option(o, `${path}.options[${i}]`, 150));
        if (v.initial_option !== undefined) {
          const init = JSON.stringify(v.initial_option);
          if (!options.some((o) => JSON.stringify(o) === init))
            this.fail(`${path}.initial_option`, "must exactly match one of the options");
        }
        return;
      }
      case "overflow": {
        this.keys(v, path, ["type", "action_id", "options", "confirm"]);
        const options = v.options;
        if (!Array.isArray(options) || options.length < 1 || options.length > 5)
          return this.fail(`${path}.options`, "must have 1 to 5 options");
        options.forEach((o, i) => this.option(o, `${path}.options[${i}]`, 150));
        return;
      }
      default:
        this.fail(path, `element type "${String(v.type)}" is not one this fake knows`);
    }
  }

  block(b: unknown, path: string, blockIds: Set<string>) {
    if (!isObject(b)) return this.fail(path, "must be a block object");
    const blockId = this.str(b, "block_id", path, 255, false);
    if (blockId !== undefined) {
      if (blockIds.has(blockId)) this.fail(`${path}.block_id`, `"${blockId}" is not unique`);
      blockIds.add(blockId);
    }
    switch (b.type) {
      case "section": {
        this.keys(b, path, ["type", "block_id", "text", "fields", "accessory", "expand"]);
        if (b.text === undefined && b.fields === undefined) this.fail(path, "needs text or fields");
        if (b.text !== undefined) this.text(b.text, `${path}.text`, 3000);
        if (b.fields !== undefined) {
          if (!Array.isArray(b.fields) || b.fields.length > 10) this.fail(`${path}.fields`, "at most 10 fields");
          else b.fields.forEach((f, i) => this.text(f, `${path}.fields[${i}]`, 2000));
        }
        if (b.accessory !== undefined) this.element(b.accessory, `${path}.accessory`, new Set());
        return;
      }
      case "header":
        this.keys(b, path, ["type", "block_id", "text"]);
        this.text(b.text, `${path}.text`, 150, true);
        return;
      case "divider":
        this.keys(b, path, ["type", "block_id"]);
        return;
      case "context": {
        this.keys(b, path, ["type", "block_id", "elements"]);
        const els = b.elements;
        if (!Array.isArray(els) || els.length === 0) return this.fail(`${path}.elements`, "must be a non-empty array");
        if (els.length > 10) this.fail(`${path}.elements`, `at most 10 elements (has ${els.length})`);
        els.forEach((e, i) => this.text(e, `${path}.elements[${i}]`, 3000));
        return;
      }
      case "input": {
        this.keys(b, path, ["type", "block_id", "label", "element", "hint", "optional", "dispatch_action"]);
        this.text(b.label, `${path}.label`, 2000, true);
        if (b.hint !== undefined) this.text(b.hint, `${path}.hint`, 2000, true);
        const el = b.element;
        if (isObject(el) && el.type === "plain_text_input") {
          this.keys(el, `${path}.element`, [
            "type",
            "action_id",
            "placeholder",
            "initial_value",
            "multiline",
            "min_length",
            "max_length",
            "dispatch_action_config",
            "focus_on_load",
          ]);
          this.str(el, "action_id", `${path}.element`, 255, false);
          if (el.placeholder !== undefined) this.text(el.placeholder, `${path}.element.placeholder`, 150, true);
          if (
            el.max_length !== undefined &&
            (typeof el.max_length !== "number" || el.max_length > 3000 || el.max_length < 1)
          )
            this.fail(`${path}.element.max_length`, "must be a number from 1 to 3000");
        } else this.element(el, `${path}.element`, new Set());
        return;
      }
      case "actions": {
        this.keys(b, path, ["type", "block_id", "elements"]);
        const els = b.elements;
        if (!Array.isArray(els) || els.length === 0) return this.fail(`${path}.elements`, "must be a non-empty array");
        if (els.length > 25) this.fail(`${path}.elements`, `at most 25 elements (has ${els.length})`);
        const ids = new Set<string>();
        els.forEach((e, i) => this.element(e, `${path}.elements[${i}]`, ids));
        return;
      }
      default:
        this.fail(path, `block type "${String(b.type)}" is not one this fake knows`);
    }
  }
}

/** The reasons Slack would refuse these blocks (empty when valid). */
export function validateBlocks(blocks: unknown, surface: Surface = "message"): string[] {
  const c = new Checker();
  if (!Array.isArray(blocks)) return ["blocks: must be an array"];
  const max = MAX_BLOCKS[surface];
  if (blocks.length > max) c.fail("blocks", `at most ${max} blocks in a ${surface} (has ${blocks.length})`);
  const ids = new Set<string>();
  blocks.forEach((b, i) => c.block(b, `blocks[${i}]`, ids));
  return c.errors;
}

export function validateView(view: unknown): string[] {
  if (!isObject(view)) return ["view: must be an object"];
  const c = new Checker();
  if (view.type !== "modal" && view.type !== "home") return [`view.type: "${String(view.type)}" is not modal or home`];
  c.keys(view, "view", [
    "type",
    "blocks",
    "title",
    "close",
    "submit",
    "callback_id",
    "private_metadata",
    "clear_on_close",
    "notify_on_close",
    "external_id",
    "submit_disabled",
  ]);
  if (view.type === "modal") {
    c.text(view.title, "view.title", 24, true);
    if (view.close !== undefined) c.text(view.close, "view.close", 24, true);
    if (view.submit !== undefined) c.text(view.submit, "view.submit", 24, true);
  }
  c.str(view, "callback_id", "view", 255, false);
  c.str(view, "private_metadata", "view", 3000, false);
  return [...c.errors, ...validateBlocks(view.blocks, view.type)];
}

/** A message body (chat.postMessage, chat.update, response_url, a slash command's ack). */
export function validateMessage(message: Json): string[] {
  const errors: string[] = [];
  if (message.blocks !== undefined) errors.push(...validateBlocks(message.blocks, "message"));
  else if (typeof message.text !== "string" || message.text === "") errors.push("text or blocks is required");
  if (typeof message.text === "string" && message.text.length > 40_000) errors.push("text: at most 40000 characters");
  return errors;
}

// ---------------------------------------------------------------------------------------
// The fake Web API and response_url endpoint

export interface ApiCall {
  method: string;
  /** The arguments as the app sent them, with JSON fields (blocks, view) parsed. */
  args: Json;
  token?: string;
  /** What the fake answered (ts, channel...). */
  result?: Json;
}

/** A failure the fake returns for the next call to a method, instead of handling it. */
export type Failure = { status: 500 | 502 | 503 } | { status: 429; retryAfter: number } | { error: string };

export interface ResponsePost {
  id: string;
  body: Json;
}

export interface FakeSlackOptions {
  botId?: string;
  botUserId?: string;
  teamId?: string;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function parseArgs(raw: string, contentType: string | undefined): Json {
  if (contentType?.includes("application/json")) return raw ? (JSON.parse(raw) as Json) : {};
  const args: Json = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    // The Web API client sends nested fields (blocks, view, attachments) as JSON strings.
    if (v.startsWith("{") || v.startsWith("[")) {
      try {
        args[k] = JSON.parse(v);
        continue;
      } catch {
        /* a plain string after all */
      }
    }
    args[k] = v;
  }
  return args;
}

export class FakeSlackApi {
  readonly calls: ApiCall[] = [];
  readonly responses: ResponsePost[] = [];
  /** Calls refused (invalid_blocks, unknown method), to assert there were none. */
  readonly refused: { method: string; errors: string[] }[] = [];
  /** Calls answered with an injected failure (failNext), in order. */
  readonly failed: { method: string; failure: Failure }[] = [];
  /** Members of user groups, for usergroups.users.list. */
  readonly usergroups: Record<string, string[]> = {};
  readonly #failures = new Map<string, Failure[]>();
  #server: Server | undefined;
  #base = "";
  #ts = 1_700_000_000;
  readonly #options: Required<FakeSlackOptions>;
  #waiters: (() => void)[] = [];

  constructor(options: FakeSlackOptions = {}) {
    this.#options = { botId: "B0BOT", botUserId: "U0BOT", teamId: "T0TEAM", ...options };
  }

  get apiUrl(): string {
    return `${this.#base}/api/`;
  }

  /** A response_url as Slack would put in a command or click payload. */
  responseUrl(id: string): string {
    return `${this.#base}/response/${encodeURIComponent(id)}`;
  }

  callsTo(method: string): ApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  reset(): void {
    this.calls.length = 0;
    this.responses.length = 0;
    this.refused.length = 0;
    this.failed.length = 0;
    this.#failures.clear();
  }

  /** The next calls to `method` fail like this, in order (an HTTP 5xx, a 429 with Retry-After, or ok:false). */
  failNext(method: string, ...failures: Failure[]): void {
    this.#failures.set(method, [...(this.#failures.get(method) ?? []), ...failures]);
  }

  /** Resolves when `check` holds (after each recorded call), or fails after `timeoutMs`. */
  async waitFor<T>(check: () => T | undefined | false, timeoutMs = 3000): Promise<T> {
    const first = check();
    if (first) return first;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        reject(
          new Error(
            `fake Slack: condition not met within ${timeoutMs} ms; calls: ${this.calls.map((c) => c.method).join(", ") || "none"}`,
          ),
        );
      }, timeoutMs);
      const waiter = () => {
        const value = check();
        if (value) {
          clearTimeout(timer);
          this.#waiters = this.#waiters.filter((w) => w !== waiter);
          resolve(value);
        }
      };
      this.#waiters.push(waiter);
    });
  }

  #notify() {
    for (const w of [...this.#waiters]) w();
  }

  async start(): Promise<this> {
    this.#server = createServer((req, res) => {
      void (async () => {
        const raw = await readBody(req);
        const url = new URL(req.url ?? "/", "http://localhost");
        const send = (status: number, body: Json) => {
          res.writeHead(status, { "content-type": "application/json" });
          res.end(JSON.stringify(body));
        };
        if (req.method === "POST" && url.pathname.startsWith("/response/")) {
          const body = JSON.parse(raw || "{}") as Json;
          const errors = validateMessage(body);
          if (errors.length > 0) {
            this.refused.push({ method: "response_url", errors });
            send(400, { ok: false, error: "invalid_blocks", errors });
          } else {
            this.responses.push({ id: decodeURIComponent(url.pathname.slice("/response/".length)), body });
            send(200, { ok: true });
          }
          this.#notify();
          return;
        }
        if (req.method === "POST" && url.pathname.startsWith("/api/")) {
          const method = url.pathname.slice("/api/".length);
          const args = parseArgs(raw, req.headers["content-type"]);
          const token = req.headers.authorization?.replace(/^Bearer /, "");
          const failure = this.#failures.get(method)?.shift();
          if (failure) {
            this.failed.push({ method, failure });
            if ("error" in failure) send(200, { ok: false, error: failure.error });
            else if (failure.status === 429) {
              res.writeHead(429, { "content-type": "application/json", "retry-after": String(failure.retryAfter) });
              res.end(JSON.stringify({ ok: false, error: "ratelimited" }));
            } else send(failure.status, { ok: false, error: "internal_error" });
            this.#notify();
            return;
          }
          const result = this.#handle(method, args);
          if (result.ok) this.calls.push({ method, args, ...(token ? { token } : {}), result });
          else this.refused.push({ method, errors: (result.errors as string[] | undefined) ?? [String(result.error)] });
          send(200, result);
          this.#notify();
          return;
        }
        send(404, { ok: false, error: "unknown_path" });
      })().catch((error: unknown) => {
        res.writeHead(500);
        res.end(String(error));
      });
    });
    this.#server.on("upgrade", (req: IncomingMessage, socket: Socket) => this.#upgrade(req, socket));
    await new Promise<void>((resolve) => this.#server!.listen({ port: 0, host: "127.0.0.1" }, resolve));
    const { port } = this.#server.address() as AddressInfo;
    this.#base = `http://127.0.0.1:${port}`;
    return this;
  }

  async close(): Promise<void> {
    if (!this.#server) return;
    const socket = this.#socket;
    if (socket && !socket.destroyed) {
      // Let a client that is disconnecting finish its close handshake first.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 500);
        socket.once("close", () => {
          clearTimeout(timer);
          resolve();
        });
      });
      socket.destroy();
    }
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server!.close(() => resolve()));
  }

  #handle(method: string, args: Json): Json {
    const { botId, botUserId, teamId } = this.#options;
    const invalid = (errors: string[]) => ({ ok: false, error: "invalid_blocks", errors });
    switch (method) {
      case "auth.test":
        return {
          ok: true,
          url: "https://example.slack.com/",
          team: "Example",
          user: "ice-protocol",
          team_id: teamId,
          user_id: botUserId,
          bot_id: botId,
        };
      case "chat.postMessage":
      case "chat.update":
      case "chat.postEphemeral": {
        if (typeof args.channel !== "string") return { ok: false, error: "channel_not_found" };
        if (method === "chat.update" && typeof args.ts !== "string") return { ok: false, error: "message_not_found" };
        const errors = validateMessage(args);
        if (errors.length > 0) return invalid(errors);
        const ts = method === "chat.update" ? (args.ts as string) : `${this.#ts++}.000100`;
        // A post to a user id goes to the bot's direct message with them (a D... channel).
        const channel = /^[UW]/.test(args.channel) ? `D${args.channel.slice(1)}` : args.channel;
        return { ok: true, channel, ts, message: { text: args.text, blocks: args.blocks, ts } };
      }
      case "views.open":
      case "views.publish":
      case "views.update": {
        if (method === "views.open" && typeof args.trigger_id !== "string")
          return { ok: false, error: "invalid_trigger_id" };
        if (method === "views.publish" && typeof args.user_id !== "string")
          return { ok: false, error: "user_not_found" };
        const errors = validateView(args.view);
        if (errors.length > 0) return invalid(errors);
        return { ok: true, view: { id: `V${this.#ts++}`, ...(args.view as Json) } };
      }
      case "usergroups.users.list": {
        const users = this.usergroups[args.usergroup as string];
        return users ? { ok: true, users } : { ok: false, error: "no_such_subteam" };
      }
      case "apps.connections.open":
        return { ok: true, url: `${this.#base.replace(/^http/, "ws")}/socket-mode?ticket=${this.#ts++}` };
      default:
        return { ok: false, error: "unknown_method" };
    }
  }

  // -------------------------------------------------------------------------------------
  // Socket Mode: apps.connections.open hands out a ws:// URL on this server; Slack then
  // sends "hello" and envelopes over the WebSocket, and the app acks each envelope_id.

  #socket: Socket | undefined;
  #socketReady: (() => void) | undefined;
  readonly #socketReadyPromise = new Promise<void>((resolve) => (this.#socketReady = resolve));
  readonly #acks = new Map<string, (payload: Json) => void>();
  #envelopes = 0;

  /** Resolves once a Socket Mode client has connected and been sent "hello". */
  socketConnected(): Promise<void> {
    return this.#socketReadyPromise;
  }

  /** Sends an envelope (slash_commands, events_api, interactive) and resolves with the app's ack payload. */
  sendEnvelope(type: string, payload: Json, extra: Json = {}): Promise<Json> {
    const socket = this.#socket;
    if (!socket) throw new Error("no Socket Mode client is connected");
    const envelopeId = `env-${++this.#envelopes}`;
    const acked = new Promise<Json>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ack for ${envelopeId}`)), 3000);
      this.#acks.set(envelopeId, (p) => {
        clearTimeout(timer);
        resolve(p);
      });
    });
    const message = {
      envelope_id: envelopeId,
      type,
      payload,
      accepts_response_payload: type !== "events_api",
      ...extra,
    };
    socket.write(wsFrame(1, Buffer.from(JSON.stringify(message))));
    return acked;
  }

  #upgrade(req: IncomingMessage, socket: Socket) {
    const key = req.headers["sec-websocket-key"];
    if (!key || !req.url?.startsWith("/socket-mode")) {
      socket.end("HTTP/1.1 400 Bad Request\r\n\r\n");
      return;
    }
    const accept = createHash("sha1").update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest("base64");
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    this.#socket = socket;
    let buffered = Buffer.alloc(0);
    let message: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        const frame = readWsFrame(buffered);
        if (!frame) break;
        buffered = buffered.subarray(frame.size);
        if (frame.opcode === 9) socket.write(wsFrame(10, frame.payload));
        else if (frame.opcode === 8) {
          socket.end(wsFrame(8, frame.payload.subarray(0, 2)));
          if (this.#socket === socket) this.#socket = undefined;
        } else if (frame.opcode === 1 || frame.opcode === 0) {
          message.push(frame.payload);
          if (frame.fin) {
            const data = JSON.parse(Buffer.concat(message).toString("utf8")) as {
              envelope_id?: string;
              payload?: Json;
            };
            message = [];
            if (data.envelope_id) this.#acks.get(data.envelope_id)?.(data.payload ?? {});
          }
        }
      }
    });
    socket.on("error", () => undefined);
    socket.write(
      wsFrame(
        1,
        Buffer.from(JSON.stringify({ type: "hello", num_connections: 1, connection_info: { app_id: "A0APP" } })),
      ),
    );
    this.#socketReady?.();
  }
}

/** One unmasked WebSocket frame, as a server sends it (RFC 6455). */
function wsFrame(opcode: number, payload: Buffer): Buffer {
  const n = payload.length;
  const head = n < 126 ? Buffer.from([0x80 | opcode, n]) : n < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
  if (n >= 126 && n < 65536) {
    head[0] = 0x80 | opcode;
    head[1] = 126;
    head.writeUInt16BE(n, 2);
  } else if (n >= 65536) {
    head[0] = 0x80 | opcode;
    head[1] = 127;
    head.writeBigUInt64BE(BigInt(n), 2);
  }
  return Buffer.concat([head, payload]);
}

/** One (masked, from a client) WebSocket frame at the start of `buf`, or undefined if incomplete. */
function readWsFrame(buf: Buffer): { fin: boolean; opcode: number; payload: Buffer; size: number } | undefined {
  if (buf.length < 2) return undefined;
  const fin = (buf[0]! & 0x80) !== 0;
  const opcode = buf[0]! & 0x0f;
  const masked = (buf[1]! & 0x80) !== 0;
  let len = buf[1]! & 0x7f;
  let offset = 2;
  if (len === 126) {
    if (buf.length < 4) return undefined;
    len = buf.readUInt16BE(2);
    offset = 4;
  } else if (len === 127) {
    if (buf.length < 10) return undefined;
    len = Number(buf.readBigUInt64BE(2));
    offset = 10;
  }
  const maskAt = offset;
  if (masked) offset += 4;
  if (buf.length < offset + len) return undefined;
  const payload = Buffer.from(buf.subarray(offset, offset + len));
  if (masked) for (let i = 0; i < len; i++) payload[i]! ^= buf[maskAt + (i % 4)]!;
  return { fin, opcode, payload, size: offset + len };
}

// ---------------------------------------------------------------------------------------
// Requests as Slack sends them

export interface SlackResponse {
  status: number;
  text: string;
  /** The body parsed as JSON, when it is JSON (a slash command's ack). */
  json?: Json;
}

export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
}

export interface SendOptions {
  /** Sign with this secret instead of the real one (a forgery). */
  secret?: string;
  /** Request timestamp (seconds); default now. */
  timestamp?: number;
  /** X-Slack-Retry-Num, as Slack sets on a retried event. */
  retryNum?: number;
}

export class SlackSender {
  #n = 0;
  constructor(
    private readonly url: string,
    private readonly secret: string,
    private readonly api: FakeSlackApi,
    readonly team = "T0TEAM",
  ) {}

  async post(body: string, contentType: string, options: SendOptions = {}): Promise<SlackResponse> {
    const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = {
      "content-type": contentType,
      "x-slack-request-timestamp": String(timestamp),
      "x-slack-signature": slackSignature(options.secret ?? this.secret, timestamp, body),
    };
    if (options.retryNum !== undefined) {
      headers["x-slack-retry-num"] = String(options.retryNum);
      headers["x-slack-retry-reason"] = "http_timeout";
    }
    const res = await fetch(this.url, { method: "POST", headers, body });
    const text = await res.text();
    let json: Json | undefined;
    try {
      json = text ? (JSON.parse(text) as Json) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, text, ...(json ? { json } : {}) };
  }

  /** A slash command, form-encoded, with a response_url on the fake. */
  command(
    text: string,
    options: SendOptions & { user?: string; command?: string; channel?: string } = {},
  ): Promise<SlackResponse> {
    const n = ++this.#n;
    const body = new URLSearchParams({
      token: "legacy-verification-token",
      team_id: this.team,
      team_domain: "example",
      channel_id: options.channel ?? "C0GENERAL",
      channel_name: "general",
      user_id: options.user ?? "U0ASKER",
      user_name: "asker",
      command: options.command ?? "/ice-protocol",
      text,
      api_app_id: "A0APP",
      is_enterprise_install: "false",
      response_url: this.api.responseUrl(`command-${n}`),
      trigger_id: `${n}.1.trigger`,
    }).toString();
    return this.post(body, "application/x-www-form-urlencoded", options);
  }

  /** An Events API callback, JSON. */
  event(event: Json, options: SendOptions & { eventId?: string } = {}): Promise<SlackResponse> {
    const n = ++this.#n;
    const body = JSON.stringify({
      token: "legacy-verification-token",
      team_id: this.team,
      api_app_id: "A0APP",
      event: { event_ts: `${1_700_000_000 + n}.000200`, ...event },
      type: "event_callback",
      event_id: options.eventId ?? `Ev${String(n).padStart(8, "0")}`,
      event_time: 1_700_000_000 + n,
      authorizations: [{ team_id: this.team, user_id: "U0BOT", is_bot: true, is_enterprise_install: false }],
      is_ext_shared_channel: false,
    });
    return this.post(body, "application/json", options);
  }

  /**
   * A block_actions click on an element of a message the app rendered: the payload carries
   * the element's action_id, block_id and value (or selected option), and a response_url.
   */
  click(
    found: { block: Json; element: Json; option?: Json },
    where: { ephemeral: boolean; channel?: string; messageTs?: string; user?: string },
    options: SendOptions = {},
  ): Promise<SlackResponse> {
    const n = ++this.#n;
    const { block, element, option } = found;
    const action: Json = {
      type: element.type,
      action_id: element.action_id,
      block_id: block.block_id,
      action_ts: `${1_700_000_000 + n}.000300`,
      ...(element.type === "button" ? { value: element.value, text: element.text } : {}),
      ...(option ? { selected_option: option } : {}),
    };
    const channel = where.channel ?? "C0GENERAL";
    const payload: Json = {
      type: "block_actions",
      user: { id: where.user ?? "U0ASKER", username: "asker", team_id: this.team },
      api_app_id: "A0APP",
      token: "legacy-verification-token",
      container: where.ephemeral
        ? {
            type: "message",
            message_ts: where.messageTs ?? `${1_700_000_000 + n}.000100`,
            channel_id: channel,
            is_ephemeral: true,
          }
        : {
            type: "message",
            message_ts: where.messageTs ?? "1700000000.000100",
            channel_id: channel,
            is_ephemeral: false,
          },
      trigger_id: `${n}.2.trigger`,
      team: { id: this.team, domain: "example" },
      channel: { id: channel, name: channel.startsWith("D") ? "directmessage" : "general" },
      response_url: this.api.responseUrl(`click-${n}`),
      actions: [action],
      ...(where.ephemeral
        ? {}
        : { message: { type: "message", ts: where.messageTs ?? "1700000000.000100", text: "" } }),
    };
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    return this.post(body, "application/x-www-form-urlencoded", options);
  }

  /**
   * A modal submitted (view_submission): the view the app opened, with the values typed, per
   * block_id and action_id ({ text: { text: "..." } } or { outcome: { outcome: { value } } }
   * for a select). The app's ack is the response (response_action errors, or empty).
   */
  submitView(
    view: Json,
    values: Record<string, Record<string, string | { value: string }>>,
    options: SendOptions & { user?: string } = {},
  ): Promise<SlackResponse> {
    const n = ++this.#n;
    const state: Record<string, Record<string, Json>> = {};
    for (const [blockId, actions] of Object.entries(values)) {
      state[blockId] = {};
      for (const [actionId, value] of Object.entries(actions)) {
        state[blockId][actionId] =
          typeof value === "string"
            ? { type: "plain_text_input", value }
            : {
                type: "static_select",
                selected_option: { text: { type: "plain_text", text: value.value }, value: value.value },
              };
      }
    }
    const payload: Json = {
      type: "view_submission",
      team: { id: this.team, domain: "example" },
      user: { id: options.user ?? "U0ASKER", username: "someone", team_id: this.team },
      api_app_id: "A0APP",
      token: "legacy-verification-token",
      trigger_id: `${n}.4.trigger`,
      view: {
        id: `V0MODAL${n}`,
        team_id: this.team,
        app_id: "A0APP",
        bot_id: "B0BOT",
        hash: `${n}.hash`,
        root_view_id: `V0MODAL${n}`,
        previous_view_id: null,
        clear_on_close: false,
        notify_on_close: false,
        private_metadata: "",
        ...view,
        state: { values: state },
      },
      response_urls: [],
    };
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    return this.post(body, "application/x-www-form-urlencoded", options);
  }

  /** A click on an App Home element (a view, not a message). */
  clickInView(
    found: { block: Json; element: Json; option?: Json },
    view: Json,
    user = "U0ASKER",
  ): Promise<SlackResponse> {
    const n = ++this.#n;
    const payload: Json = {
      type: "block_actions",
      user: { id: user, username: "asker", team_id: this.team },
      api_app_id: "A0APP",
      token: "legacy-verification-token",
      container: { type: "view", view_id: "V0HOME" },
      trigger_id: `${n}.3.trigger`,
      team: { id: this.team, domain: "example" },
      view: { id: "V0HOME", ...view },
      actions: [
        {
          type: found.element.type,
          action_id: found.element.action_id,
          block_id: found.block.block_id,
          action_ts: `${1_700_000_000 + n}.000400`,
          ...(found.option ? { selected_option: found.option } : {}),
        },
      ],
    };
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    return this.post(body, "application/x-www-form-urlencoded");
  }
}

/** Finds an interactive element in rendered blocks: by action_id (exact or prefix) and, for menus, an option. */
export function findElement(
  blocks: unknown,
  actionId: string | RegExp,
  pick?: { optionValue?: string; optionText?: RegExp; buttonText?: RegExp },
): { block: Json; element: Json; option?: Json } {
  if (!Array.isArray(blocks)) throw new Error("no blocks");
  for (const block of blocks as Json[]) {
    const elements =
      block.type === "actions" ? (block.elements as Json[]) : block.accessory ? [block.accessory as Json] : [];
    for (const element of elements) {
      const id = element.action_id as string;
      if (typeof actionId === "string" ? id !== actionId : !actionId.test(id)) continue;
      if (pick?.buttonText && !pick.buttonText.test((element.text as Json).text as string)) continue;
      if (pick?.optionValue || pick?.optionText) {
        const option = (element.options as Json[]).find(
          (o) =>
            (pick.optionValue === undefined || o.value === pick.optionValue) &&
            (pick.optionText === undefined || pick.optionText.test((o.text as Json).text as string)),
        );
        if (!option) continue;
        return { block, element, option };
      }
      return { block, element };
    }
  }
  throw new Error(`no element ${String(actionId)} ${JSON.stringify(pick ?? {})} in the blocks`);
}

/** All the text of some blocks, for assertions (mrkdwn entities unescaped). */
export function blocksText(blocks: unknown): string {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (isObject(v)) {
      if ((v.type === "plain_text" || v.type === "mrkdwn") && typeof v.text === "string") out.push(v.text);
      else for (const [k, x] of Object.entries(v)) if (k !== "value") walk(x);
    }
  };
  walk(blocks);
  return out.join("\n").replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&amp;", "&");
}

/**
 * The settings of a bot in HTTP mode on 127.0.0.1 (an ephemeral port) that talks to this fake
 * Web API, with its ids given (no auth.test at start).
 */
export function httpBotConfig(api: FakeSlackApi, signingSecret: string) {
  return {
    mode: "http" as const,
    signingSecret,
    botToken: "xoxb-test-token",
    apiUrl: api.apiUrl,
    botId: "B0BOT",
    botUserId: "U0BOT",
    port: 0,
    host: "127.0.0.1",
  };
}

/** A Bolt logger that says nothing (tests that make errors on purpose). */
export function quietLogger(): Logger {
  let level = LogLevel.ERROR;
  return {
    debug: () => undefined,
    info: () => undefined,
    warn: () => undefined,
    error: () => undefined,
    setLevel: (l: LogLevel) => void (level = l),
    getLevel: () => level,
    setName: () => undefined,
  };
}
