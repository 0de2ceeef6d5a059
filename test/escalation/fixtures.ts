/** Shared test fixtures: an answer, a deployment config, a clock and a recording gateway. */
import type { Answer } from "../../src/core/decide.js";
import { parseEscalationConfig, type EscalationConfig } from "../../src/escalation/config.js";
import { configDirectory, type LegalDirectory } from "../../src/escalation/directory.js";
import { DeliveryError, type ChannelGateway } from "../../src/escalation/outbox.js";
import type { OutboxMessage, UserRef } from "../../src/escalation/types.js";
import type { Queue } from "../../src/policy/vocabulary.js";

export const ASKER: UserRef & { role: "doe" } = { platform: "slack", userId: "UASKER0001", role: "doe" };
export const OTHER_EMPLOYEE: UserRef = { platform: "slack", userId: "UOTHER0001" };
export const LAWYER: UserRef = { platform: "slack", userId: "ULAWYER001" };
export const LAWYER2: UserRef = { platform: "slack", userId: "ULAWYER002" };
export const TEAMS_LAWYER: UserRef = { platform: "teams", userId: "00000000-0000-4000-8000-00000000aaaa" };
export const NYPD_LAWYER: UserRef = { platform: "slack", userId: "UNYPDLAW01" };
/** Members of the doe-legal user group (for 50 concurrent claims). */
export const GROUP_LAWYERS: UserRef[] = Array.from({ length: 50 }, (_, i) => ({
  platform: "slack",
  userId: `UGROUP${String(i).padStart(4, "0")}`,
}));

export function testConfig(): EscalationConfig {
  return parseEscalationConfig({
    queues: {
      "doe-legal": {
        phone: "+1 212-555-0101",
        slack: {
          channel: "CDOELEGAL1",
          staff: { users: [LAWYER.userId, LAWYER2.userId], usergroups: ["SDOEGROUP1"] },
          backup: "UBACKUP001",
        },
        teams: {
          channel: "19:doe@thread.tacv2",
          staff: { aadObjectIds: [TEAMS_LAWYER.userId] },
        },
        reminders: { unclaimedMinutes: 15, urgentUnclaimedMinutes: 5, idleMinutes: 120, maxRepeats: 2 },
      },
      "nypd-legal": {
        phone: "+1 646-555-0102",
        slack: { channel: "CNYPDLEGL1", staff: { users: [NYPD_LAWYER.userId] } },
      },
      "agency-counsel": {
        phone: "+1 212-555-0103",
        slack: { channel: "CAGENCYCN1", staff: { users: [LAWYER.userId] } },
      },
    },
  });
}

export function testDirectory(config = testConfig()): LegalDirectory {
  return configDirectory(config, {
    groupMembers: (_platform, group) => (group === "SDOEGROUP1" ? GROUP_LAWYERS.map((l) => l.userId) : []),
  });
}

export function answer(overrides: Partial<Answer> & { queue?: Queue; urgent?: boolean } = {}): Answer {
  const { queue = "doe-legal", urgent = false, ...rest } = overrides;
  return {
    decision: "ENTRY_DENY_WITHOUT_JUDICIAL_WARRANT",
    row: 12,
    headline: "They may not go past the reception desk without a court warrant.",
    asOf: "2026-11-22",
    facts: {
      role: "doe",
      place: "school",
      area: "public",
      requester: "immigration",
      request: "entry",
      document: "none",
      pressure: "none",
    },
    signals: {
      privateSite: false,
      criminalFocus: false,
      arrestWarrant: false,
      wantsReferral: false,
      asksToResist: false,
      instructionAttempt: false,
    },
    steps: ["Ask them to wait outside.", "Call the principal and the DOE attorney."],
    stepCitations: [[0], [0]],
    escalate: { required: true, queue, urgent, offered: true },
    contacts: ["the principal", "the DOE Office of Legal Services"],
    clarify: [],
    citations: [
      {
        id: "c1",
        source: "mamdani-eo-2026",
        title: "Executive order",
        date: "2026",
        quote: "no entry to city-owned property without a court warrant",
      },
    ],
    inForce: ["mamdani-eo-2026"],
    notes: [],
    language: "en",
    ...rest,
  } as Answer;
}

/** A clock tests move by hand. */
export class FakeClock {
  private t: number;
  constructor(start = "2026-11-22T15:00:00.000Z") {
    this.t = Date.parse(start);
  }
  readonly now = (): Date => new Date(this.t);
  advance(ms: number): void {
    this.t += ms;
  }
  advanceMinutes(minutes: number): void {
    this.advance(minutes * 60_000);
  }
  set(iso: string): void {
    this.t = Date.parse(iso);
  }
}

/** A gateway that records what it delivers; `failures` makes the next sends fail. */
export class RecordingGateway implements ChannelGateway {
  readonly sent: OutboxMessage[] = [];
  /** Errors thrown by the next sends, in order (then success). */
  failures: Error[] = [];
  delayMs = 0;
  private n = 0;
  /** `log`: shared between gateways to see the global order of deliveries. */
  constructor(
    readonly platform: string,
    readonly log: OutboxMessage[] = [],
  ) {}

  async send(message: OutboxMessage) {
    if (this.delayMs) await new Promise((r) => setTimeout(r, Math.random() * this.delayMs));
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.sent.push(message);
    this.log.push(message);
    return { platformMessageId: `${this.platform}-msg-${++this.n}` };
  }

  kinds(): string[] {
    return this.sent.map((m) => m.kind);
  }
}

/** The error a Slack Web API call gives for an HTTP status, as an adapter would map it. */
export function slackHttpError(status: number, retryAfterSeconds?: number): DeliveryError {
  return new DeliveryError(`slack responded ${status}`, {
    retryable: status === 429 || status >= 500,
    ...(retryAfterSeconds ? { retryAfterMs: retryAfterSeconds * 1000 } : {}),
  });
}
