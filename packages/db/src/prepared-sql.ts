import type pg from 'pg';

import type { PrismaClient } from './generated/prisma/client.js';

/**
 * One SQL statement run on the pg pool under Prisma's driver adapter, prepared once per connection
 * (pg's named statements). For the per-call hot paths only: Prisma 7 compiles every model query
 * in its wasm query compiler (bench:cps: a `createMany` of 18 call records cost ~13 ms of CPU, a
 * `findUnique` ~1 ms; the same statement through pg 0.5 and 0.1-0.2 ms).
 */
export interface PreparedSql {
  /**
   * Rows of `text` run with `values` ($1, $2, …). `name` identifies the statement on each
   * connection: one name, one text.
   */
  query<Row>(name: string, text: string, values: readonly unknown[]): Promise<Row[]>;
}

const pools = new WeakMap<PrismaClient, pg.Pool>();

/** Called by createPrismaClient: the pool its adapter runs on. */
export function registerPool(client: PrismaClient, pool: pg.Pool): void {
  pools.set(client, pool);
}

/**
 * The prepared-statement runner of a client made by createPrismaClient; for any other client
 * (a test's own) the same SQL goes through `$queryRawUnsafe`, unprepared.
 */
export function preparedSqlOf(client: PrismaClient): PreparedSql {
  const pool = pools.get(client);
  const unprepared = <Row>(text: string, values: readonly unknown[]) =>
    client.$queryRawUnsafe<Row[]>(text, ...values);
  if (!pool) return { query: (_name, text, values) => unprepared(text, values) };
  return {
    query: async <Row>(name: string, text: string, values: readonly unknown[]) =>
      // After `$disconnect` the adapter has ended our pool; a client used again runs on a new one.
      pool.ending
        ? unprepared<Row>(text, values)
        : ((await pool.query({ name, text, values: [...values] })).rows as Row[]),
  };
}
