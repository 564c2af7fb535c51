-- AlterTable
ALTER TABLE "extensions" ADD COLUMN     "directed_pickup" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "pickup_groups" TEXT[] DEFAULT ARRAY[]::TEXT[];
