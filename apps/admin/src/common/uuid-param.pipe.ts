import type { PipeTransform } from '@nestjs/common';
import { validationError } from './zod-validation.pipe.js';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Path ids are UUIDs; anything else is a 400 naming the parameter (not a database error). */
export class UuidParamPipe implements PipeTransform<string, string> {
  constructor(private readonly name = 'id') {}

  transform(value: string): string {
    if (!uuid.test(value)) throw validationError([{ field: this.name, message: 'must be a UUID' }]);
    return value.toLowerCase();
  }
}
