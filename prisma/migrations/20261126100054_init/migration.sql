-- CreateEnum
CREATE TYPE "ring_strategy" AS ENUM ('ringall', 'hunt', 'roundrobin', 'random', 'memoryhunt');

-- CreateEnum
CREATE TYPE "fallback_kind" AS ENUM ('none', 'extension', 'ring_group', 'voicemail', 'external', 'hangup');

-- CreateEnum
CREATE TYPE "call_disposition" AS ENUM ('answered', 'no_answer', 'busy', 'cancelled', 'rejected', 'failed', 'voicemail', 'redirected');

-- CreateEnum
CREATE TYPE "hangup_side" AS ENUM ('caller', 'callee', 'system');

-- CreateTable
CREATE TABLE "extensions" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "number" VARCHAR(32) NOT NULL,
    "display_name" VARCHAR(128) NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "sip_realm" VARCHAR(255),
    "ha1_md5" CHAR(32),
    "ha1_sha256" CHAR(64),
    "voicemail_pin_hash" VARCHAR(255),
    "max_concurrent_calls" INTEGER NOT NULL DEFAULT 2,
    "follow_me_enabled" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "extensions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ring_groups" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "number" VARCHAR(32) NOT NULL,
    "name" VARCHAR(128) NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "strategy" "ring_strategy" NOT NULL DEFAULT 'ringall',
    "ring_time_seconds" INTEGER NOT NULL DEFAULT 30,
    "member_ring_seconds" INTEGER NOT NULL DEFAULT 15,
    "fallback_kind" "fallback_kind" NOT NULL DEFAULT 'none',
    "fallback_target" VARCHAR(255),
    "caller_id_prefix" VARCHAR(64),
    "last_answered_extension_id" UUID,
    "last_answered_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ring_groups_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ring_group_members" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "ring_group_id" UUID NOT NULL,
    "extension_id" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "ring_seconds" INTEGER,

    CONSTRAINT "ring_group_members_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "follow_me_steps" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "extension_id" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "targets" JSONB NOT NULL DEFAULT '[]',
    "ring_seconds" INTEGER NOT NULL DEFAULT 20,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "follow_me_steps_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "voicemail_boxes" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "extension_id" UUID NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "greeting_path" VARCHAR(1024),
    "max_message_seconds" INTEGER NOT NULL DEFAULT 180,
    "max_messages" INTEGER NOT NULL DEFAULT 100,
    "email" VARCHAR(320),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "voicemail_boxes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "voicemail_messages" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "box_id" UUID NOT NULL,
    "caller_number" VARCHAR(255) NOT NULL,
    "caller_name" VARCHAR(255),
    "duration_seconds" INTEGER NOT NULL,
    "wav_path" VARCHAR(1024) NOT NULL,
    "heard" BOOLEAN NOT NULL DEFAULT false,
    "call_id" VARCHAR(255),
    "idempotency_key" VARCHAR(255) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "voicemail_messages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "call_records" (
    "id" VARCHAR(255) NOT NULL,
    "caller_number" VARCHAR(255) NOT NULL,
    "caller_name" VARCHAR(255),
    "callee_number" VARCHAR(255) NOT NULL,
    "answered_by" VARCHAR(255),
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "ringing_at" TIMESTAMPTZ(3),
    "answered_at" TIMESTAMPTZ(3),
    "ended_at" TIMESTAMPTZ(3),
    "disposition" "call_disposition" NOT NULL,
    "hangup_cause" VARCHAR(255),
    "hangup_side" "hangup_side",
    "legs" JSONB NOT NULL DEFAULT '[]',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "call_records_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "admin_users" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "username" VARCHAR(64) NOT NULL,
    "password_hash" VARCHAR(255) NOT NULL,
    "must_change_password" BOOLEAN NOT NULL DEFAULT false,
    "failed_logins" INTEGER NOT NULL DEFAULT 0,
    "locked_until" TIMESTAMPTZ(3),
    "last_login_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "admin_users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "admin_sessions" (
    "id" CHAR(64) NOT NULL,
    "admin_user_id" UUID NOT NULL,
    "csrf_token" VARCHAR(128) NOT NULL,
    "ip" VARCHAR(64),
    "user_agent" VARCHAR(512),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "admin_sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_log" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "actor_id" UUID,
    "actor" VARCHAR(64) NOT NULL,
    "action" VARCHAR(64) NOT NULL,
    "entity" VARCHAR(64) NOT NULL,
    "entity_id" VARCHAR(255),
    "before" JSONB,
    "after" JSONB,
    "ip" VARCHAR(64),
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "plugin_configs" (
    "plugin_id" VARCHAR(128) NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "config" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "plugin_configs_pkey" PRIMARY KEY ("plugin_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "extensions_number_key" ON "extensions"("number");

-- CreateIndex
CREATE INDEX "extensions_enabled_idx" ON "extensions"("enabled");

-- CreateIndex
CREATE UNIQUE INDEX "ring_groups_number_key" ON "ring_groups"("number");

-- CreateIndex
CREATE INDEX "ring_groups_last_answered_extension_id_idx" ON "ring_groups"("last_answered_extension_id");

-- CreateIndex
CREATE INDEX "ring_group_members_extension_id_idx" ON "ring_group_members"("extension_id");

-- CreateIndex
CREATE UNIQUE INDEX "ring_group_members_ring_group_id_position_key" ON "ring_group_members"("ring_group_id", "position");

-- CreateIndex
CREATE UNIQUE INDEX "ring_group_members_ring_group_id_extension_id_key" ON "ring_group_members"("ring_group_id", "extension_id");

-- CreateIndex
CREATE UNIQUE INDEX "follow_me_steps_extension_id_position_key" ON "follow_me_steps"("extension_id", "position");

-- CreateIndex
CREATE UNIQUE INDEX "voicemail_boxes_extension_id_key" ON "voicemail_boxes"("extension_id");

-- CreateIndex
CREATE UNIQUE INDEX "voicemail_messages_idempotency_key_key" ON "voicemail_messages"("idempotency_key");

-- CreateIndex
CREATE INDEX "voicemail_messages_box_id_heard_created_at_idx" ON "voicemail_messages"("box_id", "heard", "created_at" DESC);

-- CreateIndex
CREATE INDEX "call_records_started_at_idx" ON "call_records"("started_at" DESC);

-- CreateIndex
CREATE INDEX "call_records_caller_number_started_at_idx" ON "call_records"("caller_number", "started_at" DESC);

-- CreateIndex
CREATE INDEX "call_records_callee_number_started_at_idx" ON "call_records"("callee_number", "started_at" DESC);

-- CreateIndex
CREATE INDEX "call_records_disposition_started_at_idx" ON "call_records"("disposition", "started_at" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "admin_users_username_key" ON "admin_users"("username");

-- CreateIndex
CREATE INDEX "admin_sessions_admin_user_id_idx" ON "admin_sessions"("admin_user_id");

-- CreateIndex
CREATE INDEX "admin_sessions_expires_at_idx" ON "admin_sessions"("expires_at");

-- CreateIndex
CREATE INDEX "audit_log_at_idx" ON "audit_log"("at" DESC);

-- CreateIndex
CREATE INDEX "audit_log_entity_entity_id_idx" ON "audit_log"("entity", "entity_id");

-- CreateIndex
CREATE INDEX "audit_log_actor_id_idx" ON "audit_log"("actor_id");

-- AddForeignKey
ALTER TABLE "ring_groups" ADD CONSTRAINT "ring_groups_last_answered_extension_id_fkey" FOREIGN KEY ("last_answered_extension_id") REFERENCES "extensions"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ring_group_members" ADD CONSTRAINT "ring_group_members_ring_group_id_fkey" FOREIGN KEY ("ring_group_id") REFERENCES "ring_groups"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ring_group_members" ADD CONSTRAINT "ring_group_members_extension_id_fkey" FOREIGN KEY ("extension_id") REFERENCES "extensions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "follow_me_steps" ADD CONSTRAINT "follow_me_steps_extension_id_fkey" FOREIGN KEY ("extension_id") REFERENCES "extensions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "voicemail_boxes" ADD CONSTRAINT "voicemail_boxes_extension_id_fkey" FOREIGN KEY ("extension_id") REFERENCES "extensions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "voicemail_messages" ADD CONSTRAINT "voicemail_messages_box_id_fkey" FOREIGN KEY ("box_id") REFERENCES "voicemail_boxes"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "admin_sessions" ADD CONSTRAINT "admin_sessions_admin_user_id_fkey" FOREIGN KEY ("admin_user_id") REFERENCES "admin_users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_actor_id_fkey" FOREIGN KEY ("actor_id") REFERENCES "admin_users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
