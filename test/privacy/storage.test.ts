import { describe, expect, it, vi } from "vitest";
import { createEngine } from "../../src/core/engine.js";
import { ProfileStore } from "../../src/escalation/profiles.js";
import { EscalationService } from "../../src/escalation/service.js";
import { loadPack } from "../../src/policy/load.js";
import { purgeResolvedOlderThan } from "../../src/privacy/retention.js";
import { BACKENDS, useBackend } from "../support/backends.js";
import { answer, ASKER, FakeClock, LAWYER, OTHER_EMPLOYEE, testConfig, testDirectory } from "../escalation/fixtures.js";

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

const TABLES = [
  "cases",
  "case_events",
  "outbox",
  "reminders",
  "user_profiles",
  "conversation_refs",
  "retention_counts",
  "case_sequences",
];

/** Identifiers planted in the texts, and their digits as they might be stored differently. */
const PLANTED = {
  question:
    "ICE agents are at the front desk of our school asking for a student, A-number A123456789 " +
    "(also written A-987-654-321), SSN 123-45-6789, born 01/02/2012, DOB: March 3, 2012. " +
    "Her mother's cell is (212) 555-1234 or +1 646 555 0199, email maria.mom@example.com. " +
    "They showed an I-200 form, no judge signed anything. What do I do?",
  asker: "Her dad's number is 718.555.0123 and his SSN is 987 65 4321, his A# 12345678.",
  lawyer: "Call me back on 917-555-0142 or write to counsel.one@law.nyc.gov.",
  note: "Advised; the parent (born 4/5/1980, ssn 321-54-9876) was told to call 1-800-354-0365.",
};
const FORBIDDEN_STRINGS = [
  "A123456789",
  "987-654-321",
  "123-45-6789",
  "01/02/2012",
  "March 3, 2012",
  "555-1234",
  "555 0199",
  "maria.mom@example.com",
  "718.555.0123",
  "987 65 4321",
  "12345678",
  "917-555-0142",
  "counsel.one@law.nyc.gov",
  "4/5/1980",
  "321-54-9876",
  "354-0365",
];
const FORBIDDEN_DIGITS = [
  "123456789",
  "987654321",
  "2125551234",
  "6465550199",
  "7185550123",
  "9175550142",
  "321549876",
];

function* strings(value: unknown): Generator<string> {
  if (typeof value === "string") yield value;
  else if (Array.isArray(value)) for (const v of value) yield* strings(v);
  else if (value && typeof value === "object") for (const v of Object.values(value)) yield* strings(v);
}

describe.each(BACKENDS)("stored data on %s", (name) => {
  const env = useBackend(name);
  const setup = () => {
    const clock = new FakeClock();
    const config = testConfig();
    const service = new EscalationService({ db: env.db, config, directory: testDirectory(config), clock: clock.now });
    return { clock, service };
  };

  it("holds no unredacted identifier anywhere after a case full of them", async () => {
    const { service } = setup();
    const engine = createEngine(loadPack());
    const asked = engine.ask(PLANTED.question, { today: "2026-11-22", role: "doe" });
    const c = await service.escalate(asked, ASKER, "k-privacy", { question: PLANTED.question });
    await service.message(c.id, ASKER, PLANTED.asker);
    await service.claim(c.id, LAWYER);
    await service.message(c.id, LAWYER, PLANTED.lawyer);
    await service.resolve(c.id, LAWYER, "advised", PLANTED.note);
    await service.reopen(c.id, ASKER, `Again: ${PLANTED.asker}`);
    await service.cancel(c.id, ASKER, `Never mind, call ${PLANTED.lawyer}`);
    await new ProfileStore({ db: env.db }).set({ ...OTHER_EMPLOYEE, role: "doe", agency: "DOE" });

    let texts = 0;
    for (const table of TABLES) {
      const rows = await env.db.prisma.$queryRawUnsafe<{ row: unknown }[]>(
        `SELECT row_to_json(t) AS row FROM "${table}" t`,
      );
      for (const { row } of rows) {
        const json = typeof row === "string" ? JSON.parse(row) : row;
        for (const text of strings(json)) {
          texts++;
          // Stored JSON columns come back as strings inside row_to_json on some drivers.
          for (const bad of FORBIDDEN_STRINGS) expect(text, `${table}: ${text}`).not.toContain(bad);
          const digits = text.replace(/\D/g, "");
          for (const bad of FORBIDDEN_DIGITS) expect(digits, `${table}: ${text}`).not.toContain(bad);
          expect(text, `${table}: ${text}`).not.toMatch(/[\w.+-]+@[\w-]+\.[a-z]{2,}/i);
        }
      }
    }
    expect(texts).toBeGreaterThan(50);
    // What the lawyer reads is still useful: the redacted excerpt keeps the situation.
    const stored = await service.getCase(c.id, LAWYER);
    expect(stored.questionExcerpt).toContain("[A-NUMBER]");
    expect(stored.questionExcerpt).toContain("[SSN]");
    expect(stored.questionExcerpt).toContain("[DOB]");
    expect(stored.questionExcerpt).toContain("[PHONE]");
    expect(stored.questionExcerpt).toContain("[EMAIL]");
    expect(stored.questionExcerpt).toContain("I-200 form, no judge signed anything");
    const timeline = await service.timeline(c.id, ASKER);
    expect(timeline.find((e) => e.kind === "message.asker")?.payload.text).toBe(
      "Her dad's number is [PHONE] and his SSN is [SSN], his A# [A-NUMBER].",
    );
  });

  it("purges closed cases older than the retention age, keeping anonymous counts", async () => {
    const { clock, service } = setup();
    const old1 = await service.escalate(answer(), ASKER, "k-old-1");
    const old2 = await service.escalate(answer(), ASKER, "k-old-2");
    const old3 = await service.escalate(answer({ decision: "UNCOVERED_ESCALATE" }), ASKER, "k-old-3");
    const openOld = await service.escalate(answer(), ASKER, "k-open-old");
    await service.resolve(old1.id, LAWYER, "advised", "note with nothing");
    await service.resolve(old2.id, LAWYER, "advised");
    await service.cancel(old3.id, ASKER);
    clock.advance(200 * 24 * 60 * 60_000);
    const recent = await service.escalate(answer(), ASKER, "k-recent");
    await service.resolve(recent.id, LAWYER, "referred");

    const report = await purgeResolvedOlderThan(env.db.prisma, 180, { clock: clock.now, batchSize: 2 });
    expect(report.purged).toBe(3);
    const remaining = await env.db.prisma.case.findMany({ select: { id: true } });
    expect(remaining.map((r) => r.id).sort()).toEqual([openOld.id, recent.id].sort());
    for (const id of [old1.id, old2.id, old3.id]) {
      expect(await env.db.prisma.caseEvent.count({ where: { caseId: id } })).toBe(0);
      expect(await env.db.prisma.outbox.count({ where: { caseId: id } })).toBe(0);
      expect(await env.db.prisma.reminder.count({ where: { caseId: id } })).toBe(0);
    }
    const counts = await env.db.prisma.retentionCount.findMany({ orderBy: [{ decision: "asc" }, { outcome: "asc" }] });
    expect(counts.map((c) => [c.year, c.queue, c.decision, c.outcome, c.count])).toEqual([
      [2026, "doe-legal", "ENTRY_DENY_WITHOUT_JUDICIAL_WARRANT", "advised", 2],
      [2026, "doe-legal", "UNCOVERED_ESCALATE", "cancelled", 1],
    ]);

    // Later purges add to the counts.
    clock.advance(200 * 24 * 60 * 60_000);
    expect((await purgeResolvedOlderThan(env.db.prisma, 180, { clock: clock.now })).purged).toBe(1);
    expect(await env.db.prisma.retentionCount.count()).toBe(3);
    expect(name).toBeTruthy();
  });

  it("keeps profiles and conversation references", async () => {
    const profiles = new ProfileStore({ db: env.db });
    expect(await profiles.get("slack", "UNOBODY")).toBeNull();
    await profiles.set({ platform: "slack", userId: "U1", role: "nypd", agency: " NYPD School Safety " });
    expect(await profiles.get("slack", "U1")).toEqual({
      platform: "slack",
      userId: "U1",
      role: "nypd",
      agency: "NYPD School Safety",
    });
    await profiles.set({ platform: "slack", userId: "U1", role: "doe" });
    expect((await profiles.get("slack", "U1"))?.role).toBe("doe");
    await expect(profiles.set({ platform: "slack", userId: "U1", role: "boss" as never })).rejects.toMatchObject({
      code: "invalid-input",
    });
    await profiles.saveConversationRef("teams", "aad-1", {
      serviceUrl: "https://example.invalid/",
      conversation: { id: "a:1" },
    });
    expect(await profiles.getConversationRef("teams", "aad-1")).toEqual({
      serviceUrl: "https://example.invalid/",
      conversation: { id: "a:1" },
    });
  });
});
