-- CreateEnum
CREATE TYPE "trunk_transport" AS ENUM ('udp', 'tcp', 'tls');

-- CreateEnum
CREATE TYPE "trunk_did_source" AS ENUM ('request_uri', 'to');

-- CreateEnum
CREATE TYPE "trunk_caller_id_mode" AS ENUM ('from', 'pai');

-- CreateTable
CREATE TABLE "trunks" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" VARCHAR(64) NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "host" VARCHAR(255) NOT NULL,
    "port" INTEGER,
    "transport" "trunk_transport" NOT NULL DEFAULT 'udp',
    "outbound_proxy" VARCHAR(255),
    "auth_username" VARCHAR(128),
    "password_encrypted" TEXT,
    "register" BOOLEAN NOT NULL DEFAULT false,
    "register_expiry" INTEGER NOT NULL DEFAULT 3600,
    "from_user" VARCHAR(128),
    "from_domain" VARCHAR(255),
    "did_source" "trunk_did_source" NOT NULL DEFAULT 'request_uri',
    "caller_id_mode" "trunk_caller_id_mode" NOT NULL DEFAULT 'from',
    "send_privacy" BOOLEAN NOT NULL DEFAULT true,
    "caller_id_number" VARCHAR(32),
    "codecs" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "max_concurrent_calls" INTEGER,
    "inbound_sources" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "trunks_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "trunks_name_key" ON "trunks"("name");

-- CreateIndex
CREATE INDEX "trunks_enabled_idx" ON "trunks"("enabled");
