import { Module } from '@nestjs/common';
import { LampsModule } from '../lamps/lamps.module.js';
import { DialogEventPackageService } from '../lamps/dialog-event-package.service.js';
import { PresenceEventPackageService } from '../lamps/presence-event-package.service.js';
import { MwiModule } from '../mwi/mwi.module.js';
import { MwiNotifierService } from '../mwi/mwi-notifier.service.js';
import { SipModule } from '../sip/sip.module.js';
import type { EventPackage } from './event-package.js';
import { EVENT_PACKAGES, SubscribeHandler } from './subscribe.handler.js';

/** SUBSCRIBE (RFC 6665) in the signalling role, for every event package we serve (489 lists them in this order). */
@Module({
  imports: [SipModule, MwiModule, LampsModule],
  providers: [
    {
      provide: EVENT_PACKAGES,
      inject: [MwiNotifierService, DialogEventPackageService, PresenceEventPackageService],
      useFactory: (
        mwi: MwiNotifierService,
        dialog: DialogEventPackageService,
        presence: PresenceEventPackageService,
      ): EventPackage[] => [mwi, dialog, presence],
    },
    SubscribeHandler,
  ],
})
export class SubscriptionsModule {}
