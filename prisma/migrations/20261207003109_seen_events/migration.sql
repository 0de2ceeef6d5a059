-- CreateTable
CREATE TABLE "seen_events" (
    "platform" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "seenAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "seen_events_pkey" PRIMARY KEY ("platform","eventId")
);

-- CreateIndex
CREATE INDEX "seen_events_seenAt_idx" ON "seen_events"("seenAt");

