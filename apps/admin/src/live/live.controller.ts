import { Controller, Get, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { actorOf } from '../common/actor.js';
import type { AdminRequest } from '../common/request-context.js';
import { UuidParamPipe } from '../common/uuid-param.pipe.js';
import { CallHangupService } from './call-hangup.service.js';
import { LiveStateReader } from './live-state.reader.js';

@Controller('api/live')
export class LiveController {
  constructor(
    @Inject(LiveStateReader) private readonly live: LiveStateReader,
    @Inject(CallHangupService) private readonly hangups: CallHangupService,
  ) {}

  @Get('registrations')
  async registrations() {
    return { items: await this.live.registrations() };
  }

  @Get('calls')
  async calls() {
    return { items: await this.live.activeCalls() };
  }

  /** Ends a live call (BYE/CANCEL on every leg by the signalling process holding it). */
  @Post('calls/:id/hangup')
  @HttpCode(200)
  hangUp(@Param('id', new UuidParamPipe()) id: string, @Req() req: AdminRequest) {
    return this.hangups.hangUp(actorOf(req), id);
  }
}
