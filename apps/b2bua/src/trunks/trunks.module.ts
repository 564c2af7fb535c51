import { Module } from '@nestjs/common';
import type { Logger, SwitchboardConfig } from '@switchboard/config';
import type { Redis } from 'ioredis';
import { SipModule } from '../sip/sip.module.js';
import { CONFIG, LOGGER, REDIS } from '../tokens.js';
import { InboundTrunkDirectory } from './inbound-trunk-directory.js';
import { TrunkCallLimits, trunkSlotMs } from './trunk-call-limits.js';
import { TrunkRegistrationService } from './trunk-registration.service.js';
import { TrunkRegistrationStatusStore } from './trunk-registration-status.store.js';

/**
 * SIP trunks in the signalling role: outbound registration (RFC 3261 §10.2 as UAC), which trunk an
 * inbound INVITE comes from, and the per-trunk call count.
 */
@Module({
  imports: [SipModule],
  providers: [
    TrunkRegistrationStatusStore,
    TrunkRegistrationService,
    {
      provide: InboundTrunkDirectory,
      useFactory: (logger: Logger) => new InboundTrunkDirectory(logger),
      inject: [LOGGER],
    },
    {
      provide: TrunkCallLimits,
      useFactory: (redis: Redis, config: SwitchboardConfig) =>
        new TrunkCallLimits(redis, trunkSlotMs(config.calls.maxDurationSeconds)),
      inject: [REDIS, CONFIG],
    },
  ],
  exports: [TrunkRegistrationService, InboundTrunkDirectory, TrunkCallLimits],
})
export class TrunksModule {}
