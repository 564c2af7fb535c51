/** Base class of every error this package throws on purpose; `code` is stable for callers. */
export class DbError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class DatabaseUrlError extends DbError {
  constructor(message: string) {
    super('DATABASE_URL_INVALID', message);
  }
}

export class MigrationDirectoryError extends DbError {
  constructor(message: string) {
    super('MIGRATION_DIRECTORY_INVALID', message);
  }
}

/** An applied migration's migration.sql was edited after it ran (Prisma's P3006-like situation). */
export class MigrationChecksumMismatchError extends DbError {
  constructor(readonly migrationNames: readonly string[]) {
    super(
      'MIGRATION_CHECKSUM_MISMATCH',
      `migration(s) ${migrationNames.join(', ')} were already applied to this database but their ` +
        'migration.sql has changed since. Never edit an applied migration: restore the file from git ' +
        'and put the change in a new migration (pnpm migration:new <name>).',
    );
  }
}

/** A row in _prisma_migrations is started but neither finished nor rolled back (Prisma's P3009). */
export class FailedMigrationError extends DbError {
  constructor(readonly migrationNames: readonly string[]) {
    super(
      'MIGRATION_FAILED_EARLIER',
      `migration(s) ${migrationNames.join(', ')} failed earlier and are recorded as unfinished in ` +
        '_prisma_migrations. Fix the database by hand, then mark them with `prisma migrate resolve` ' +
        '(or delete their rows) before migrating again.',
    );
  }
}

export class MigrationApplyError extends DbError {
  constructor(
    readonly migrationName: string,
    readonly causeMessage: string,
  ) {
    super(
      'MIGRATION_APPLY_FAILED',
      `migration ${migrationName} failed and was rolled back, nothing of it was applied: ${causeMessage}`,
    );
  }
}

/** The server could not be reached or refused the login. */
export class DatabaseUnreachableError extends DbError {
  constructor(redactedUrl: string, cause: string) {
    super('DATABASE_UNREACHABLE', `cannot connect to ${redactedUrl}: ${cause}`);
  }
}
