import { Module, type DynamicModule } from '@nestjs/common';
import type { SwitchboardConfig } from '@switchboard/config';
import type { Redis } from 'ioredis';
import { MailboxChangePublisher } from '../mwi/mailbox-change-publisher.js';
import { MwiModule } from '../mwi/mwi.module.js';
import { MwiNotifierService } from '../mwi/mwi-notifier.service.js';
import { CONFIG, REDIS } from '../tokens.js';
import { MESSAGE_WAITING_NOTIFIER } from '../voicemail/message-waiting-notifier.js';
import { FanOutNotifier } from './fan-out-notifier.js';
import { VoicemailEmailScheduler } from './voicemail-email-scheduler.js';
import { VoicemailEmailWorkerService } from './voicemail-email-worker.service.js';

/**
 * Provides MESSAGE_WAITING_NOTIFIER (globally, for the voicemail services) in each process role:
 * signalling NOTIFYs directly (MWI) and queues e-mails; the worker role pushes the change to the
 * signalling processes, queues e-mails and runs the e-mail worker.
 */
@Module({})
export class NotificationsModule {
  static forSignalling(): DynamicModule {
    return {
      module: NotificationsModule,
      global: true,
      imports: [MwiModule],
      providers: [
        VoicemailEmailScheduler,
        {
          provide: MESSAGE_WAITING_NOTIFIER,
          inject: [MwiNotifierService, VoicemailEmailScheduler],
          useFactory: (mwi: MwiNotifierService, email: VoicemailEmailScheduler) =>
            new FanOutNotifier([mwi, email]),
        },
      ],
      exports: [MESSAGE_WAITING_NOTIFIER, VoicemailEmailScheduler],
    };
  }

  static forWorker(): DynamicModule {
    return {
      module: NotificationsModule,
      global: true,
      providers: [
        VoicemailEmailScheduler,
        VoicemailEmailWorkerService,
        {
          provide: MESSAGE_WAITING_NOTIFIER,
          inject: [REDIS, CONFIG, VoicemailEmailScheduler],
          useFactory: (redis: Redis, config: SwitchboardConfig, email: VoicemailEmailScheduler) =>
            new FanOutNotifier([new MailboxChangePublisher(redis, config.sip.domain), email]),
        },
      ],
      exports: [MESSAGE_WAITING_NOTIFIER, VoicemailEmailScheduler],
    };
  }
}
