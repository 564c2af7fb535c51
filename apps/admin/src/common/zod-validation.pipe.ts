import { BadRequestException, type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';

export interface FieldError {
  field: string;
  message: string;
}

/** The 400 body every validation failure gets: one message per offending field. */
export function validationError(errors: FieldError[]): BadRequestException {
  return new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: errors.map((e) => `${e.field}: ${e.message}`).join('; '),
    errors,
  });
}

export function issuesToFieldErrors(issues: readonly z.core.$ZodIssue[]): FieldError[] {
  return issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.map(String).join('.') : '(body)',
    message: issue.message,
  }));
}

/** Parses a body or query with a zod schema; invalid input becomes 400 with field messages. */
export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.output<S> {
    const result = this.schema.safeParse(value ?? {});
    if (!result.success) throw validationError(issuesToFieldErrors(result.error.issues));
    return result.data;
  }
}
