-- CreateIndex
CREATE INDEX "outbox_channel_platformMessageId_idx" ON "outbox"("channel", "platformMessageId");

