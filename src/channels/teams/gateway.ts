/**
 * The Teams side of escalation: a ChannelGateway the OutboxWorker delivers through. The
 * lifecycle is the EscalationService's; this only turns its messages into Teams activities.
 *
 * - `case.card`: a new thread in the queue's Teams channel (escalation config), created with
 *   the case card as its first message. Its thread id ("19:...;messageid=N") is the
 *   platform message id the outbox keeps; later messages of the case go in that thread.
 * - `case.card.update`: the card replaced in place (updateActivity on the thread's root).
 * - notices, relays and reminders for a queue: a reply in the case thread.
 * - anything for a person: a proactive message, through the conversation reference kept when
 *   they last wrote to the bot (ProfileStore), or a new 1:1 chat with them (the app must be
 *   installed for them, which installing it for the team or the organisation does).
 */
import { TurnContext, type Activity, type CloudAdapter, type ConversationReference } from "botbuilder";
import { DeliveryError, type ChannelGateway, type DeliveryResult } from "../../escalation/outbox.js";
import type { EscalationConfig } from "../../escalation/config.js";
import type { ProfileStore } from "../../escalation/profiles.js";
import type { OutboxMessage, UserRef } from "../../escalation/types.js";
import type { Queue } from "../../policy/vocabulary.js";
import {
  askerNoticeCard,
  caseCard,
  CARD_CONTENT_TYPE,
  platformName,
  queueNoticeText,
  relayToAskerCard,
  relayToLegalText,
  reminderText,
  type CardMessage,
  type NameOf,
} from "./cards.js";

export const TEAMS = "teams";
const CHANNEL_ID = "msteams";

/** A card as a message activity. */
export function cardActivity(message: CardMessage): Partial<Activity> {
  return {
    type: "message",
    text: undefined,
    summary: message.text.slice(0, 250),
    attachments: [{ contentType: CARD_CONTENT_TYPE, content: message.card }],
  };
}

export function textActivity(text: string): Partial<Activity> {
  return { type: "message", text, textFormat: "plain" };
}

/** "19:abc@thread.tacv2;messageid=123" -> "123": the thread's root message. */
export function rootMessageId(threadId: string): string | undefined {
  const m = /;messageid=([^;]+)$/.exec(threadId);
  return m?.[1];
}

/** Display names seen in activities (in memory only), so cards can name people. */
export class DisplayNames {
  readonly #names = new Map<string, string>();
  remember(userId: string | undefined, name: string | undefined): void {
    if (!userId || !name) return;
    if (this.#names.size > 10_000) this.#names.clear();
    this.#names.set(userId.toLowerCase(), name.slice(0, 100));
  }
  nameOf: NameOf = (u: UserRef) => (u.platform === TEAMS && this.#names.get(u.userId.toLowerCase())) || platformName(u);
}

export interface TeamsGatewayOptions {
  adapter: CloudAdapter;
  /** The bot's app id ("" in local mode). */
  appId: string;
  /** Where to reach Teams for a conversation we have no reference for. */
  serviceUrl: () => string;
  tenantId: () => string | undefined;
  names: DisplayNames;
  /** Conversation references, once escalation's database is open. */
  profiles: () => ProfileStore | undefined;
}

/** The connector's HTTP status in an error from the Bot Framework REST client. */
function statusOf(error: unknown): number | undefined {
  const e = error as { statusCode?: unknown; status?: unknown; response?: { status?: unknown } } | null;
  const s = e?.statusCode ?? e?.status ?? e?.response?.status;
  return typeof s === "number" ? s : undefined;
}

function retryAfterMs(error: unknown): number | undefined {
  const headers = (error as { response?: { headers?: { get?: (n: string) => string | undefined } } })?.response
    ?.headers;
  const raw = headers?.get?.("retry-after");
  const seconds = raw ? Number(raw) : NaN;
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined;
}

/** Teams' answer as a DeliveryError: throttling and outages are retried, refusals are not. */
export function deliveryErrorOf(error: unknown): DeliveryError {
  if (error instanceof DeliveryError) return error;
  const status = statusOf(error);
  const message = `teams: ${status ? `HTTP ${status}: ` : ""}${(error as Error)?.message ?? String(error)}`.slice(
    0,
    500,
  );
  if (status === 429) {
    const after = retryAfterMs(error);
    return new DeliveryError(message, { retryable: true, ...(after ? { retryAfterMs: after } : {}), cause: error });
  }
  // 400 (a card Teams refuses), 401/403 (the bot is not in that team), 404 (no such conversation), 413 (too big).
  const permanent = status !== undefined && status >= 400 && status < 500 && status !== 408;
  return new DeliveryError(message, { retryable: !permanent, cause: error });
}

export class TeamsGateway implements ChannelGateway {
  readonly #o: TeamsGatewayOptions;
  #config: EscalationConfig | undefined;

  constructor(options: TeamsGatewayOptions) {
    this.#o = options;
  }

  /** The escalation settings: which Teams channel each queue's cases go to. */
  useConfig(config: EscalationConfig): void {
    this.#config = config;
  }

  async send(m: OutboxMessage): Promise<DeliveryResult | void> {
    try {
      return await this.#send(m);
    } catch (error) {
      throw deliveryErrorOf(error);
    }
  }

  async #send(m: OutboxMessage): Promise<DeliveryResult | void> {
    const nameOf = this.#o.names.nameOf;
    switch (m.kind) {
      case "case.card": {
        await this.#loadNames([m.payload.case.asker, m.payload.case.owner]);
        const thread = await this.#newThread(this.#channelOf(m.target), cardActivity(caseCard(m.payload.case, nameOf)));
        return { platformMessageId: thread };
      }
      case "case.card.update": {
        if (!m.thread)
          throw new DeliveryError("teams: the case card was never posted, so it cannot be updated", {
            retryable: false,
          });
        await this.#loadNames([m.payload.case.asker, m.payload.case.owner]);
        await this.#update(m.thread, cardActivity(caseCard(m.payload.case, nameOf)));
        return;
      }
      case "queue.notice":
        await this.#loadNames([m.payload.by]);
        return this.#toQueue(m, textActivity(queueNoticeText(m.payload, nameOf)));
      case "relay.to-legal":
        return this.#toQueue(m, textActivity(relayToLegalText(m.payload)));
      case "asker.notice":
        await this.#loadNames([m.payload.by]);
        return this.#toUser(m, cardActivity(askerNoticeCard(m.payload, nameOf)));
      case "relay.to-asker":
        await this.#loadNames([m.payload.from]);
        return this.#toUser(m, cardActivity(relayToAskerCard(m.payload, nameOf)));
      case "reminder.unclaimed":
      case "reminder.idle": {
        const activity = textActivity(reminderText(m));
        return m.target.type === "queue" ? this.#toQueue(m, activity) : this.#toUser(m, activity);
      }
    }
  }

  #channelOf(target: OutboxMessage["target"]): string {
    if (target.type !== "queue") throw new DeliveryError("teams: a case card goes to a queue", { retryable: false });
    const channel = this.#config?.queues[target.queue as Queue]?.teams?.channel;
    if (!channel) {
      throw new DeliveryError(`teams: queue ${target.queue} has no Teams channel configured`, { retryable: false });
    }
    return channel;
  }

  /** Into the case thread; a new thread when the card never made it there. */
  async #toQueue(m: OutboxMessage, activity: Partial<Activity>): Promise<void> {
    if (m.thread) {
      await this.#continue(this.#referenceTo(m.thread), (ctx) => ctx.sendActivity(activity));
    } else {
      await this.#newThread(this.#channelOf(m.target), activity);
    }
  }

  async #toUser(m: OutboxMessage, activity: Partial<Activity>): Promise<void> {
    if (m.target.type !== "user")
      throw new DeliveryError("teams: expected a person as the target", { retryable: false });
    await this.sendToUser(m.target.userId, activity);
  }

  /** A proactive message to one person (their Microsoft Entra object id). */
  async sendToUser(aadObjectId: string, activity: Partial<Activity>): Promise<void> {
    const profiles = this.#o.profiles();
    const ref = profiles ? await profiles.getConversationRef<Partial<ConversationReference>>(TEAMS, aadObjectId) : null;
    if (ref?.conversation?.conversationType === "personal" && ref.conversation.id) {
      await this.#continue(ref, (ctx) => ctx.sendActivity(activity));
      return;
    }
    // No 1:1 chat on file (they asked in a channel, or never wrote): open one.
    const tenantId = ref?.conversation?.tenantId ?? this.#o.tenantId();
    const serviceUrl = ref?.serviceUrl ?? this.#o.serviceUrl();
    const member = { id: ref?.user?.id ?? aadObjectId, ...(ref?.user?.name ? { name: ref.user.name } : {}) };
    let created: Partial<ConversationReference> | undefined;
    await this.#o.adapter.createConversationAsync(
      this.#o.appId,
      CHANNEL_ID,
      serviceUrl,
      undefined as unknown as string,
      {
        isGroup: false,
        bot: { id: this.#botId(), name: "" },
        members: [member],
        ...(tenantId ? { tenantId, channelData: { tenant: { id: tenantId } } } : {}),
      } as never,
      async (ctx) => {
        await ctx.sendActivity(activity);
        created = TurnContext.getConversationReference(ctx.activity);
      },
    );
    if (created?.conversation && profiles) {
      const personal: Partial<ConversationReference> = {
        ...created,
        conversation: { ...created.conversation, conversationType: "personal", ...(tenantId ? { tenantId } : {}) },
        user: { id: member.id, name: member.name ?? "", aadObjectId } as ConversationReference["user"],
        channelId: CHANNEL_ID,
        serviceUrl,
      };
      await profiles.saveConversationRef(TEAMS, aadObjectId, personal);
    }
  }

  /** A new thread in a channel, starting with `activity`; returns the thread's conversation id. */
  async #newThread(channelId: string, activity: Partial<Activity>): Promise<string> {
    const tenantId = this.#o.tenantId();
    let thread: string | undefined;
    await this.#o.adapter.createConversationAsync(
      this.#o.appId,
      CHANNEL_ID,
      this.#o.serviceUrl(),
      undefined as unknown as string,
      {
        isGroup: true,
        bot: { id: this.#botId(), name: "" },
        channelData: { channel: { id: channelId }, ...(tenantId ? { tenant: { id: tenantId } } : {}) },
        activity,
        ...(tenantId ? { tenantId } : {}),
      } as never,
      async (ctx) => {
        thread = ctx.activity.conversation?.id;
      },
    );
    if (!thread) throw new DeliveryError("teams: creating the thread returned no conversation id");
    return thread;
  }

  async #update(thread: string, activity: Partial<Activity>): Promise<void> {
    const root = rootMessageId(thread);
    if (!root) throw new DeliveryError(`teams: "${thread}" is not a thread id`, { retryable: false });
    await this.#continue(this.#referenceTo(thread), async (ctx) => {
      await ctx.updateActivity({ ...activity, id: root });
    });
  }

  #referenceTo(conversationId: string): Partial<ConversationReference> {
    const tenantId = this.#o.tenantId();
    return {
      channelId: CHANNEL_ID,
      serviceUrl: this.#o.serviceUrl(),
      conversation: {
        id: conversationId,
        isGroup: true,
        conversationType: "channel",
        ...(tenantId ? { tenantId } : {}),
      } as ConversationReference["conversation"],
      bot: { id: this.#botId(), name: "" },
    };
  }

  async #continue(ref: Partial<ConversationReference>, logic: (ctx: TurnContext) => Promise<unknown>): Promise<void> {
    await this.#o.adapter.continueConversationAsync(this.#o.appId, ref, async (ctx) => {
      await logic(ctx);
    });
  }

  #botId(): string {
    return `28:${this.#o.appId}`;
  }

  /** Names of Teams users from their stored conversation references, for the cards. */
  async #loadNames(users: (UserRef | null | undefined)[]): Promise<void> {
    const profiles = this.#o.profiles();
    if (!profiles) return;
    for (const u of users) {
      if (!u || u.platform !== TEAMS || !u.userId) continue;
      if (this.#o.names.nameOf(u) !== platformName(u)) continue;
      try {
        const ref = await profiles.getConversationRef<Partial<ConversationReference>>(TEAMS, u.userId);
        this.#o.names.remember(u.userId, ref?.user?.name);
      } catch {
        // A name is a nicety: the card goes out without it.
      }
    }
  }
}
