/**
 * The Slack side of the escalation outbox: a ChannelGateway that delivers each OutboxMessage
 * with the Web API.
 *
 * - case.card: the card, posted in the queue's legal channel; case.card.update: chat.update
 *   of that card.
 * - queue.notice, relay.to-legal, reminder.unclaimed (to the channel): replies in the card's
 *   thread (thread_ts = the card's ts); the unclaimed reminder is also shown in the channel.
 * - asker.notice, relay.to-asker, reminder.* to a person: a direct message (chat.postMessage
 *   to the user id). A lawyer's message to the employee is also copied into the case thread,
 *   best effort, so colleagues see both sides.
 *
 * The message id recorded for a post is "<channel id>:<ts>": a card's locates its channel
 * and thread for later updates, and a reply in a DM thread finds its case by it.
 *
 * The client makes one attempt per call (no retries of its own, 429 not waited out): the
 * outbox owns retries and backoff. Errors become DeliveryError: 429 with its Retry-After,
 * 5xx and network errors retryable, and Slack's permanent refusals (channel_not_found,
 * not_in_channel, invalid_blocks, ...) not retried.
 */
import { webApi, type Logger } from "@slack/bolt";
import type { EscalationConfig } from "../../escalation/config.js";
import { DeliveryError, type ChannelGateway, type DeliveryResult } from "../../escalation/outbox.js";
import type { OutboxMessage } from "../../escalation/types.js";
import type { Queue } from "../../policy/vocabulary.js";
import type { SlackMessage } from "./blocks.js";
import {
  askerNoticeMessage,
  caseCard,
  queueNoticeMessage,
  relayCopyMessage,
  relayToAskerMessage,
  relayToLegalMessage,
  reminderIdleMessage,
  reminderUnclaimedMessage,
} from "./case-blocks.js";

/** Slack errors that the same call will never get past: set the message aside. */
const PERMANENT = new Set([
  "channel_not_found",
  "not_in_channel",
  "is_archived",
  "invalid_blocks",
  "invalid_blocks_format",
  "invalid_arguments",
  "msg_too_long",
  "no_text",
  "too_many_attachments",
  "message_not_found",
  "cant_update_message",
  "edit_window_closed",
  "user_not_found",
  "user_disabled",
  "cannot_dm_bot",
  "messages_tab_disabled",
  "restricted_action",
  "restricted_action_read_only_channel",
  "restricted_action_thread_only_channel",
  "restricted_action_non_threadable_channel",
  "not_authed",
  "invalid_auth",
  "account_inactive",
  "token_revoked",
  "token_expired",
  "no_permission",
  "missing_scope",
  "team_access_not_granted",
  "ekm_access_denied",
]);

/** The DeliveryError the outbox needs for what the Web API client threw. */
export function deliveryErrorOf(error: unknown, what: string): DeliveryError {
  if (error instanceof DeliveryError) return error;
  const e = error as {
    code?: string;
    retryAfter?: number;
    statusCode?: number;
    data?: { error?: string; response_metadata?: { retryAfter?: number } };
    message?: string;
  };
  switch (e?.code) {
    case webApi.ErrorCode.RateLimitedError:
      return new DeliveryError(`${what}: Slack rate limit (429), retry after ${e.retryAfter ?? "?"} s`, {
        retryable: true,
        ...(typeof e.retryAfter === "number" ? { retryAfterMs: e.retryAfter * 1000 } : {}),
        cause: error,
      });
    case webApi.ErrorCode.HTTPError: {
      const status = e.statusCode ?? 0;
      return new DeliveryError(`${what}: Slack responded HTTP ${status}`, {
        retryable: status === 429 || status >= 500 || status === 408,
        cause: error,
      });
    }
    case webApi.ErrorCode.PlatformError: {
      const code = e.data?.error ?? "unknown_error";
      const retryAfter = e.data?.response_metadata?.retryAfter;
      return new DeliveryError(`${what}: Slack refused it (${code})`, {
        retryable: !PERMANENT.has(code),
        ...(code === "ratelimited" && typeof retryAfter === "number" ? { retryAfterMs: retryAfter * 1000 } : {}),
        cause: error,
      });
    }
    default:
      // Network errors, timeouts, and anything unexpected: try again later.
      return new DeliveryError(`${what}: ${e?.message ?? String(error)}`, { retryable: true, cause: error });
  }
}

/** "<channel>:<ts>", the message id this gateway records. */
export function messageId(channel: string, ts: string): string {
  return `${channel}:${ts}`;
}

export function parseMessageId(id: string | undefined): { channel: string; ts: string } | undefined {
  if (!id) return undefined;
  const at = id.indexOf(":");
  if (at <= 0) return undefined;
  return { channel: id.slice(0, at), ts: id.slice(at + 1) };
}

export interface SlackGatewayOptions {
  botToken: string;
  /** Web API base URL ending with "/" (tests, a proxy); default Slack's. */
  apiUrl?: string;
  config: EscalationConfig;
  logger?: Logger;
  /** Per-call timeout (default 10 s): a hung call must not hold the outbox lease. */
  timeoutMs?: number;
}

export class SlackGateway implements ChannelGateway {
  /** The gateway's own client: one attempt per call, 429 rejected at once. */
  readonly client: InstanceType<typeof webApi.WebClient>;
  readonly #config: EscalationConfig;
  readonly #logger: Logger | undefined;

  constructor(options: SlackGatewayOptions) {
    this.#config = options.config;
    this.#logger = options.logger;
    this.client = new webApi.WebClient(options.botToken, {
      ...(options.apiUrl ? { slackApiUrl: options.apiUrl } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: options.timeoutMs ?? 10_000,
    });
  }

  /** The queue's legal channel on Slack (from the escalation config). */
  channelOf(queue: Queue): string {
    const channel = this.#config.queues[queue]?.slack?.channel;
    if (!channel) throw new DeliveryError(`queue ${queue} has no Slack channel configured`, { retryable: false });
    return channel;
  }

  async send(message: OutboxMessage): Promise<DeliveryResult> {
    const what = `${message.kind} for case ${"ref" in message.payload ? message.payload.ref : message.caseId}`;
    try {
      return await this.#send(message);
    } catch (error) {
      throw deliveryErrorOf(error, what);
    }
  }

  async #send(message: OutboxMessage): Promise<DeliveryResult> {
    const card = parseMessageId(message.thread);
    switch (message.kind) {
      case "case.card": {
        if (message.target.type !== "queue")
          throw new DeliveryError("a case card goes to a queue", { retryable: false });
        return this.#post(this.channelOf(message.target.queue), caseCard(message.payload.case));
      }
      case "case.card.update": {
        if (!card)
          throw new DeliveryError("the case card was never posted, so it cannot be updated", { retryable: false });
        const body = caseCard(message.payload.case);
        await this.client.chat.update({ channel: card.channel, ts: card.ts, text: body.text, blocks: body.blocks });
        return { platformMessageId: messageId(card.channel, card.ts) };
      }
      case "queue.notice":
        return this.#toQueue(message.target, card, queueNoticeMessage(message.payload));
      case "relay.to-legal":
        return this.#toQueue(message.target, card, relayToLegalMessage(message.payload));
      case "asker.notice":
        return this.#toUser(message.target, askerNoticeMessage(message.payload));
      case "relay.to-asker": {
        const sent = await this.#toUser(message.target, relayToAskerMessage(message.payload));
        if (card) {
          // Best effort: a failure here must not resend the DM on the outbox's retry.
          try {
            await this.#post(card.channel, relayCopyMessage(message.payload), card.ts);
          } catch (error) {
            this.#logger?.warn(
              `could not copy a relayed message into the thread of ${message.payload.ref}: ${(error as Error).message}`,
            );
          }
        }
        return sent;
      }
      case "reminder.unclaimed": {
        const body = reminderUnclaimedMessage(
          message.payload,
          this.#config.queues[message.payload.queue]?.slack?.channel,
        );
        if (message.target.type === "user") return this.#toUser(message.target, body);
        return this.#toQueue(message.target, card, body, { broadcast: true });
      }
      case "reminder.idle":
        return this.#toUser(message.target, reminderIdleMessage(message.payload));
      default: {
        const kind: string = (message as { kind: string }).kind;
        throw new DeliveryError(`unknown outbox message kind ${kind}`, { retryable: false });
      }
    }
  }

  async #post(channel: string, body: SlackMessage, threadTs?: string, broadcast = false): Promise<DeliveryResult> {
    const base = { channel, text: body.text, blocks: body.blocks, unfurl_links: false, unfurl_media: false };
    const result = await this.client.chat.postMessage(
      threadTs ? { ...base, thread_ts: threadTs, reply_broadcast: broadcast } : base,
    );
    const ts = result.ts;
    if (!ts) throw new DeliveryError(`chat.postMessage returned no ts`, { retryable: true });
    return { platformMessageId: messageId(result.channel ?? channel, ts) };
  }

  /** In the card's thread; a channel message (with the reference) if the card never went out. */
  #toQueue(
    target: OutboxMessage["target"],
    card: { channel: string; ts: string } | undefined,
    body: SlackMessage,
    options: { broadcast?: boolean } = {},
  ): Promise<DeliveryResult> {
    if (target.type !== "queue") return this.#toUser(target, body);
    if (card) return this.#post(card.channel, body, card.ts, options.broadcast);
    return this.#post(this.channelOf(target.queue), body);
  }

  #toUser(target: OutboxMessage["target"], body: SlackMessage): Promise<DeliveryResult> {
    if (target.type !== "user") return this.#post(this.channelOf(target.queue), body);
    // chat.postMessage to a user id posts in the bot's direct message with them.
    return this.#post(target.userId, body);
  }
}

/**
 * Members of a Slack user group, for the legal directory (usergroups.users.list), cached for
 * `ttlMs` (default 5 minutes) so an action costs no API call. If Slack cannot answer, the
 * last known members are used; with none, nobody (a directory that cannot answer grants
 * nothing).
 */
export function slackGroupMembers(
  client: InstanceType<typeof webApi.WebClient>,
  options: { ttlMs?: number; now?: () => number; logger?: Logger } = {},
): (platform: string, groupId: string) => Promise<string[]> {
  const ttl = options.ttlMs ?? 5 * 60_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { at: number; members: string[] }>();
  const pending = new Map<string, Promise<string[]>>();
  return async (platform, groupId) => {
    if (platform !== "slack") return [];
    const hit = cache.get(groupId);
    if (hit && now() - hit.at < ttl) return hit.members;
    let loading = pending.get(groupId);
    if (!loading) {
      loading = (async () => {
        try {
          const result = await client.usergroups.users.list({ usergroup: groupId });
          const members = (result.users ?? []).filter((u): u is string => typeof u === "string");
          cache.set(groupId, { at: now(), members });
          return members;
        } catch (error) {
          options.logger?.warn(`usergroups.users.list ${groupId} failed: ${(error as Error).message}`);
          return hit?.members ?? [];
        } finally {
          pending.delete(groupId);
        }
      })();
      pending.set(groupId, loading);
    }
    return loading;
  };
}
