import { describe, expect, it, vi } from "vitest";
import { createDatabase, DatabaseUnavailable, readMigrations } from "../../src/db/index.js";
import { BACKENDS, useBackend } from "../support/backends.js";

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

describe.each(BACKENDS)("database on %s", (name) => {
  const env = useBackend(name);

  it("applies the committed migrations once and records them as Prisma does", async () => {
    const committed = await readMigrations();
    expect(committed.length).toBeGreaterThan(0);
    const rows = await env.db.prisma.$queryRawUnsafe<{ migration_name: string; checksum: string }[]>(
      `SELECT migration_name, checksum FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    expect(rows.map((r) => r.migration_name)).toEqual(committed.map((m) => m.name));
    expect(rows.map((r) => r.checksum)).toEqual(committed.map((m) => m.checksum));

    const again = await env.restart();
    expect(again.migrations.applied).toEqual([]);
    expect(again.migrations.alreadyApplied).toEqual(committed.map((m) => m.name));
    expect(await again.ping()).toBe(true);
  });

  it("reports a unique violation as Prisma's P2002 and keeps the timeline append-only", async () => {
    const now = new Date();
    const data = {
      ref: "ICE-2026-0001",
      year: 2026,
      seq: 1,
      askerPlatform: "slack",
      askerUserId: "U1",
      askerRole: "doe",
      queue: "doe-legal",
      facts: {},
      decision: "UNCOVERED_ESCALATE",
      headline: "h",
      asOf: "2026-01-01",
      steps: [],
      citations: [],
      idempotencyKey: "k1",
      createdAt: now,
      updatedAt: now,
      lastActivityAt: now,
    };
    const c = await env.db.prisma.case.create({ data });
    await expect(env.db.prisma.case.create({ data: { ...data, ref: "ICE-2026-0002", seq: 2 } })).rejects.toMatchObject({
      code: "P2002",
    });
    await env.db.prisma.caseEvent.create({ data: { caseId: c.id, actor: "system", kind: "case.opened", at: now } });
    await expect(env.db.prisma.$executeRawUnsafe(`UPDATE case_events SET kind = 'x'`)).rejects.toThrow(/append-only/);
  });
});

describe("a new embedded database", () => {
  it("gets every committed migration at start", async () => {
    const db = await createDatabase({ dataDir: "memory://" });
    try {
      expect(db.kind).toBe("pglite");
      expect(db.migrations.applied).toEqual((await readMigrations()).map((m) => m.name));
      expect(await db.prisma.case.count()).toBe(0);
    } finally {
      await db.close();
    }
    expect(await db.ping()).toBe(false);
  });
});

describe("database unavailable", () => {
  it("throws DatabaseUnavailable when the PostgreSQL server cannot be reached", async () => {
    const started = Date.now();
    await expect(
      createDatabase({ url: "postgresql://nobody@127.0.0.1:1/none", connectTimeoutMs: 2000 }),
    ).rejects.toBeInstanceOf(DatabaseUnavailable);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
