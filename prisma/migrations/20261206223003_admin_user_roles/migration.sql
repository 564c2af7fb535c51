-- CreateEnum
CREATE TYPE "admin_role" AS ENUM ('admin', 'read_only');

-- AlterTable
ALTER TABLE "admin_users" ADD COLUMN     "disabled_at" TIMESTAMPTZ(3),
ADD COLUMN     "role" "admin_role" NOT NULL DEFAULT 'admin';
