import { Module } from '@nestjs/common';
import { ExtensionRepository } from '../repositories/extension.repository.js';
import { SipModule } from '../sip/sip.module.js';
import { DialogEventPackageService } from './dialog-event-package.service.js';
import { ParkSlotResources } from './park-slot-resources.js';
import { PresenceEventPackageService } from './presence-event-package.service.js';
import { WatchableResources } from './watchable-resources.js';

/**
 * Busy lamps in the signalling role: the dialog event package (RFC 4235) and presence (RFC 3856) for
 * the same states, served by the SubscriptionsModule's SUBSCRIBE handler, fed by the call sessions'
 * dialog states.
 */
@Module({
  imports: [SipModule],
  providers: [
    ExtensionRepository,
    WatchableResources,
    ParkSlotResources,
    DialogEventPackageService,
    PresenceEventPackageService,
  ],
  exports: [DialogEventPackageService, PresenceEventPackageService, WatchableResources],
})
export class LampsModule {}
