// The one place the admin app names @switchboard/db's exports, so a rename there is a one-line change here.
export type { PrismaClient } from '@switchboard/db';
export {
  Prisma,
  createPrismaClient,
  computeDigestCredentials,
  digestAlgorithmNames,
  storedDigestAlgorithms,
  DEFAULT_MUSIC_CLASS,
  listMusicClasses,
  MUSIC_CLASS_PATTERN,
} from '@switchboard/db';
