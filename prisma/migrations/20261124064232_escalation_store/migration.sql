-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "CaseStatus" AS ENUM ('open', 'claimed', 'resolved', 'cancelled');

-- CreateTable
CREATE TABLE "cases" (
    "id" UUID NOT NULL,
    "ref" TEXT NOT NULL,
    "year" INTEGER NOT NULL,
    "seq" INTEGER NOT NULL,
    "askerPlatform" TEXT NOT NULL,
    "askerUserId" TEXT NOT NULL,
    "askerRole" TEXT NOT NULL,
    "queue" TEXT NOT NULL,
    "facts" JSONB NOT NULL,
    "decision" TEXT NOT NULL,
    "headline" TEXT NOT NULL,
    "asOf" TEXT NOT NULL,
    "steps" JSONB NOT NULL,
    "contacts" JSONB NOT NULL DEFAULT '[]',
    "citations" JSONB NOT NULL,
    "questionExcerpt" TEXT,
    "urgent" BOOLEAN NOT NULL DEFAULT false,
    "status" "CaseStatus" NOT NULL DEFAULT 'open',
    "ownerPlatform" TEXT,
    "ownerId" TEXT,
    "outcome" TEXT,
    "note" TEXT,
    "flaggedForPolicy" BOOLEAN NOT NULL DEFAULT false,
    "idempotencyKey" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "lastActivityAt" TIMESTAMPTZ(3) NOT NULL,
    "claimedAt" TIMESTAMPTZ(3),
    "resolvedAt" TIMESTAMPTZ(3),
    "cancelledAt" TIMESTAMPTZ(3),

    CONSTRAINT "cases_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "case_sequences" (
    "year" INTEGER NOT NULL,
    "last" INTEGER NOT NULL,

    CONSTRAINT "case_sequences_pkey" PRIMARY KEY ("year")
);

-- CreateTable
CREATE TABLE "case_events" (
    "id" SERIAL NOT NULL,
    "caseId" UUID NOT NULL,
    "actor" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "payload" JSONB NOT NULL DEFAULT '{}',
    "at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "case_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "outbox" (
    "id" SERIAL NOT NULL,
    "caseId" UUID NOT NULL,
    "channel" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "dueAt" TIMESTAMPTZ(3) NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "sentAt" TIMESTAMPTZ(3),
    "failedAt" TIMESTAMPTZ(3),
    "platformMessageId" TEXT,
    "lockedUntil" TIMESTAMPTZ(3),
    "lockedBy" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "outbox_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "reminders" (
    "id" SERIAL NOT NULL,
    "caseId" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "dueAt" TIMESTAMPTZ(3) NOT NULL,
    "firedAt" TIMESTAMPTZ(3),
    "cancelledAt" TIMESTAMPTZ(3),
    "lockedBy" TEXT,
    "round" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "reminders_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "user_profiles" (
    "platform" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "agency" TEXT,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "user_profiles_pkey" PRIMARY KEY ("platform","userId")
);

-- CreateTable
CREATE TABLE "conversation_refs" (
    "platform" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "ref" JSONB NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "conversation_refs_pkey" PRIMARY KEY ("platform","userId")
);

-- CreateTable
CREATE TABLE "retention_counts" (
    "year" INTEGER NOT NULL,
    "queue" TEXT NOT NULL,
    "decision" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "retention_counts_pkey" PRIMARY KEY ("year","queue","decision","outcome")
);

-- CreateIndex
CREATE UNIQUE INDEX "cases_ref_key" ON "cases"("ref");

-- CreateIndex
CREATE UNIQUE INDEX "cases_idempotencyKey_key" ON "cases"("idempotencyKey");

-- CreateIndex
CREATE INDEX "cases_queue_status_idx" ON "cases"("queue", "status");

-- CreateIndex
CREATE INDEX "cases_askerPlatform_askerUserId_idx" ON "cases"("askerPlatform", "askerUserId");

-- CreateIndex
CREATE INDEX "cases_status_resolvedAt_idx" ON "cases"("status", "resolvedAt");

-- CreateIndex
CREATE UNIQUE INDEX "cases_year_seq_key" ON "cases"("year", "seq");

-- CreateIndex
CREATE INDEX "case_events_caseId_id_idx" ON "case_events"("caseId", "id");

-- CreateIndex
CREATE INDEX "outbox_sentAt_failedAt_dueAt_idx" ON "outbox"("sentAt", "failedAt", "dueAt");

-- CreateIndex
CREATE INDEX "outbox_caseId_id_idx" ON "outbox"("caseId", "id");

-- CreateIndex
CREATE INDEX "reminders_firedAt_cancelledAt_dueAt_idx" ON "reminders"("firedAt", "cancelledAt", "dueAt");

-- CreateIndex
CREATE INDEX "reminders_caseId_idx" ON "reminders"("caseId");

-- AddForeignKey
ALTER TABLE "case_events" ADD CONSTRAINT "case_events_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "cases"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "outbox" ADD CONSTRAINT "outbox_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "cases"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reminders" ADD CONSTRAINT "reminders_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "cases"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- The timeline is append-only: rows may be added (and purged with their case), never changed.
CREATE FUNCTION "case_events_append_only"() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'case_events is append-only';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "case_events_no_update" BEFORE UPDATE ON "case_events"
  FOR EACH ROW EXECUTE FUNCTION "case_events_append_only"();
