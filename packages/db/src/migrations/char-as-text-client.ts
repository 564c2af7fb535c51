import pg from 'pg';

const PG_CHAR_OID = 18; // PostgreSQL's internal one-byte "char" (pg_class.relkind, pg_constraint.contype, ...)
const PG_TEXT_OID = 25;

type QueryCallback = (error: Error, result: pg.QueryResult) => void;

function relabel<T>(result: T): T {
  for (const one of [result].flat()) {
    const fields = (one as { fields?: { dataTypeID: number }[] } | undefined)?.fields;
    for (const field of fields ?? []) if (field.dataTypeID === PG_CHAR_OID) field.dataTypeID = PG_TEXT_OID;
  }
  return result;
}

/**
 * A pg client that reports "char" columns as text. @prisma/adapter-pg 7.10 has no column type for
 * "char" and fails the schema engine's catalog queries; the values are one-character strings either way.
 */
export class CharAsTextClient extends pg.Client {
  override query(...args: unknown[]): never {
    const last = args.at(-1);
    if (typeof last === 'function') {
      const callback = last as QueryCallback;
      const wrapped: QueryCallback = (error, result) => callback(error, relabel(result));
      return (super.query as (...a: unknown[]) => never)(...args.slice(0, -1), wrapped);
    }
    const returned = (super.query as (...a: unknown[]) => unknown)(...args);
    return (returned instanceof Promise ? returned.then(relabel) : returned) as never;
  }
}
