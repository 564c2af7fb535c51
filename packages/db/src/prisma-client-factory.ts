import { PrismaPg } from '@prisma/adapter-pg';

import { parseDatabaseUrl } from './database-url.js';
import { PrismaClient } from './generated/prisma/client.js';

export interface PrismaClientOptions {
  /** Size of the pg connection pool (pg's default is 10). */
  readonly maxConnections?: number;
}

/**
 * A Prisma client over node-postgres (the `prisma-client` generator has no built-in engine).
 * Call `$disconnect()` when done so the pool closes.
 */
export function createPrismaClient(databaseUrl: string, options: PrismaClientOptions = {}): PrismaClient {
  const { url } = parseDatabaseUrl(databaseUrl);
  const adapter = new PrismaPg({
    connectionString: url,
    // pg waits forever for a connection by default: a PostgreSQL host that drops packets would hang
    // every query (and the call waiting on it) instead of failing into the outage cache or a 503.
    connectionTimeoutMillis: 5000,
    ...(options.maxConnections === undefined ? {} : { max: options.maxConnections }),
  });
  return new PrismaClient({ adapter });
}
