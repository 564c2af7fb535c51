-- CreateEnum
CREATE TYPE "offered_digest_algorithm" AS ENUM ('SHA-256', 'MD5');

-- AlterTable
ALTER TABLE "extensions" ADD COLUMN     "digest_algorithms" "offered_digest_algorithm"[] DEFAULT ARRAY[]::"offered_digest_algorithm"[];
