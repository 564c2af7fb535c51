import crypto from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger, SwitchboardConfig } from '@switchboard/config';
import type { RegistrationBinding } from '@switchboard/live-state';
import { createRequest, generateTag } from '@switchboard/sip';
import type { Clock } from '@switchboard/transactions';
import { bindingDestination } from '../calls/legs/leg-destination.js';
import { SipStackService } from '../sip/sip-stack.service.js';
import { CONFIG, LOGGER, SIP_CLOCK } from '../tokens.js';
import { NatKeepAlive, type PingOutcome } from './nat-keepalive.js';

/** The signalling process's NAT keep-alives (SWITCHBOARD_NAT_KEEPALIVE / _SECONDS). */
@Injectable()
export class NatKeepAliveService implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly keepAlive: NatKeepAlive;

  constructor(
    @Inject(CONFIG) private readonly config: SwitchboardConfig,
    @Inject(LOGGER) logger: Logger,
    @Inject(SipStackService) private readonly stack: SipStackService,
    @Inject(SIP_CLOCK) clock: Clock,
  ) {
    const { kind, intervalSeconds } = config.media.natKeepAlive;
    this.keepAlive = new NatKeepAlive({
      kind,
      intervalMs: intervalSeconds * 1000,
      clock,
      wallNow: () => Date.now(),
      logger,
      ping: (binding, how) => (how === 'crlf' ? this.crlf(binding) : this.options(binding)),
    });
  }

  onApplicationBootstrap(): void {
    this.keepAlive.start();
  }

  onApplicationShutdown(): void {
    this.keepAlive.stop();
  }

  private async crlf(binding: RegistrationBinding): Promise<PingOutcome> {
    const target = bindingDestination(binding);
    if (!target) return 'transport-error';
    await this.stack.sendCrlfKeepAlive(target);
    return 'sent';
  }

  /** An OPTIONS outside any dialog (RFC 3261 §11.1) to where the REGISTER came from. */
  private options(binding: RegistrationBinding): Promise<PingOutcome> {
    const target = bindingDestination(binding);
    if (!target) return Promise.resolve('transport-error');
    const domain = this.config.sip.domain;
    const request = createRequest({
      method: 'OPTIONS',
      uri: binding.contact,
      headers: [
        ['Max-Forwards', 70],
        ['From', `<sip:keepalive@${domain}>;tag=${generateTag()}`],
        ['To', `<${binding.aor}>`],
        ['Call-ID', `${crypto.randomBytes(12).toString('hex')}@${domain}`],
        ['CSeq', '1 OPTIONS'],
        ['Accept', 'application/sdp'],
      ],
    });
    return new Promise((resolve) => {
      this.stack.sendRequest(request, target, {
        onResponse: (_response, status) => {
          if (status >= 200) resolve('answered');
        },
        onTimeout: () => resolve('timeout'),
        onTransportError: () => resolve('transport-error'),
      });
    });
  }
}
