import dgram from 'node:dgram';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger, SwitchboardConfig } from '@switchboard/config';
import { CONFIG, LOGGER } from '../../tokens.js';
import { CallControlService } from '../call-control.service.js';
import { parseRtpengineDtmf } from './rtpengine-dtmf-event.js';

/**
 * The RFC 4733 keys of calls anchored in rtpengine (SWITCHBOARD_RTPENGINE_DTMF_ADDRESS/_PORT;
 * rtpengine's --dtmf-log-dest points here): the PBX is not on the RTP path of a bridged relayed
 * call, so rtpengine reports each event it relays as a JSON datagram. Each goes to the call it
 * names (ng call-id = our call id) as a key of the side whose RTP carried it — the same
 * feature-code path as a DTMF SIP INFO. Datagrams from any address but rtpengine's are dropped.
 */
@Injectable()
export class RtpengineDtmfListenerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private socket: dgram.Socket | undefined;

  constructor(
    @Inject(CallControlService) private readonly control: CallControlService,
    @Inject(CONFIG) private readonly config: SwitchboardConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const listen = this.config.media.rtpengine.dtmfListen;
    if (!listen) return;
    const socket = dgram.createSocket(listen.address.includes(':') ? 'udp6' : 'udp4');
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(listen.port, listen.address, () => {
          socket.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      // Calls work without it (only RFC 4733 feature codes of relayed calls are not heard): not fatal.
      this.logger.error(
        { err, address: listen.address, port: listen.port },
        'cannot listen for rtpengine DTMF events (SWITCHBOARD_RTPENGINE_DTMF_PORT): in-call RFC 4733 feature codes are off',
      );
      socket.close();
      return;
    }
    socket.on('error', (err) => this.logger.error({ err }, 'rtpengine DTMF socket failed'));
    socket.on('message', (msg, from) => this.onDatagram(msg, from.address));
    this.socket = socket;
    this.logger.info({ address: listen.address, port: listen.port }, 'listening for rtpengine DTMF events');
  }

  async onApplicationShutdown(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  private onDatagram(msg: Buffer, source: string): void {
    const relay = this.config.media.rtpengine.address;
    if (source !== relay) {
      this.logger.debug({ source }, 'dropped a DTMF datagram not from rtpengine');
      return;
    }
    const parsed = parseRtpengineDtmf(msg);
    if (!parsed.ok) {
      this.logger.warn({ reason: parsed.reason }, 'ignored a malformed rtpengine DTMF event');
      return;
    }
    const { callId, sourceTag, digit } = parsed.event;
    const session = this.control.calls.find(callId);
    if (!session) {
      // A call of another signalling process, or one that just ended.
      this.logger.debug({ call: callId }, 'rtpengine DTMF event for no call of this process');
      return;
    }
    this.logger.debug({ call: callId, tag: sourceTag, digit }, 'RFC 4733 key in an anchored call');
    session.mediaDigit(sourceTag, digit);
  }
}
