import { Controller, Get, Inject } from '@nestjs/common';
import { LiveStateReader } from './live-state.reader.js';

@Controller('api/live')
export class LiveController {
  constructor(@Inject(LiveStateReader) private readonly live: LiveStateReader) {}

  @Get('registrations')
  async registrations() {
    return { items: await this.live.registrations() };
  }

  @Get('calls')
  async calls() {
    return { items: await this.live.activeCalls() };
  }
}
