import { Module } from '@nestjs/common';
import { RegistrarModule } from '../registrar/registrar.module.js';
import { SipModule } from '../sip/sip.module.js';
import { MailboxChangeListenerService } from './mailbox-change-listener.service.js';
import { MailboxCountsRepository } from './mailbox-counts.repository.js';
import { MwiNotifierService } from './mwi-notifier.service.js';
import { MwiSubscriptionStore } from './mwi-subscription.store.js';
import { SubscribeHandler } from './subscribe.handler.js';

/**
 * Message-waiting indication in the signalling role (RFC 3842 over RFC 6665): the SUBSCRIBE handler,
 * subscriptions in Redis, the notifier and the listener for mailbox changes made by other processes.
 */
@Module({
  imports: [SipModule, RegistrarModule],
  providers: [
    MwiSubscriptionStore,
    MailboxCountsRepository,
    MwiNotifierService,
    SubscribeHandler,
    MailboxChangeListenerService,
  ],
  exports: [MwiNotifierService, MwiSubscriptionStore],
})
export class MwiModule {}
