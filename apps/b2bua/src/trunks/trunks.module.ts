import { Module } from '@nestjs/common';
import { SipModule } from '../sip/sip.module.js';
import { TrunkRegistrationService } from './trunk-registration.service.js';
import { TrunkRegistrationStatusStore } from './trunk-registration-status.store.js';

/** SIP trunks in the signalling role: outbound registration (RFC 3261 §10.2 as UAC). */
@Module({
  imports: [SipModule],
  providers: [TrunkRegistrationStatusStore, TrunkRegistrationService],
  exports: [TrunkRegistrationService],
})
export class TrunksModule {}
