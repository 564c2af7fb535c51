import { Prisma } from './generated/prisma/client.js';

/** A write refused by a unique or foreign-key constraint, e.g. to answer 409 "number already in use". */
export interface ConstraintViolation {
  readonly kind: 'unique' | 'foreign-key';
  /** Prisma model name, e.g. "Extension". */
  readonly model: string | undefined;
  /** PostgreSQL constraint/index name, e.g. "extensions_number_key" (Prisma's `<table>_<columns>_key`). */
  readonly constraint: string | undefined;
}

const KIND_BY_CODE: Readonly<Record<string, ConstraintViolation['kind']>> = {
  P2002: 'unique',
  P2003: 'foreign-key',
};

/**
 * Reads a Prisma error raised through the pg driver adapter. With adapters Prisma 7 puts the
 * constraint under meta.driverAdapterError.cause.constraint.index instead of meta.target.
 */
export function constraintViolation(error: unknown): ConstraintViolation | undefined {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return undefined;
  const kind = KIND_BY_CODE[error.code];
  if (kind === undefined) return undefined;
  const meta = error.meta as
    | {
        modelName?: unknown;
        target?: unknown;
        driverAdapterError?: { cause?: { constraint?: { index?: unknown } } };
      }
    | undefined;
  const index = meta?.driverAdapterError?.cause?.constraint?.index;
  const target = meta?.target;
  return {
    kind,
    model: typeof meta?.modelName === 'string' ? meta.modelName : undefined,
    constraint: typeof index === 'string' ? index : typeof target === 'string' ? target : undefined,
  };
}

/** True for a unique violation, optionally only on the named constraint. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const violation = constraintViolation(error);
  return violation?.kind === 'unique' && (constraint === undefined || violation.constraint === constraint);
}
