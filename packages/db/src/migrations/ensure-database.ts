import pg from 'pg';

import { parseDatabaseUrl, quoteIdentifier, redactDatabaseUrl, withDatabase } from '../database-url.js';
import { DatabaseUnreachableError, DbError } from '../db-errors.js';

const DUPLICATE_DATABASE = '42P04';
const INVALID_CATALOG_NAME = '3D000'; // "database ... does not exist"

export class DatabaseCreateError extends DbError {
  constructor(database: string, url: string, cause: string) {
    super(
      'DATABASE_CREATE_FAILED',
      `database ${database} does not exist and could not be created on ${redactDatabaseUrl(url)}: ${cause}. ` +
        'Create it yourself (CREATE DATABASE) or use a role allowed to.',
    );
  }
}

/**
 * Creates the database named by `databaseUrl` when it does not exist. Connects to it first, so a role
 * that may only reach its own database never needs the `postgres` maintenance database. Returns
 * whether it was created.
 */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const { database } = parseDatabaseUrl(databaseUrl);
  if (await databaseAcceptsConnections(databaseUrl)) return false;

  const admin = new pg.Client({ connectionString: withDatabase(databaseUrl, 'postgres') });
  try {
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${quoteIdentifier(database)}`);
      return true;
    } catch (error) {
      // Someone else created it between our check and our CREATE: that is fine. A concurrent CREATE
      // can also surface as a unique violation on pg_database instead of 42P04.
      if (isPgError(error) && error.code === DUPLICATE_DATABASE) return false;
      const again = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
      if (again.rowCount !== 0) return false;
      throw error;
    }
  } catch (error) {
    throw new DatabaseCreateError(
      database,
      databaseUrl,
      error instanceof Error ? error.message : String(error),
    );
  } finally {
    await admin.end().catch(() => undefined);
  }
}

async function databaseAcceptsConnections(databaseUrl: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: databaseUrl });
  try {
    await client.connect();
    return true;
  } catch (error) {
    if (isPgError(error) && error.code === INVALID_CATALOG_NAME) return false;
    throw new DatabaseUnreachableError(
      redactDatabaseUrl(databaseUrl),
      error instanceof Error ? error.message : String(error),
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function isPgError(error: unknown): error is Error & { code: string } {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string';
}
