import dgram from 'node:dgram';
import { once } from 'node:events';
import { isIPv6 } from 'node:net';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger, SwitchboardConfig } from '@switchboard/config';
import { CONFIG, LOGGER } from '../tokens.js';

/**
 * Holds the SIP UDP port for the signalling role. The SIP stack that answers on it arrives with
 * the B2BUA issue; until then datagrams are counted and dropped, which phones see as a timeout.
 */
@Injectable()
export class SipListenerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private socket: dgram.Socket | undefined;
  private dropped = 0;

  constructor(
    @Inject(CONFIG) private readonly config: SwitchboardConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { bindAddress, udpPort } = this.config.sip;
    const socket = dgram.createSocket(isIPv6(bindAddress) ? 'udp6' : 'udp4');
    socket.on('message', () => {
      this.dropped += 1;
    });
    socket.bind(udpPort, bindAddress);
    await once(socket, 'listening');
    this.socket = socket;
    this.logger.info({ udp: `${bindAddress}:${socket.address().port}` }, 'SIP UDP port bound');
  }

  async onApplicationShutdown(): Promise<void> {
    const socket = this.socket;
    if (!socket) return;
    this.socket = undefined;
    socket.close();
    await once(socket, 'close');
    this.logger.info({ dropped: this.dropped }, 'SIP UDP port closed');
  }
}
