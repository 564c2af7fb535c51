-- DropForeignKey
ALTER TABLE "ring_groups" DROP CONSTRAINT "ring_groups_last_answered_extension_id_fkey";

-- DropIndex
DROP INDEX "ring_groups_last_answered_extension_id_idx";

-- AlterTable
ALTER TABLE "ring_groups" DROP COLUMN "last_answered_at",
DROP COLUMN "last_answered_extension_id";
