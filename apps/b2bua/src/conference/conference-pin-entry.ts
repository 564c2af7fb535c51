import type { PromptId } from '@switchboard/media';
import type { DigitBuffer } from '../voicemail/digit-buffer.js';
import type { PinChecker } from '../voicemail/voicemail-context.js';

export interface PinEntryIo {
  say(id: PromptId): Promise<void>;
}

export interface PinEntryOptions {
  readonly pins: PinChecker;
  readonly pinHash: string;
  /** Failures count per source address and room in the SIP lock-out limiter. */
  readonly sourceIp: string;
  readonly lockKey: string;
  readonly inputTimeoutMs: number;
  readonly maxAttempts: number;
  readonly onWrongPin: () => void;
}

export type PinEntryOutcome = 'accepted' | 'refused' | 'locked' | 'hung-up';

/**
 * Asks for a room's PIN by DTMF (RFC 4733 or SIP INFO keys, ended by `#`): up to `maxAttempts`
 * tries, each wrong one counted toward the lock-out (as voicemail PINs are), nothing typed asks
 * again without counting as a guess.
 */
export async function enterPin(
  io: PinEntryIo,
  digits: DigitBuffer,
  options: PinEntryOptions,
): Promise<PinEntryOutcome> {
  if (await options.pins.isLocked(options.sourceIp, options.lockKey)) return 'locked';
  for (let attempt = 1; attempt <= options.maxAttempts; attempt++) {
    if (digits.isClosed) return 'hung-up';
    await io.say('enter-pin');
    const pin = await digits.collect(16, options.inputTimeoutMs);
    if (digits.isClosed) return 'hung-up';
    if (pin === undefined) continue;
    if (await options.pins.verify(options.pinHash, pin)) return 'accepted';
    options.onWrongPin();
    await options.pins.failed(options.sourceIp, options.lockKey);
    digits.clear();
    if (attempt < options.maxAttempts) await io.say('wrong-pin');
  }
  await io.say('too-many-attempts');
  return 'refused';
}
