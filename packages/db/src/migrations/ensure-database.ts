import pg from 'pg';

import { parseDatabaseUrl, quoteIdentifier, withDatabase } from '../database-url.js';

const DUPLICATE_DATABASE = '42P04';

/**
 * Creates the database named by `databaseUrl` when it does not exist, connecting to the server's
 * `postgres` maintenance database. Returns whether it was created.
 */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const { database } = parseDatabaseUrl(databaseUrl);
  const client = new pg.Client({ connectionString: withDatabase(databaseUrl, 'postgres') });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount !== 0) return false;
    try {
      await client.query(`CREATE DATABASE ${quoteIdentifier(database)}`);
      return true;
    } catch (error) {
      // Someone else created it between our check and our CREATE: that is fine. A concurrent CREATE
      // can also surface as a unique violation on pg_database instead of 42P04.
      if (isPgError(error) && error.code === DUPLICATE_DATABASE) return false;
      const again = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
      if (again.rowCount !== 0) return false;
      throw error;
    }
  } finally {
    await client.end();
  }
}

export function isPgError(error: unknown): error is Error & { code: string } {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string';
}
