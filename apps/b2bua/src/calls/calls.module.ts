import { Module } from '@nestjs/common';
import { PluginStateRepository } from '../repositories/plugin-state.repository.js';
import { RegistrationRepository } from '../repositories/registration.repository.js';
import { CallRecordPublisherService } from './records/call-record.services.js';
import { RecordingPublisherService } from '../recordings/recording.services.js';
import { RoutingClientService } from '../routing/routing-client.service.js';
import { SipModule } from '../sip/sip.module.js';
import { TrunksModule } from '../trunks/trunks.module.js';
import { CallControlService } from './call-control.service.js';
import { CallHangupListenerService } from './call-hangup-listener.service.js';
import { RtpengineDtmfListenerService } from './dtmf/rtpengine-dtmf-listener.service.js';
import { MUSIC_ON_HOLD, MusicOnHoldService } from './hold/music-on-hold.service.js';

/**
 * Call control of the signalling role. Provides the routing client and the call-record publisher
 * it uses (the signalling root module need not list them again).
 */
@Module({
  imports: [SipModule, TrunksModule],
  providers: [
    RoutingClientService,
    CallRecordPublisherService,
    RecordingPublisherService,
    RegistrationRepository,
    PluginStateRepository,
    CallControlService,
    CallHangupListenerService,
    RtpengineDtmfListenerService,
    MusicOnHoldService,
    { provide: MUSIC_ON_HOLD, useExisting: MusicOnHoldService },
  ],
  exports: [CallControlService],
})
export class CallsModule {}
