/**
 * Slack retries an event it thinks went unanswered (X-Slack-Retry-Num 1, 2, 3 within about
 * five minutes), with the same event_id. Bolt acknowledges but does not deduplicate, so a
 * retried DM would be answered twice. RecentIds remembers the event ids one instance saw;
 * DatabaseSeenEvents adds the database, so that several instances behind a load balancer
 * answer each event once between them.
 */
import { withTimeout } from "./profile-store.js";

/** Is this the first delivery of an event? (Answering twice beats not answering: when unsure, yes.) */
export interface SeenEvents {
  firstTime(eventId: string): Promise<boolean>;
}

export class RecentIds {
  readonly #seen = new Map<string, number>();

  constructor(
    private readonly ttlMs = 60 * 60 * 1000,
    private readonly maxSize = 50_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** True the first time an id is offered (within the TTL), false for a repeat. */
  firstTime(id: string): boolean {
    const now = this.now();
    const seenAt = this.#seen.get(id);
    if (seenAt !== undefined && now - seenAt < this.ttlMs) return false;
    this.#seen.delete(id);
    this.#seen.set(id, now);
    // Maps keep insertion order: the oldest entries come first.
    for (const [key, at] of this.#seen) {
      if (this.#seen.size <= this.maxSize && now - at < this.ttlMs) break;
      this.#seen.delete(key);
    }
    return true;
  }

  get size(): number {
    return this.#seen.size;
  }
}

/** One instance's memory of event ids, as SeenEvents. */
export class MemorySeenEvents implements SeenEvents {
  readonly #recent = new RecentIds();

  async firstTime(eventId: string): Promise<boolean> {
    return this.#recent.firstTime(eventId);
  }
}

/** The database's event ids, as far as this adapter uses them. */
export interface StoredSeenEvents {
  firstTime(platform: "slack", eventId: string): Promise<boolean>;
}

export interface DatabaseSeenEventsOptions {
  /** The database store, or undefined while the database is unavailable. */
  store: () => StoredSeenEvents | undefined;
  /** A check slower than this lets the event through (default 1000 ms). */
  timeoutMs?: number;
  onError?: (error: unknown) => void;
}

/**
 * Event ids checked in this instance's memory first (a repeat it saw itself costs no query),
 * then in the database shared by all instances. When the database is unavailable, slow or
 * failing, the event is answered: a duplicate answer is better than none.
 */
export class DatabaseSeenEvents implements SeenEvents {
  readonly #memory = new RecentIds();
  readonly #store: () => StoredSeenEvents | undefined;
  readonly #timeoutMs: number;
  readonly #onError: (error: unknown) => void;

  constructor(options: DatabaseSeenEventsOptions) {
    this.#store = options.store;
    this.#timeoutMs = options.timeoutMs ?? 1000;
    this.#onError = options.onError ?? (() => undefined);
  }

  async firstTime(eventId: string): Promise<boolean> {
    if (!this.#memory.firstTime(eventId)) return false;
    const store = this.#store();
    if (!store) return true;
    try {
      return await withTimeout(store.firstTime("slack", eventId), this.#timeoutMs, "the event database");
    } catch (error) {
      this.#onError(error);
      return true;
    }
  }
}
