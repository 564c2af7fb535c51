import { Global, Module } from '@nestjs/common';
import { CONFERENCE_APPS } from './conference-apps.js';
import { ConferenceService } from './conference.service.js';

/** Conference rooms of the signalling role: provides CONFERENCE_APPS to call control. */
@Global()
@Module({
  providers: [ConferenceService, { provide: CONFERENCE_APPS, useExisting: ConferenceService }],
  exports: [CONFERENCE_APPS],
})
export class ConferenceModule {}
