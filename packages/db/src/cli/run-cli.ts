import { DbError } from '../db-errors.js';

/** Runs a command's body; a DbError becomes one clear line and exit status 1, not a stack trace. */
export function runCli(body: () => Promise<void>): void {
  body().then(
    () => undefined,
    (error: unknown) => {
      if (error instanceof DbError) {
        console.error(`error: ${error.message}`);
      } else {
        console.error(error);
      }
      process.exitCode = 1;
    },
  );
}

export function requireDatabaseUrl(): string {
  const url = process.env['DATABASE_URL'];
  if (url === undefined || url === '') {
    throw new DbError(
      'DATABASE_URL_MISSING',
      'DATABASE_URL is not set, e.g. DATABASE_URL=postgresql://postgres@127.0.0.1:5432/switchboard',
    );
  }
  return url;
}
