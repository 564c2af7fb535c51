import { Global, Module } from '@nestjs/common';
import { VOICEMAIL_APPS } from './local-call.js';
import { VoicemailPublisherService } from './voicemail-queue.services.js';
import { VoicemailService } from './voicemail.service.js';

/**
 * Voicemail of the signalling role: provides VOICEMAIL_APPS, which call control uses for a plan's
 * voicemail end and for the mailbox-access feature codes. The worker role runs
 * VoicemailWorkerService (voicemail-queue.services.ts) instead.
 */
@Global()
@Module({
  providers: [
    VoicemailPublisherService,
    VoicemailService,
    { provide: VOICEMAIL_APPS, useExisting: VoicemailService },
  ],
  exports: [VOICEMAIL_APPS, VoicemailService],
})
export class VoicemailModule {}
