// The one place the admin app names @switchboard/db's exports, so a rename there is a one-line change here.
export type { PrismaClient, Prisma } from '@switchboard/db';
export {
  createPrismaClient,
  computeDigestCredentials,
  digestAlgorithmNames,
  storedDigestAlgorithms,
} from '@switchboard/db';
