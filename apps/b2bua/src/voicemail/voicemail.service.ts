import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Logger, SwitchboardConfig } from '@switchboard/config';
import type { PrismaClient } from '@switchboard/db';
import { RtpPortAllocator } from '@switchboard/media';
import type { Clock } from '@switchboard/transactions';
import type { VoicemailMediaOptions } from './voicemail-media.js';
import type { Redis } from 'ioredis';
import { CONFIG, LOGGER, PRISMA, REDIS } from '../tokens.js';
import type { AnsweredCaller } from './answered-caller.js';
import type { LocalCall, LocalCallContext, VoicemailApps } from './local-call.js';
import {
  MESSAGE_WAITING_NOTIFIER,
  NoopMessageWaitingNotifier,
  type MessageWaitingNotifier,
} from './message-waiting-notifier.js';
import { Argon2PinChecker } from './pin-checker.js';
import { PromptLibrary } from './prompt-library.js';
import { VoicemailBoxRepository } from './voicemail-box.repository.js';
import {
  DEFAULT_VOICEMAIL_SETTINGS,
  type VoicemailContext,
  type VoicemailSettings,
} from './voicemail-context.js';
import { VoicemailDepositCall } from './voicemail-deposit-call.js';
import { MailboxAccessCall } from './mailbox-access-call.js';
import { VoicemailPublisherService } from './voicemail-queue.services.js';
import { VoicemailStorage } from './voicemail-storage.js';

/** Feature codes served by the B2BUA itself: own mailbox, any mailbox. */
export const OWN_MAILBOX_CODE = '*97';
export const ANY_MAILBOX_CODE = '*98';

/** Voicemail in the signalling role: message deposit (plan end) and mailbox access (feature codes). */
@Injectable()
export class VoicemailService implements VoicemailApps {
  private readonly allocator: RtpPortAllocator;
  private readonly shared: Omit<VoicemailContext, 'clock' | 'mediaOptions'>;

  constructor(
    @Inject(CONFIG) private readonly config: SwitchboardConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(PRISMA) prisma: PrismaClient,
    @Inject(REDIS) redis: Redis,
    @Inject(VoicemailPublisherService) publisher: VoicemailPublisherService,
    @Optional() @Inject(MESSAGE_WAITING_NOTIFIER) notifier?: MessageWaitingNotifier,
  ) {
    this.allocator = new RtpPortAllocator({ min: config.rtp.portMin, max: config.rtp.portMax });
    this.shared = {
      publicAddress: config.sip.publicAddress,
      boxes: new VoicemailBoxRepository(prisma),
      storage: new VoicemailStorage(config.dataDir),
      prompts: new PromptLibrary(),
      settings: settingsOf(config),
      publish: (job) => publisher.publish(job),
      notifier: notifier ?? new NoopMessageWaitingNotifier(),
      pins: new Argon2PinChecker(
        redis,
        { maxFailures: config.auth.maxFailures, lockoutSeconds: config.auth.lockoutSeconds },
        config.sip.domain,
      ),
    };
  }

  isAccessCode(destination: string): boolean {
    return destination === OWN_MAILBOX_CODE || destination === ANY_MAILBOX_CODE;
  }

  access(context: LocalCallContext): LocalCall {
    const own = context.identity.destination === OWN_MAILBOX_CODE;
    const call = new MailboxAccessCall(
      context,
      this.contextFor(context),
      own ? (context.identity.callerExtension ?? '') : undefined,
    );
    call.start();
    return call;
  }

  /** `answered`: a caller the auto attendant answered, passed on with its dialog and RTP end. */
  deposit(context: LocalCallContext, mailbox: string, answered?: AnsweredCaller): LocalCall {
    const call = new VoicemailDepositCall(context, this.contextFor(context), mailbox, answered);
    call.start();
    return call;
  }

  /** The media, prompts and PIN checking of one locally answered call (conference rooms use it too). */
  contextFor(call: LocalCallContext): VoicemailContext {
    const clock = call.port.clock;
    return { ...this.shared, clock, mediaOptions: this.mediaOptions(clock) };
  }

  /** RTP ports from the one allocator of the process (three-way rooms use it too). */
  mediaOptions(clock: Clock): VoicemailMediaOptions {
    return {
      clock,
      allocator: this.allocator,
      bindAddress: this.config.sip.bindAddress,
      mediaTimeoutMs: 30_000,
    };
  }

  /** The address written in the SDP of media the PBX terminates. */
  get publicAddress(): string {
    return this.shared.publicAddress;
  }
}

function settingsOf(config: SwitchboardConfig): VoicemailSettings {
  return {
    ...DEFAULT_VOICEMAIL_SETTINGS,
    silenceMs: config.voicemail.silenceSeconds * 1000,
    silenceLevel: config.voicemail.silenceLevel,
    inputTimeoutMs: config.voicemail.inputTimeoutSeconds * 1000,
  };
}
