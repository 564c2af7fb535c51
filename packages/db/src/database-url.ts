import { DatabaseUrlError } from './db-errors.js';

/** A parsed PostgreSQL connection URL that names a database. */
export interface DatabaseLocation {
  readonly url: string;
  readonly database: string;
}

/** Checks that `url` is a postgres:// or postgresql:// URL naming a database. */
export function parseDatabaseUrl(url: string | undefined): DatabaseLocation {
  if (url === undefined || url.trim() === '') {
    throw new DatabaseUrlError('DATABASE_URL is not set (expected postgresql://user@host:port/database)');
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DatabaseUrlError(
      'DATABASE_URL is not a valid URL (expected postgresql://user@host:port/database)',
    );
  }
  if (parsed.protocol !== 'postgresql:' && parsed.protocol !== 'postgres:') {
    throw new DatabaseUrlError(
      `DATABASE_URL must use postgresql:// or postgres://, not ${parsed.protocol}//`,
    );
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (database === '') {
    throw new DatabaseUrlError('DATABASE_URL names no database (add /<database> after the host)');
  }
  return { url, database };
}

/** The same server with another database name (e.g. the `postgres` maintenance database). */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.href;
}

/** Double-quotes an SQL identifier. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** The URL with its password replaced, for messages and logs. */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.href;
  } catch {
    return '<invalid url>';
  }
}
