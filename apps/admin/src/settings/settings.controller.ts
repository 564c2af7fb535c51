import { Body, Controller, Get, Inject, Put, Req } from '@nestjs/common';
import { actorOf } from '../common/actor.js';
import type { AdminRequest } from '../common/request-context.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import { settingsSchema, type SettingsInput } from './settings.schemas.js';
import { SettingsService } from './settings.service.js';

@Controller('api/settings')
export class SettingsController {
  constructor(@Inject(SettingsService) private readonly settings: SettingsService) {}

  @Get()
  get() {
    return this.settings.get();
  }

  @Put()
  update(@Body(new ZodValidationPipe(settingsSchema)) body: SettingsInput, @Req() req: AdminRequest) {
    return this.settings.update(actorOf(req), body);
  }
}
