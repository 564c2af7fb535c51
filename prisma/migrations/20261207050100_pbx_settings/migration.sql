-- CreateTable
CREATE TABLE "pbx_settings" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "time_zone" VARCHAR(64) NOT NULL DEFAULT 'UTC',
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "pbx_settings_pkey" PRIMARY KEY ("id")
);
