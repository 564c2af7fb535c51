import { Inject, Injectable } from '@nestjs/common';
import type { Logger, SwitchboardConfig } from '@switchboard/config';
import { DEFAULT_MUSIC_CLASS, type PrismaClient } from '@switchboard/db';
import {
  G711_PAYLOAD_TYPE,
  RtpPortAllocator,
  RtpSession,
  type Clock,
  type G711Law,
  type MusicPlaylist,
} from '@switchboard/media';
import { CONFIG, LOGGER, PRISMA } from '../../tokens.js';
import type { MusicOnHold } from './held-leg-music.js';
import { MusicLibrary } from './music-library.js';

/** Injection token of the process's MusicOnHold (absent, or SWITCHBOARD_MUSIC_ON_HOLD=off: silence). */
export const MUSIC_ON_HOLD = Symbol('MUSIC_ON_HOLD');

/**
 * Music on hold of a signalling process: the classes in <data dir>/moh, each extension's class
 * (Extension.mohClass), and RTP sessions on SWITCHBOARD_RTP_PORT_MIN..MAX bound like the voicemail's.
 */
@Injectable()
export class MusicOnHoldService implements MusicOnHold {
  private readonly allocator: RtpPortAllocator;
  private readonly library: MusicLibrary;

  constructor(
    @Inject(CONFIG) private readonly config: SwitchboardConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(PRISMA) private readonly prisma: PrismaClient,
  ) {
    this.allocator = new RtpPortAllocator({ min: config.rtp.portMin, max: config.rtp.portMax });
    this.library = new MusicLibrary(config.dataDir, logger, config.calls.musicOnHold === 'shuffle');
  }

  async classOf(extension: string | undefined): Promise<string> {
    if (extension === undefined) return DEFAULT_MUSIC_CLASS;
    try {
      const row = await this.prisma.extension.findUnique({
        where: { number: extension },
        select: { mohClass: true },
      });
      return row?.mohClass ?? DEFAULT_MUSIC_CLASS;
    } catch (err) {
      this.logger.warn({ extension, err }, 'music on hold class not read: default class');
      return DEFAULT_MUSIC_CLASS;
    }
  }

  playlist(musicClass: string): Promise<MusicPlaylist> {
    return this.library.playlist(musicClass);
  }

  async openSession(law: G711Law, clock: Clock): Promise<{ session: RtpSession; address: string }> {
    const session = await RtpSession.open({
      clock,
      allocator: this.allocator,
      localAddress: this.config.sip.bindAddress,
      payloadType: G711_PAYLOAD_TYPE[law],
      // The held party may well send nothing (recvonly): its silence is no reason to stop.
      mediaTimeoutMs: 0,
    });
    session.on('error', (err) => this.logger.warn({ err }, 'music on hold RTP socket error'));
    return { session, address: this.config.sip.publicAddress };
  }
}
