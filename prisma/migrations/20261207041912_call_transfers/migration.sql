-- AlterTable
ALTER TABLE "call_records" ADD COLUMN     "transfers" JSONB NOT NULL DEFAULT '[]';
