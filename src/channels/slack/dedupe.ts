/**
 * Slack retries an event it thinks went unanswered (X-Slack-Retry-Num 1, 2, 3 within about
 * five minutes), with the same event_id. Bolt acknowledges but does not deduplicate, so a
 * retried DM would be answered twice. This remembers the event ids seen recently.
 *
 * In memory, so it covers one instance; several instances behind a load balancer need the
 * shared store the escalation issue brings (or sticky routing by team).
 */
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
