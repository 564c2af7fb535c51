import { Controller, Get, HttpCode, HttpStatus, Inject, Res } from '@nestjs/common';
import { runReadinessChecks } from '@switchboard/metrics';
import type { Response } from 'express';
import type { Redis } from 'ioredis';
import { Public } from '../auth/public.decorator.js';
import type { PrismaClient } from '../common/db.js';
import { PRISMA, REDIS } from '../common/tokens.js';
import { adminReadiness } from './admin-readiness.js';

/**
 * Liveness and readiness on the admin's own port too, since load balancers and container
 * healthchecks probe the port they route to (the same answers as the operations listener).
 */
@Public()
@Controller()
export class ProbesController {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  @Get('healthz')
  @HttpCode(HttpStatus.OK)
  healthz() {
    return { status: 'ok', role: 'admin' };
  }

  @Get('readyz')
  async readyz(@Res({ passthrough: true }) res: Response) {
    const result = await runReadinessChecks(adminReadiness(this.prisma, this.redis));
    res.status(result.ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { role: 'admin', ...result };
  }
}
