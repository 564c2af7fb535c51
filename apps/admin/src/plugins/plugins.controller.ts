import { Body, Controller, Get, Inject, Param, Put, Req } from '@nestjs/common';
import { z } from 'zod';
import { actorOf } from '../common/actor.js';
import type { AdminRequest } from '../common/request-context.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import { PluginsService } from './plugins.service.js';

export const updatePluginSchema = z.object({
  enabled: z.boolean({ error: 'must be true or false' }),
  config: z.record(z.string(), z.unknown(), { error: 'must be an object' }).default({}),
});
type UpdatePluginInput = z.infer<typeof updatePluginSchema>;

@Controller('api/plugins')
export class PluginsController {
  constructor(@Inject(PluginsService) private readonly plugins: PluginsService) {}

  @Get()
  async list() {
    return { items: await this.plugins.list() };
  }

  /** Whether the latest saved configuration runs on every routing worker yet. */
  @Get('rollout')
  rollout() {
    return this.plugins.rollout();
  }

  @Put(':id')
  update(
    @Param('id') id: string,
    @Body(new ZodValidationPipe(updatePluginSchema)) body: UpdatePluginInput,
    @Req() req: AdminRequest,
  ) {
    return this.plugins.update(actorOf(req), id, body.enabled, body.config);
  }
}
