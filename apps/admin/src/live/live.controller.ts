import { Controller, Get, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { actorOf } from '../common/actor.js';
import type { AdminRequest } from '../common/request-context.js';
import { UuidParamPipe } from '../common/uuid-param.pipe.js';
import { lampState } from '@switchboard/live-state';
import { ExtensionsService } from '../extensions/extensions.service.js';
import { CallHangupService } from './call-hangup.service.js';
import { LiveStateReader } from './live-state.reader.js';

@Controller('api/live')
export class LiveController {
  constructor(
    @Inject(LiveStateReader) private readonly live: LiveStateReader,
    @Inject(CallHangupService) private readonly hangups: CallHangupService,
    @Inject(ExtensionsService) private readonly extensions: ExtensionsService,
  ) {}

  /** Every extension's busy lamp (RFC 4235 dialog states the B2BUA keeps in Redis), by number. */
  @Get('lamps')
  async lamps() {
    const extensions = await this.extensions.list({});
    const dialogs = await this.live.dialogs(extensions.map((e) => e.number));
    return {
      items: extensions.map((e) => {
        const own = dialogs.get(e.number) ?? [];
        return {
          number: e.number,
          displayName: e.displayName,
          lamp: lampState(own),
          dialogs: own.map((d) => ({
            state: d.state,
            direction: d.direction,
            remote: d.remote,
            ...(d.remoteName ? { remoteName: d.remoteName } : {}),
            startedAt: d.startedAt,
          })),
        };
      }),
    };
  }

  /** The calls waiting in park slots (slot, parked party, parker, since, ring-back time), by slot. */
  @Get('parked')
  async parked() {
    return { items: await this.live.parkedCalls() };
  }

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
