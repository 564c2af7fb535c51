-- CreateEnum
CREATE TYPE "call_direction" AS ENUM ('internal', 'inbound', 'outbound');

-- CreateEnum
CREATE TYPE "dial_class" AS ENUM ('internal', 'local', 'national', 'international');

-- AlterTable
ALTER TABLE "call_records" ADD COLUMN     "did" VARCHAR(64),
ADD COLUMN     "direction" "call_direction" NOT NULL DEFAULT 'internal',
ADD COLUMN     "external_number" VARCHAR(64),
ADD COLUMN     "trunk" VARCHAR(64);

-- AlterTable
ALTER TABLE "extensions" ADD COLUMN     "dial_class" "dial_class" NOT NULL DEFAULT 'national',
ADD COLUMN     "external_number" VARCHAR(32),
ADD COLUMN     "max_external_calls" INTEGER NOT NULL DEFAULT 2;
