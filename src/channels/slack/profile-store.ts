/**
 * What the bot remembers about an asker between questions: only their role, which picks
 * who an answer names and which legal queue an escalation goes to. The escalation issue adds
 * a database implementation of this interface; until then it lives in memory (lost on restart,
 * not shared between instances, which only means the role is asked again).
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

export class MemoryProfileStore implements ProfileStore {
  readonly #roles = new Map<string, Role>();

  static #id(key: ProfileKey): string {
    return `${key.platform}\u0000${key.tenant}\u0000${key.user}`;
  }

  async getRole(key: ProfileKey): Promise<Role | undefined> {
    return this.#roles.get(MemoryProfileStore.#id(key));
  }

  async setRole(key: ProfileKey, role: Role | undefined): Promise<void> {
    if (role === undefined || role === "unknown") this.#roles.delete(MemoryProfileStore.#id(key));
    else this.#roles.set(MemoryProfileStore.#id(key), role);
  }
}
