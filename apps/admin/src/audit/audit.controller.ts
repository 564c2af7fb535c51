import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import { AuditLogReader } from './audit-log.reader.js';
import { auditQuerySchema, type AuditQuery } from './audit-log.schemas.js';

@Controller('api/audit-log')
export class AuditController {
  constructor(@Inject(AuditLogReader) private readonly reader: AuditLogReader) {}

  /** Newest first, filtered by actor, entity type and time range. */
  @Get()
  list(@Query(new ZodValidationPipe(auditQuerySchema)) query: AuditQuery) {
    return this.reader.list(query);
  }

  @Get('entities')
  async entities() {
    return { items: await this.reader.entities() };
  }
}
