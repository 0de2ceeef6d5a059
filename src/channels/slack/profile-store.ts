/**
 * What the bot remembers about an asker between questions: only their role, which picks
 * who an answer names and which legal queue an escalation goes to. DatabaseProfileStore keeps
 * it in the escalation database; MemoryProfileStore (no database: lost on restart, not shared
 * between instances, which only means the role is asked again) is its fallback.
 */
import type { Role } from "../../policy/vocabulary.js";

/** One person on one platform: a Slack user in a workspace (or, later, a Teams user in a tenant). */
export interface ProfileKey {
  platform: "slack" | "teams";
  /** Slack team (workspace) id or Teams tenant id. */
  tenant: string;
  user: string;
}

export interface ProfileStore {
  getRole(key: ProfileKey): Promise<Role | undefined>;
  /** Remember a role; undefined (or "unknown") forgets it. */
  setRole(key: ProfileKey, role: Role | undefined): Promise<void>;
}

function profileId(key: ProfileKey): string {
  return `${key.platform}\u0000${key.tenant}\u0000${key.user}`;
}

export class MemoryProfileStore implements ProfileStore {
  readonly #roles = new Map<string, Role>();

  async getRole(key: ProfileKey): Promise<Role | undefined> {
    return this.#roles.get(profileId(key));
  }

  async setRole(key: ProfileKey, role: Role | undefined): Promise<void> {
    if (role === undefined || role === "unknown") this.#roles.delete(profileId(key));
    else this.#roles.set(profileId(key), role);
  }
}

/** The escalation database's profile store, as far as this adapter uses it. */
export interface StoredProfiles {
  get(platform: string, userId: string): Promise<{ role: Role } | null>;
  set(profile: { platform: string; userId: string; role: Role }): Promise<unknown>;
}

export interface DatabaseProfileStoreOptions {
  /** The database store, or undefined while the database is unavailable. */
  store: () => StoredProfiles | undefined;
  /** A lookup slower than this answers from memory (default 1500 ms): an answer must not wait. */
  timeoutMs?: number;
  /**
   * For this long after a role was read from or written to the database (default 30 s), it is
   * answered from memory without a query: a burst of questions costs one lookup, and a role
   * changed through another instance shows here within this time.
   */
  freshMs?: number;
  now?: () => number;
  onError?: (error: unknown) => void;
}

/**
 * Roles kept in the escalation database (shared by instances, kept across restarts), keyed by
 * platform and user id (a Slack user id is unique in its organisation). Every role is also
 * kept in memory, which answers while the database is unavailable or slow: a question is
 * still answered at once, only perhaps without the role.
 */
export class DatabaseProfileStore implements ProfileStore {
  readonly #memory = new MemoryProfileStore();
  readonly #store: () => StoredProfiles | undefined;
  readonly #timeoutMs: number;
  readonly #freshMs: number;
  readonly #now: () => number;
  readonly #onError: (error: unknown) => void;
  /** Until when each person's remembered role is as good as the database's. */
  readonly #freshUntil = new Map<string, number>();

  constructor(options: DatabaseProfileStoreOptions) {
    this.#store = options.store;
    this.#timeoutMs = options.timeoutMs ?? 1500;
    this.#freshMs = options.freshMs ?? 30_000;
    this.#now = options.now ?? Date.now;
    this.#onError = options.onError ?? (() => undefined);
  }

  async getRole(key: ProfileKey): Promise<Role | undefined> {
    const store = this.#store();
    const remembered = await this.#memory.getRole(key);
    if (!store) return remembered;
    const id = profileId(key);
    if ((this.#freshUntil.get(id) ?? 0) > this.#now()) return remembered;
    try {
      const profile = await withTimeout(store.get(key.platform, key.user), this.#timeoutMs, "the profile database");
      this.#freshUntil.set(id, this.#now() + this.#freshMs);
      if (!profile) return remembered;
      const role = profile.role === "unknown" ? undefined : profile.role;
      await this.#memory.setRole(key, role);
      return role;
    } catch (error) {
      this.#onError(error);
      return remembered;
    }
  }

  async setRole(key: ProfileKey, role: Role | undefined): Promise<void> {
    await this.#memory.setRole(key, role);
    // What was just set here is the newest role, whatever the database says.
    this.#freshUntil.set(profileId(key), this.#now() + this.#freshMs);
    const store = this.#store();
    if (!store) return;
    try {
      await withTimeout(
        store.set({ platform: key.platform, userId: key.user, role: role ?? "unknown" }),
        this.#timeoutMs,
        "the profile database",
      );
    } catch (error) {
      this.#onError(error);
    }
  }
}

/** The promise's result, or an error naming `what` when it takes more than `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took more than ${ms} ms`)), ms);
    timer.unref?.();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
