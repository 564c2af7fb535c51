import { Inject, Injectable } from '@nestjs/common';
import type { PrismaClient } from '@switchboard/db';
import { PRISMA } from '../tokens.js';
import type { LocalCall, LocalCallContext } from '../voicemail/local-call.js';
import { VoicemailService } from '../voicemail/voicemail.service.js';
import { IvrCall } from './ivr-call.js';
import type { IvrContext } from './ivr-context.js';
import { IvrMenuRepository } from './ivr-menu.repository.js';
import type { MenuApps } from './menu-apps.js';

/**
 * Auto-attendant menus in the signalling role: a plan's menu(id) end. Media (RTP ports, prompts,
 * the data directory of uploaded greetings) is the voicemail's, so menus and voicemail share one
 * port allocator, and a menu can pass its caller to voicemail as is.
 */
@Injectable()
export class IvrService implements MenuApps {
  private readonly ivr: IvrContext;

  constructor(
    @Inject(PRISMA) prisma: PrismaClient,
    @Inject(VoicemailService) private readonly voicemail: VoicemailService,
  ) {
    this.ivr = { menus: new IvrMenuRepository(prisma), voicemail };
  }

  run(context: LocalCallContext, menu: string): LocalCall {
    const call = new IvrCall(context, this.voicemail.contextFor(context), this.ivr, menu);
    call.start();
    return call;
  }
}
