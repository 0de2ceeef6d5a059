/**
 * startEscalation: everything a bot instance needs for escalation, wired once: the
 * database (opened and migrated, or one you pass), the service, profiles, the outbox
 * worker over your gateways, reminders, and the background loops. Throws
 * DatabaseUnavailable when the database cannot be opened: the caller then runs without
 * escalation (answers from the core, phone numbers from the config) and may try again.
 */
import { randomUUID } from "node:crypto";
import { createDatabase, type Database, type DatabaseOptions } from "../db/database.js";
import type { EscalationConfig } from "./config.js";
import type { LegalDirectory } from "./directory.js";
import { OutboxWorker, type ChannelGateway } from "./outbox.js";
import { ProfileStore } from "./profiles.js";
import { ReminderScheduler } from "./reminders.js";
import { startEscalationLoops, type RunningLoops } from "./runner.js";
import { EscalationService } from "./service.js";
import type { Clock } from "./types.js";

export interface EscalationSetupOptions {
  config: EscalationConfig;
  directory: LegalDirectory;
  /** One per platform this instance delivers to ({ slack: ..., teams: ... }). */
  gateways: Record<string, ChannelGateway>;
  /** An open database (tests); otherwise one is opened with `db`. */
  database?: Database;
  db?: DatabaseOptions;
  clock?: Clock;
  /** Names this instance in the reminder and outbox records. */
  instanceId?: string;
  /** Background loop period in ms (default 2000); 0 runs no loop (call tick yourself). */
  intervalMs?: number;
  onError?: (error: unknown) => void;
}

export interface Escalation {
  db: Database;
  service: EscalationService;
  profiles: ProfileStore;
  outbox: OutboxWorker;
  reminders: ReminderScheduler;
  /** Run the reminders and the outbox once now. */
  tick(): Promise<void>;
  /** Stop the loop, and close the database if this opened it. */
  close(): Promise<void>;
}

export async function startEscalation(options: EscalationSetupOptions): Promise<Escalation> {
  const db = options.database ?? (await createDatabase(options.db));
  const instanceId = options.instanceId ?? randomUUID().slice(0, 8);
  const clock = options.clock;
  const service = new EscalationService({
    db,
    config: options.config,
    directory: options.directory,
    ...(clock ? { clock } : {}),
  });
  const profiles = new ProfileStore({ db, ...(clock ? { clock } : {}) });
  const outbox = new OutboxWorker({
    db,
    gateways: options.gateways,
    workerId: `outbox-${instanceId}`,
    ...(clock ? { clock } : {}),
  });
  const reminders = new ReminderScheduler({
    prisma: db.prisma,
    config: options.config,
    instanceId: `reminders-${instanceId}`,
    ...(clock ? { clock } : {}),
  });
  const intervalMs = options.intervalMs ?? 2000;
  const loops: RunningLoops = startEscalationLoops({
    outbox,
    reminders,
    intervalMs: intervalMs > 0 ? intervalMs : 2 ** 31 - 1,
    ...(options.onError ? { onError: options.onError } : {}),
  });
  return {
    db,
    service,
    profiles,
    outbox,
    reminders,
    tick: () => loops.tick(),
    async close() {
      await loops.stop();
      if (!options.database) await db.close();
    },
  };
}
