-- AlterEnum
ALTER TYPE "fallback_kind" ADD VALUE 'busy';

-- AlterTable
ALTER TABLE "extensions" ADD COLUMN     "follow_me_final_kind" "fallback_kind" NOT NULL DEFAULT 'voicemail',
ADD COLUMN     "follow_me_final_target" VARCHAR(255);
