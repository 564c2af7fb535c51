import { Module } from '@nestjs/common';
import { ExtensionRepository } from '../repositories/extension.repository.js';
import { SipModule } from '../sip/sip.module.js';
import { DialogEventPackageService } from './dialog-event-package.service.js';
import { WatchableResources } from './watchable-resources.js';

/**
 * Busy lamps in the signalling role: the dialog event package (RFC 4235), served by the
 * SubscriptionsModule's SUBSCRIBE handler, fed by the call sessions' dialog states.
 */
@Module({
  imports: [SipModule],
  providers: [ExtensionRepository, WatchableResources, DialogEventPackageService],
  exports: [DialogEventPackageService, WatchableResources],
})
export class LampsModule {}
