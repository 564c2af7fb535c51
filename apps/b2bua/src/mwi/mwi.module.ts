import { Module } from '@nestjs/common';
import { RegistrarModule } from '../registrar/registrar.module.js';
import { SipModule } from '../sip/sip.module.js';
import { MailboxChangeListenerService } from './mailbox-change-listener.service.js';
import { MailboxCountsRepository } from './mailbox-counts.repository.js';
import { MwiNotifierService } from './mwi-notifier.service.js';

/**
 * Message-waiting indication in the signalling role (RFC 3842 over RFC 6665): the message-summary
 * event package (served by the SubscriptionsModule's SUBSCRIBE handler) and the listener for mailbox
 * changes made by other processes.
 */
@Module({
  imports: [SipModule, RegistrarModule],
  providers: [MailboxCountsRepository, MwiNotifierService, MailboxChangeListenerService],
  exports: [MwiNotifierService],
})
export class MwiModule {}
