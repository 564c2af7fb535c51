import { Module } from '@nestjs/common';
import { SystemClock } from '@switchboard/transactions';
import { SIP_CLOCK } from '../tokens.js';
import { OptionsHandler } from './options.handler.js';
import { SipAuthService } from './sip-auth.service.js';
import { SipStackService } from './sip-stack.service.js';

/**
 * The SIP foundation of the signalling role: import it to get `SipStackService` (register
 * handlers, send requests/responses) and `SipAuthService` (digest). Needs CONFIG/LOGGER and
 * REDIS/PRISMA from the global ConfigModule and InfrastructureModule.
 */
@Module({
  providers: [
    { provide: SIP_CLOCK, useValue: new SystemClock() },
    SipStackService,
    SipAuthService,
    OptionsHandler,
  ],
  exports: [SIP_CLOCK, SipStackService, SipAuthService],
})
export class SipModule {}
