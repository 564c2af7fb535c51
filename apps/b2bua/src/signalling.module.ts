import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger, SwitchboardConfig } from '@switchboard/config';
import { ProcessMetrics } from '@switchboard/metrics';
import { ConfigModule } from './config.module.js';
import { InfrastructureModule } from './infrastructure.module.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { CallsModule } from './calls/calls.module.js';
import { RegistrarModule } from './registrar/registrar.module.js';
import { SipModule } from './sip/sip.module.js';
import { SubscriptionsModule } from './subscriptions/subscriptions.module.js';
import { TrunksModule } from './trunks/trunks.module.js';
import { VoicemailModule } from './voicemail/voicemail.module.js';
import { ConferenceModule } from './conference/conference.module.js';
import { IvrModule } from './ivr/ivr.module.js';

import { ProcessHeartbeatService } from './ops/process-heartbeat.service.js';
import { DeadNodeCallReaperService } from './ops/dead-node-call-reaper.service.js';
/** Root module of the signalling process role (SIP transports, registrar, call control). */
@Module({})
export class SignallingModule {
  /** `metrics`: the process registry main.ts serves on /metrics (tests get a private one). */
  static forRoot(
    config: SwitchboardConfig,
    logger: Logger,
    metrics = new ProcessMetrics('signalling'),
  ): DynamicModule {
    return {
      module: SignallingModule,
      imports: [
        ConfigModule.forRoot(config, logger, metrics),
        InfrastructureModule,
        SipModule,
        RegistrarModule,
        // Call control; it also provides the routing client and the call-record publisher.
        CallsModule,
        // Voicemail deposit and mailbox access (global: call control injects VOICEMAIL_APPS).
        VoicemailModule,
        // Conference rooms (global: call control injects CONFERENCE_APPS); uses the voicemail's media.
        ConferenceModule,
        // Auto-attendant menus (global: call control injects MENU_APPS); uses the voicemail's media.
        IvrModule,
        // Message-waiting SUBSCRIBE/NOTIFY and the global MESSAGE_WAITING_NOTIFIER (MWI + voicemail e-mail).
        NotificationsModule.forSignalling(),
        // SUBSCRIBE for message-summary (MWI) and dialog (busy lamps, RFC 4235).
        SubscriptionsModule,
        // Outbound registrations to SIP trunks.
        TrunksModule,
      ],
      // The heartbeat is read by the admin's health page and by the other signalling processes'
      // reaper, which removes the live calls of a process that died.
      providers: [ProcessHeartbeatService, DeadNodeCallReaperService],
    };
  }
}
