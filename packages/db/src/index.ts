// @switchboard/db: the Prisma client over PostgreSQL, offline migrations, seed and digest helpers.
export * from './generated/prisma/client.js';
export { createPrismaClient, type PrismaClientOptions } from './prisma-client-factory.js';
export { preparedSqlOf, type PreparedSql } from './prepared-sql.js';
export { constraintViolation, isUniqueViolation, type ConstraintViolation } from './prisma-errors.js';
export { migrate, planMigrations, type MigrateOptions, type MigrateResult } from './migrations/migrate.js';
export { DatabaseCreateError, ensureDatabase } from './migrations/ensure-database.js';
export { migrationChecksum, scriptMatchesChecksum } from './migrations/migration-checksum.js';
export { readMigrations, type MigrationFile } from './migrations/migration-directory.js';
export { seed, DEFAULT_PLUGIN_CONFIGS, type DefaultPluginConfig, type SeedResult } from './seed.js';
export {
  computeDigestCredentials,
  digestHa1,
  DigestInputError,
  type DigestAlgorithm,
  type DigestCredentials,
} from './digest-ha1.js';
export {
  digestAlgorithmName,
  digestAlgorithmNames,
  storedDigestAlgorithms,
} from './offered-digest-algorithms.js';
export { parseDatabaseUrl, redactDatabaseUrl, withDatabase } from './database-url.js';
export {
  DbError,
  DatabaseUnreachableError,
  DatabaseUrlError,
  FailedMigrationError,
  MigrationApplyError,
  MigrationChecksumMismatchError,
  MigrationDirectoryError,
} from './db-errors.js';
export { defaultMigrationsDir, defaultPrismaDir, defaultSchemaPath } from './paths.js';
export { SECRET_KEY_FILE, SecretBox, SecretBoxError } from './secret-box.js';
export {
  formatInboundSource,
  InboundSourceError,
  InboundSourceMatcher,
  normalizeInboundSources,
  parseInboundSource,
  type InboundSource,
} from './trunks/inbound-sources.js';
export {
  sealTrunkPassword,
  TRUNK_PASSWORD_CONTEXT,
  TrunkReader,
  type TrunkSettings,
} from './trunks/trunk-reader.js';
export {
  DEFAULT_MUSIC_CLASS,
  listMusicClasses,
  MUSIC_CLASS_PATTERN,
  musicClassDir,
  type MusicClassInfo,
} from './music-classes.js';
export { menuGreetingPath, resolveDataFile, writeDataFile } from './data-files.js';
