/**
 * Platform events already taken, shared by every instance through the database: Slack
 * resends an event it thinks went unanswered (same event_id), and behind a load balancer the
 * retry may reach another instance than the first delivery did. Rows are kept an hour (Slack
 * retries within minutes) and deleted as new ones come.
 */
import { query, type Db } from "./store.js";
import type { Clock, Platform } from "./types.js";

/** How long an event id is remembered. */
export const SEEN_EVENT_KEEP_MS = 60 * 60 * 1000;
/** Old rows are deleted after every this many new ones (per instance). */
const PURGE_EVERY = 500;

export class SeenEventStore {
  private readonly prisma: Db;
  private readonly clock: Clock;
  private added = 0;

  constructor(options: { db: { prisma: Db }; clock?: Clock }) {
    this.prisma = options.db.prisma;
    this.clock = options.clock ?? (() => new Date());
  }

  /** True for the first delivery of this event to any instance; false for a repeat. */
  async firstTime(platform: Platform, eventId: string): Promise<boolean> {
    const now = this.clock();
    // One statement, atomic across instances: INSERT ... ON CONFLICT DO NOTHING.
    const { count } = await query(() =>
      this.prisma.seenEvent.createMany({ data: [{ platform, eventId, seenAt: now }], skipDuplicates: true }),
    );
    if (count === 1 && ++this.added % PURGE_EVERY === 0) await this.purge();
    return count === 1;
  }

  /** Deletes the ids older than the time they are kept. */
  async purge(): Promise<number> {
    const before = new Date(this.clock().getTime() - SEEN_EVENT_KEEP_MS);
    const { count } = await query(() => this.prisma.seenEvent.deleteMany({ where: { seenAt: { lt: before } } }));
    return count;
  }
}
