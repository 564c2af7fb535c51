-- CreateTable
CREATE TABLE "ivr_menus" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "number" VARCHAR(32),
    "name" VARCHAR(128) NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "greeting_path" VARCHAR(1024),
    "options" JSONB NOT NULL DEFAULT '[]',
    "direct_dial" BOOLEAN NOT NULL DEFAULT false,
    "inter_digit_timeout_ms" INTEGER NOT NULL DEFAULT 2000,
    "response_timeout_ms" INTEGER NOT NULL DEFAULT 5000,
    "timeout_destination" JSONB,
    "invalid_destination" JSONB,
    "repeat_count" INTEGER NOT NULL DEFAULT 2,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ivr_menus_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ivr_menus_number_key" ON "ivr_menus"("number");
