import type { Clock } from '@switchboard/transactions';
import type { MessageWaitingNotifier } from './message-waiting-notifier.js';
import type { PromptLibrary } from './prompt-library.js';
import type { VoicemailBoxRepository } from './voicemail-box.repository.js';
import type { VoicemailJob } from './voicemail-job.js';
import type { VoicemailMediaOptions } from './voicemail-media.js';
import type { VoicemailStorage } from './voicemail-storage.js';

/** Tunables of the voicemail (SWITCHBOARD_VOICEMAIL_* settings). */
export interface VoicemailSettings {
  /** Recording stops after this long below `silenceLevel`; 0 = never. */
  readonly silenceMs: number;
  /** RMS level (16-bit linear) counted as silence. */
  readonly silenceLevel: number;
  /** Shorter recordings are discarded. */
  readonly minMessageMs: number;
  /** Seconds to wait for each DTMF entry (PIN, mailbox, menu choice) before repeating or giving up. */
  readonly inputTimeoutMs: number;
  /** Wrong PINs before goodbye. */
  readonly maxPinAttempts: number;
}

export const DEFAULT_VOICEMAIL_SETTINGS: VoicemailSettings = {
  silenceMs: 5000,
  silenceLevel: 250,
  minMessageMs: 1000,
  inputTimeoutMs: 10_000,
  maxPinAttempts: 3,
};

/** Checks a PIN against Extension.voicemailPinHash; counts failures toward the SIP auth limiter. */
export interface PinChecker {
  verify(hash: string, pin: string): Promise<boolean>;
  isLocked(sourceIp: string, mailbox: string): Promise<boolean>;
  failed(sourceIp: string, mailbox: string): Promise<void>;
}

/** Everything the voicemail calls share in one signalling process. */
export interface VoicemailContext {
  readonly clock: Clock;
  readonly publicAddress: string;
  readonly mediaOptions: VoicemailMediaOptions;
  readonly boxes: VoicemailBoxRepository;
  readonly storage: VoicemailStorage;
  readonly prompts: PromptLibrary;
  readonly settings: VoicemailSettings;
  readonly publish: (job: VoicemailJob) => Promise<void>;
  readonly notifier: MessageWaitingNotifier;
  readonly pins: PinChecker;
}
