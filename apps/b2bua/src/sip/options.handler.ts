import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { createResponse } from '@switchboard/sip';
import { ACCEPT, ACCEPT_LANGUAGE } from './sip-capabilities.js';
import type { IncomingSipRequest, SipRequestHandler } from './sip-request-handler.js';
import { SipStackService } from './sip-stack.service.js';

/**
 * OPTIONS addressed to us (RFC 3261 §11.2): 200 with what we can do. Phones and load balancers
 * use it as a keep-alive / health probe, so it needs no authentication.
 */
@Injectable()
export class OptionsHandler implements SipRequestHandler, OnModuleInit {
  constructor(@Inject(SipStackService) private readonly stack: SipStackService) {}

  onModuleInit(): void {
    this.stack.registerHandler('OPTIONS', this, { local: true });
  }

  handle({ request, tx }: IncomingSipRequest): void {
    tx.respond(
      createResponse(request, 200, {
        headers: [
          ['Allow', this.stack.allowedMethods.join(', ')],
          ['Accept', ACCEPT],
          ['Accept-Language', ACCEPT_LANGUAGE],
          ['Supported', this.stack.supported.join(', ')],
          ['Content-Length', 0],
        ],
      }),
    );
  }
}
