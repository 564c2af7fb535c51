import { Controller, Get, Inject, Query } from '@nestjs/common';
import type { PrismaClient } from '../common/db.js';
import { paginationSchema } from '../common/pagination.js';
import { PRISMA } from '../common/tokens.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import type { z } from 'zod';

@Controller('api/audit-log')
export class AuditController {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  @Get()
  async list(@Query(new ZodValidationPipe(paginationSchema)) query: z.infer<typeof paginationSchema>) {
    const [items, total] = await Promise.all([
      this.prisma.auditLog.findMany({
        orderBy: { at: 'desc' },
        skip: (query.page - 1) * query.pageSize,
        take: query.pageSize,
      }),
      this.prisma.auditLog.count(),
    ]);
    return { items, total, page: query.page, pageSize: query.pageSize };
  }
}
