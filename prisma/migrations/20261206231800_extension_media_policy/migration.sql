-- CreateEnum
CREATE TYPE "media_mode_override" AS ENUM ('inherit', 'relay', 'direct', 'auto');

-- CreateEnum
CREATE TYPE "srtp_policy" AS ENUM ('required', 'optional', 'off');

-- AlterTable
ALTER TABLE "extensions" ADD COLUMN     "media_mode" "media_mode_override" NOT NULL DEFAULT 'inherit',
ADD COLUMN     "srtp_policy" "srtp_policy" NOT NULL DEFAULT 'optional';
