/**
 * Who the employees are (role, agency) and how to reach them later (a platform's
 * conversation reference, e.g. Teams' for proactive messages). Replaces the Slack
 * adapter's temporary in-memory profile store.
 */
import type { Prisma } from "../db/generated/client.js";
import { ROLES, type Role } from "../policy/vocabulary.js";
import { InvalidInput } from "./errors.js";
import { query, type Db } from "./store.js";
import type { Clock, Platform } from "./types.js";

export interface Profile {
  platform: Platform;
  userId: string;
  role: Role;
  agency: string | null;
}

export class ProfileStore {
  private readonly prisma: Db;
  private readonly clock: Clock;

  constructor(options: { db: { prisma: Db }; clock?: Clock }) {
    this.prisma = options.db.prisma;
    this.clock = options.clock ?? (() => new Date());
  }

  async get(platform: Platform, userId: string): Promise<Profile | null> {
    const row = await query(() =>
      this.prisma.userProfile.findUnique({ where: { platform_userId: { platform, userId } } }),
    );
    return row ? { platform: row.platform, userId: row.userId, role: row.role as Role, agency: row.agency } : null;
  }

  async set(profile: { platform: Platform; userId: string; role: Role; agency?: string | null }): Promise<Profile> {
    if (!ROLES.includes(profile.role)) throw new InvalidInput(`Unknown role "${String(profile.role)}".`);
    const agency = profile.agency?.trim().slice(0, 200) || null;
    const now = this.clock();
    const { platform, userId, role } = profile;
    await query(() =>
      this.prisma.userProfile.upsert({
        where: { platform_userId: { platform, userId } },
        create: { platform, userId, role, agency, updatedAt: now },
        update: { role, agency, updatedAt: now },
      }),
    );
    return { platform, userId, role, agency };
  }

  /** Keep what the platform needs to message this user later (opaque to us). */
  async saveConversationRef(platform: Platform, userId: string, ref: unknown): Promise<void> {
    const now = this.clock();
    const json = ref as Prisma.InputJsonValue;
    await query(() =>
      this.prisma.conversationRef.upsert({
        where: { platform_userId: { platform, userId } },
        create: { platform, userId, ref: json, updatedAt: now },
        update: { ref: json, updatedAt: now },
      }),
    );
  }

  async getConversationRef<T = unknown>(platform: Platform, userId: string): Promise<T | null> {
    const row = await query(() =>
      this.prisma.conversationRef.findUnique({ where: { platform_userId: { platform, userId } } }),
    );
    return row ? (row.ref as T) : null;
  }
}
