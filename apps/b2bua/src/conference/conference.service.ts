import { Inject, Injectable } from '@nestjs/common';
import type { PrismaClient } from '@switchboard/db';
import type { Clock } from '@switchboard/transactions';
import type { AdHocRoom } from '../calls/three-way/three-way-call.js';
import { PRISMA } from '../tokens.js';
import type { LocalCall, LocalCallContext } from '../voicemail/local-call.js';
import { VoicemailService } from '../voicemail/voicemail.service.js';
import type { ConferenceApps } from './conference-apps.js';
import { ConferenceBridge } from './conference-bridge.js';
import { ConferenceCall, type ConferenceContext } from './conference-call.js';
import { ConferenceRoomRepository } from './conference-room.repository.js';

/** An ad-hoc room's limit (the mixer's). */
const AD_HOC_MAX_PARTICIPANTS = 32;

/**
 * Conference rooms in the signalling role: a plan's conference(room) end. Media (ports, prompts,
 * PIN checking) is the voicemail's, so both share one RTP port allocator and one PIN lock-out.
 */
@Injectable()
export class ConferenceService implements ConferenceApps {
  private readonly rooms: ConferenceRoomRepository;
  private bridge: ConferenceBridge | undefined;

  constructor(
    @Inject(PRISMA) prisma: PrismaClient,
    @Inject(VoicemailService) private readonly voicemail: VoicemailService,
  ) {
    this.rooms = new ConferenceRoomRepository(prisma);
  }

  join(context: LocalCallContext, room: string): LocalCall {
    const vm = this.voicemail.contextFor(context);
    const conf: ConferenceContext = { bridge: this.bridgeOn(vm.clock), rooms: this.rooms };
    const call = new ConferenceCall(context, vm, conf, room);
    call.start();
    return call;
  }

  openAdHoc(call: string, clock: Clock): AdHocRoom {
    const bridge = this.bridgeOn(clock);
    // "adhoc:" cannot collide with a room number (digits, * and # only).
    const id = `adhoc:${call}`;
    const mixer = bridge.mixer(id, AD_HOC_MAX_PARTICIPANTS);
    return {
      media: {
        mixer,
        mediaOptions: this.voicemail.mediaOptions(clock),
        publicAddress: this.voicemail.publicAddress,
      },
      close: () => bridge.close(id),
    };
  }

  /** Every room ticks on the calls' clock (the SIP stack's, a fake one in tests). */
  private bridgeOn(clock: Clock): ConferenceBridge {
    this.bridge ??= new ConferenceBridge(clock);
    return this.bridge;
  }
}
