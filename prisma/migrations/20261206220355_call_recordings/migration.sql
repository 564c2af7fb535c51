-- AlterTable
ALTER TABLE "extensions" ADD COLUMN     "record_calls" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "ring_groups" ADD COLUMN     "record_calls" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "call_recordings" (
    "call_id" VARCHAR(255) NOT NULL,
    "path" VARCHAR(1024) NOT NULL,
    "size_bytes" INTEGER NOT NULL,
    "duration_ms" INTEGER NOT NULL,
    "reasons" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "announced" BOOLEAN NOT NULL DEFAULT false,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "call_recordings_pkey" PRIMARY KEY ("call_id")
);

-- CreateIndex
CREATE INDEX "call_recordings_created_at_idx" ON "call_recordings"("created_at");

-- AddForeignKey
ALTER TABLE "call_recordings" ADD CONSTRAINT "call_recordings_call_id_fkey" FOREIGN KEY ("call_id") REFERENCES "call_records"("id") ON DELETE CASCADE ON UPDATE CASCADE;
