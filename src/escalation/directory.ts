/**
 * Who is legal staff of a queue. The service asks on every legal action; adapters may
 * supply their own directory. The config-based one reads the per-queue staff lists and,
 * for Slack user groups, asks the adapter for the group's members (it has the API client).
 */
import type { Queue } from "../policy/vocabulary.js";
import type { EscalationConfig } from "./config.js";
import type { Platform } from "./types.js";

export interface LegalDirectory {
  isLegalStaff(platform: Platform, userId: string, queue: Queue): Promise<boolean> | boolean;
}

export interface ConfigDirectoryOptions {
  /** Members of a Slack user group (usergroups.users.list); cache it in the adapter. */
  groupMembers?: (platform: Platform, groupId: string) => Promise<string[]> | string[];
}

export function configDirectory(config: EscalationConfig, options: ConfigDirectoryOptions = {}): LegalDirectory {
  return {
    async isLegalStaff(platform, userId, queue) {
      const q = config.queues[queue];
      if (!q || !userId) return false;
      if (platform === "slack" && q.slack) {
        if (q.slack.staff.users.includes(userId)) return true;
        for (const group of q.slack.staff.usergroups) {
          const members = (await options.groupMembers?.("slack", group)) ?? [];
          if (members.includes(userId)) return true;
        }
        return false;
      }
      if (platform === "teams" && q.teams) {
        return q.teams.staff.aadObjectIds.some((id) => id.toLowerCase() === userId.toLowerCase());
      }
      return false;
    },
  };
}
