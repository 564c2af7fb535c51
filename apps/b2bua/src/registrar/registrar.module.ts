import { Module } from '@nestjs/common';
import { SipModule } from '../sip/sip.module.js';
import { NatKeepAliveService } from './nat-keepalive.service.js';
import { RegisterHandler } from './register.handler.js';
import { RegistrationBindingStore } from './registration-binding.store.js';
import { RegistrationFlowsService } from './registration-flows.service.js';
import { RegistrationSweeperService } from './registration-sweeper.service.js';

/** REGISTER handling (RFC 3261 §10.3) and the location service's bindings in Redis. */
@Module({
  imports: [SipModule],
  providers: [
    RegistrationBindingStore,
    RegistrationFlowsService,
    RegisterHandler,
    RegistrationSweeperService,
    NatKeepAliveService,
  ],
  exports: [RegistrationBindingStore],
})
export class RegistrarModule {}
