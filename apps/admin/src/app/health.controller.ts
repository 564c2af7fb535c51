import { Controller, Get, Inject } from '@nestjs/common';
import { Public } from '../auth/public.decorator.js';
import { HealthService } from './health.service.js';

@Controller('api/health')
export class HealthController {
  constructor(@Inject(HealthService) private readonly service: HealthService) {}

  /** For monitors: no session needed, and no host names or process ids in the answer. */
  @Public()
  @Get()
  health() {
    return this.service.health();
  }

  /** Each signalling and worker process with its heartbeat (the status page). */
  @Get('processes')
  async processes() {
    return { items: await this.service.processes() };
  }
}
