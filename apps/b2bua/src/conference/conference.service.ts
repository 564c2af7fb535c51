import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { SwitchboardConfig } from '@switchboard/config';
import type { PrismaClient } from '@switchboard/db';
import type { Clock } from '@switchboard/transactions';
import type { AdHocRoom } from '../calls/three-way/three-way-call.js';
import { CONFIG, PRISMA } from '../tokens.js';
import type { LocalCall, LocalCallContext } from '../voicemail/local-call.js';
import { VoicemailService } from '../voicemail/voicemail.service.js';
import type { ConferenceApps } from './conference-apps.js';
import { ConferenceBridge } from './conference-bridge.js';
import { ConferenceCall, type ConferenceContext } from './conference-call.js';
import { ConferenceRoomRepository, type ConferenceRoomRow } from './conference-room.repository.js';

/** An ad-hoc room's limit (the mixer's). */
const AD_HOC_MAX_PARTICIPANTS = 32;

/** A factory-made room: open to anyone who has its URI, no PIN, the mixer's limit, join chimes. */
function factoryRoom(id: string): ConferenceRoomRow {
  return {
    number: id,
    enabled: true,
    pinHash: null,
    maxParticipants: AD_HOC_MAX_PARTICIPANTS,
    announceJoin: true,
  };
}

// "adhoc:" cannot collide with a room number (digits, * and # only).
const adHocRoomId = (call: string): string => `adhoc:${call}`;

/**
 * Conference rooms in the signalling role: a plan's conference(room) end, and the RFC 4579 conference
 * factory's ad-hoc rooms. Media (ports, prompts, PIN checking) is the voicemail's, so both share one
 * RTP port allocator and one PIN lock-out.
 */
@Injectable()
export class ConferenceService implements ConferenceApps {
  private readonly rooms: ConferenceRoomRepository;
  private bridge: ConferenceBridge | undefined;
  /** Open factory-made rooms (their ids are their conference URIs' user parts); gone once empty. */
  private readonly factoryRooms = new Set<string>();
  private readonly factory: string;

  constructor(
    @Inject(CONFIG) config: SwitchboardConfig,
    @Inject(PRISMA) prisma: PrismaClient,
    @Inject(VoicemailService) private readonly voicemail: VoicemailService,
  ) {
    this.rooms = new ConferenceRoomRepository(prisma);
    this.factory = config.calls.conferenceFactory;
  }

  join(context: LocalCallContext, room: string): LocalCall {
    const vm = this.voicemail.contextFor(context);
    const bridge = this.bridgeOn(vm.clock);
    const conf: ConferenceContext = {
      bridge,
      rooms: {
        find: (n) => (this.factoryRooms.has(n) ? Promise.resolve(factoryRoom(n)) : this.rooms.find(n)),
      },
      vacated: (n) => {
        if (bridge.size(n) === 0) this.factoryRooms.delete(n);
      },
    };
    const call = new ConferenceCall(context, vm, conf, room);
    call.start();
    return call;
  }

  openAdHoc(call: string, clock: Clock): AdHocRoom {
    const bridge = this.bridgeOn(clock);
    const id = adHocRoomId(call);
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

  /** Participants now in the ad-hoc room of call `call` (0: none open); operations and tests. */
  adHocSize(call: string): number {
    return this.bridge?.size(adHocRoomId(call)) ?? 0;
  }

  isFactory(destination: string): boolean {
    return this.factory !== '' && destination === this.factory;
  }

  openFactoryRoom(): string {
    // "<factory>-<hex>": never a room number (digits only), so it cannot shadow a configured room.
    const id = `${this.factory}-${randomBytes(6).toString('hex')}`;
    this.factoryRooms.add(id);
    return id;
  }

  isFactoryRoom(destination: string): boolean {
    return this.factoryRooms.has(destination);
  }

  /** Every room ticks on the calls' clock (the SIP stack's, a fake one in tests). */
  private bridgeOn(clock: Clock): ConferenceBridge {
    this.bridge ??= new ConferenceBridge(clock);
    return this.bridge;
  }
}
