import { randomBytes } from 'node:crypto';

import pg from 'pg';

import { quoteIdentifier, withDatabase } from '../../src/database-url.js';

/**
 * The PostgreSQL server the tests run against. These tests need a real server and do not skip
 * without one: the root `npm test` provisions it and sets DATABASE_URL.
 */
export function requireServerUrl(): string {
  const url = process.env['DATABASE_URL'];
  if (url === undefined || url === '') {
    throw new Error(
      '@switchboard/db tests need a real PostgreSQL server and DATABASE_URL is not set. Run `npm test` at the ' +
        'repository root (it starts a private PostgreSQL and sets DATABASE_URL), or export ' +
        'DATABASE_URL=postgresql://user@host:port/postgres for a server where you may create databases.',
    );
  }
  return url;
}

/** A URL for a database that does not exist yet (`switchboard_test_<random>`) on the test server. */
export function freshDatabaseUrl(): { url: string; name: string } {
  const name = `switchboard_test_${randomBytes(6).toString('hex')}`;
  return { url: withDatabase(requireServerUrl(), name), name };
}

export async function dropDatabase(name: string): Promise<void> {
  const client = new pg.Client({ connectionString: withDatabase(requireServerUrl(), 'postgres') });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** Runs `body` with a connected client on `url` and closes it afterwards. */
export async function withClient<T>(url: string, body: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await body(client);
  } finally {
    await client.end();
  }
}
