-- CreateTable
CREATE TABLE "call_traces" (
    "call_id" VARCHAR(255) NOT NULL,
    "sip_call_ids" TEXT[],
    "entries" JSONB NOT NULL,
    "dropped" INTEGER NOT NULL DEFAULT 0,
    "size_bytes" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "call_traces_pkey" PRIMARY KEY ("call_id")
);

-- CreateIndex
CREATE INDEX "call_traces_created_at_idx" ON "call_traces"("created_at");
