import { ConflictException, NotFoundException } from '@nestjs/common';

/** 409 naming the field whose value is already taken. */
export function conflict(field: string, message: string): ConflictException {
  return new ConflictException({
    statusCode: 409,
    error: 'Conflict',
    message,
    errors: [{ field, message }],
  });
}

export function notFound(what: string): NotFoundException {
  return new NotFoundException({ statusCode: 404, error: 'Not Found', message: `${what} not found` });
}

/** True for Prisma's unique-constraint violation (P2002). */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'P2002';
}
