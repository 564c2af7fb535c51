import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import {
  callFilterSchema,
  callHistoryQuerySchema,
  type CallFilter,
  type CallHistoryQuery,
} from './call-history.schemas.js';
import { CallHistoryService } from './call-history.service.js';

@Controller('api/calls')
export class CallHistoryController {
  constructor(@Inject(CallHistoryService) private readonly calls: CallHistoryService) {}

  @Get()
  list(@Query(new ZodValidationPipe(callHistoryQuerySchema)) query: CallHistoryQuery) {
    return this.calls.page(query);
  }

  @Get('export.csv')
  async exportCsv(@Query(new ZodValidationPipe(callFilterSchema)) filter: CallFilter, @Res() res: Response) {
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', 'attachment; filename="switchboard-calls.csv"');
    for await (const chunk of this.calls.csv(filter)) res.write(chunk);
    res.end();
  }
}
