-- AlterTable
ALTER TABLE "extensions" ADD COLUMN     "moh_class" VARCHAR(32);
