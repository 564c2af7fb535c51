import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';

import { parseDatabaseUrl } from './database-url.js';
import { PrismaClient } from './generated/prisma/client.js';
import { registerPool } from './prepared-sql.js';

export interface PrismaClientOptions {
  /** Size of the pg connection pool (pg's default is 10). */
  readonly maxConnections?: number;
}

/**
 * A Prisma client over node-postgres (the `prisma-client` generator has no built-in engine).
 * Call `$disconnect()` when done so the pool closes. The pool is ours, handed to the adapter, so
 * hot paths can run prepared statements on the same connections (preparedSqlOf).
 */
export function createPrismaClient(databaseUrl: string, options: PrismaClientOptions = {}): PrismaClient {
  const { url } = parseDatabaseUrl(databaseUrl);
  const pool = new pg.Pool({
    connectionString: url,
    // pg waits forever for a connection by default: a PostgreSQL host that drops packets would hang
    // every query (and the call waiting on it) instead of failing into the outage cache or a 503.
    connectionTimeoutMillis: 5000,
    ...(options.maxConnections === undefined ? {} : { max: options.maxConnections }),
  });
  // An idle connection that breaks (server restart) emits 'error' on the pool: without a listener
  // that would crash the process before Prisma's first query attaches its own. The query that
  // next needs a connection fails (and is handled) instead.
  pool.on('error', () => undefined);
  const client = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  registerPool(client, pool);
  return client;
}
