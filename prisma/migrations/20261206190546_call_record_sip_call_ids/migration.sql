-- AlterTable
ALTER TABLE "call_records" ADD COLUMN     "plugin_id" VARCHAR(255),
ADD COLUMN     "sip_call_id" VARCHAR(255);
