/**
 * Deployment settings per legal queue: where its cases are posted (Slack channel, Teams
 * channel), who counts as its legal staff, the backup pinged when nobody claims, the phone
 * number shown when chat or the database is unavailable, and reminder delays. One YAML or
 * JSON file (path in env ESCALATION_CONFIG; committed example: config/escalation.example.yaml),
 * validated with zod at start. A missing or malformed setting stops the start with one line
 * that names the file, the line and the setting.
 */
import { readFileSync } from "node:fs";
import { isMap, isSeq, LineCounter, parseDocument, type Node } from "yaml";
import { z } from "zod";
import { QUEUES, type Queue } from "../policy/vocabulary.js";

const slackChannel = z
  .string({ error: "must be a Slack channel id like C0123ABCD" })
  .regex(/^[CG][A-Z0-9]{6,}$/, "must be a Slack channel id like C0123ABCD (not a channel name)");
const slackUser = z
  .string({ error: "must be a Slack user id like U0123ABCD" })
  .regex(/^[UW][A-Z0-9]{6,}$/, "must be a Slack user id like U0123ABCD (not a user name)");
const slackUsergroup = z
  .string({ error: "must be a Slack user group id like S0123ABCD" })
  .regex(/^S[A-Z0-9]{6,}$/, "must be a Slack user group id like S0123ABCD (not a @handle)");
const aadObjectId = z
  .string({ error: "must be a Microsoft Entra (AAD) object id" })
  .regex(
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
    "must be a Microsoft Entra (AAD) object id (a GUID)",
  );
const nonEmpty = (what: string) =>
  z
    .string({ error: `must be ${what}` })
    .trim()
    .min(1, `must be ${what}`);

const slackSchema = z.strictObject({
  channel: slackChannel,
  staff: z
    .strictObject(
      {
        users: z.array(slackUser).default([]),
        usergroups: z.array(slackUsergroup).default([]),
      },
      { error: "must list the queue's legal staff: users and/or usergroups" },
    )
    .refine((s) => s.users.length + s.usergroups.length > 0, "must name at least one user or usergroup"),
  /** Pinged by direct message when a case stays unclaimed. */
  backup: slackUser.optional(),
});

const teamsSchema = z.strictObject({
  /** Channel conversation id ("19:...@thread.tacv2"). */
  channel: nonEmpty("a Teams channel conversation id like 19:...@thread.tacv2"),
  staff: z.strictObject(
    { aadObjectIds: z.array(aadObjectId).min(1, "must name at least one AAD object id") },
    { error: "must list the queue's legal staff as aadObjectIds" },
  ),
  backup: aadObjectId.optional(),
});

const minutes = (fallback: number) =>
  z
    .number({ error: "must be a number of minutes" })
    .positive("must be a positive number of minutes")
    .max(7 * 24 * 60, "must be at most a week (10080 minutes)")
    .default(fallback);

const remindersSchema = z
  .strictObject({
    /** Re-ping the channel and the backup when a case is still unclaimed after this long. */
    unclaimedMinutes: minutes(15),
    /** The same for urgent cases (shorter). */
    urgentUnclaimedMinutes: minutes(5),
    /** Remind the owner when a claimed case has had no activity for this long. */
    idleMinutes: minutes(240),
    /** How many times each kind of reminder repeats at most. */
    maxRepeats: z.number({ error: "must be a whole number" }).int("must be a whole number").min(1).max(20).default(3),
  })
  .refine((r) => r.urgentUnclaimedMinutes <= r.unclaimedMinutes, {
    message: "urgentUnclaimedMinutes must not be longer than unclaimedMinutes",
    path: ["urgentUnclaimedMinutes"],
  });

const queueSchema = z
  .strictObject({
    /** Shown to the asker when chat or the database is unavailable. */
    phone: nonEmpty("the phone number shown when chat is unavailable"),
    slack: slackSchema.optional(),
    teams: teamsSchema.optional(),
    reminders: remindersSchema.default({
      unclaimedMinutes: 15,
      urgentUnclaimedMinutes: 5,
      idleMinutes: 240,
      maxRepeats: 3,
    }),
  })
  .refine((q) => q.slack || q.teams, "needs a slack or a teams section (where its cases are posted)");

export const escalationConfigSchema = z.strictObject({
  queues: z.strictObject(Object.fromEntries(QUEUES.map((q) => [q, queueSchema])) as Record<Queue, typeof queueSchema>, {
    error: `must have a section for each legal queue: ${QUEUES.join(", ")}`,
  }),
  retention: z
    .strictObject({
      /** Resolved and cancelled cases older than this are purged (anonymous counts kept). */
      resolvedCaseDays: z
        .number({ error: "must be a number of days" })
        .int("must be a whole number of days")
        .min(1)
        .default(365),
    })
    .default({ resolvedCaseDays: 365 }),
});

export type EscalationConfig = z.infer<typeof escalationConfigSchema>;
export type QueueConfig = EscalationConfig["queues"][Queue];
export type ReminderConfig = QueueConfig["reminders"];

/** A configuration that cannot be used; the message is one line naming the setting. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

function lineOf(source: string, path: PropertyKey[]): number | undefined {
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines });
  let node: Node | null | undefined = doc.contents as Node | null;
  let found: Node | null | undefined = node;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
      if (!pair) break;
      found = (pair.value as Node | null) ?? (pair.key as Node);
      node = pair.value as Node | null;
    } else if (isSeq(node) && typeof key === "number") {
      node = node.items[key] as Node | null;
      if (!node) break;
      found = node;
    } else break;
  }
  const offset = found?.range?.[0];
  return offset === undefined ? undefined : lines.linePos(offset).line;
}

/** Validate parsed settings; `source` (the file text) lets errors name the line. */
export function parseEscalationConfig(data: unknown, file = "escalation config", source?: string): EscalationConfig {
  const result = escalationConfigSchema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const setting = issue.path.map(String).join(".") || "(top level)";
  const line = source ? lineOf(source, issue.path) : undefined;
  let message = issue.message;
  if (issue.code === "unrecognized_keys") message = `unknown setting ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
  else if (issue.code === "invalid_type" && /received undefined/.test(issue.message)) message = "is missing";
  else if (issue.code === "invalid_type" && issue.input === undefined) message = `is missing (${issue.message})`;
  throw new ConfigError(`${file}${line ? `:${line}` : ""}: ${setting}: ${message}`);
}

/** Load the settings from `path`, or from the file named by env ESCALATION_CONFIG. */
export function loadEscalationConfig(
  options: { path?: string; env?: Record<string, string | undefined> } = {},
): EscalationConfig {
  const file = options.path ?? (options.env ?? process.env).ESCALATION_CONFIG;
  if (!file) {
    throw new ConfigError(
      "ESCALATION_CONFIG is not set: point it at a YAML or JSON file like config/escalation.example.yaml",
    );
  }
  let source: string;
  try {
    source = readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigError(
      `${file}: cannot read the escalation config (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  const doc = parseDocument(source, { prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const lines = new LineCounter();
    parseDocument(source, { lineCounter: lines });
    throw new ConfigError(`${file}:${lines.linePos(e.pos[0]).line}: not valid YAML/JSON: ${e.message.split("\n")[0]}`);
  }
  return parseEscalationConfig(doc.toJS(), file, source);
}

/** The platforms a queue's cases are posted to, from its settings. */
export function legalPlatforms(queue: QueueConfig): ("slack" | "teams")[] {
  return [...(queue.slack ? (["slack"] as const) : []), ...(queue.teams ? (["teams"] as const) : [])];
}
