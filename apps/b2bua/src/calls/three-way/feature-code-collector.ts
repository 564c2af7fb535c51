import type { Clock, TimerHandle } from '@switchboard/transactions';

/** What a key press did to the collector. */
export type FeatureKeyResult =
  | { kind: 'ignored' }
  | { kind: 'collecting' }
  /** The code, then these digits and `#` (or the inter-digit timeout): dial them. */
  | { kind: 'dial'; digits: string };

/**
 * A feature code typed in a call, then a number: `code` (e.g. `*3`) arms it, digits follow, `#`
 * ends the number (or `digitTimeoutMs` of silence after the last digit does, as a phone's own
 * dialling does). A key that breaks the code starts over; `onTimeout` gets the number typed
 * so far (empty: nothing to dial). The clock is the SIP stack's, so tests drive it.
 */
export class FeatureCodeCollector {
  private matched = 0;
  private digits: string | undefined;
  private timer: TimerHandle | undefined;

  constructor(
    private readonly code: string,
    private readonly clock: Clock,
    private readonly digitTimeoutMs: number,
    private readonly onTimeout: (digits: string) => void,
  ) {}

  press(key: string): FeatureKeyResult {
    if (this.code === '') return { kind: 'ignored' };
    if (this.digits !== undefined) return this.number(key);
    if (key === this.code[this.matched]) this.matched += 1;
    else this.matched = key === this.code[0] ? 1 : 0;
    if (this.matched < this.code.length)
      return this.matched > 0 ? { kind: 'collecting' } : { kind: 'ignored' };
    this.matched = 0;
    this.digits = '';
    this.arm();
    return { kind: 'collecting' };
  }

  /** Stops waiting (the call ended or moved on). */
  close(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.digits = undefined;
    this.matched = 0;
  }

  private number(key: string): FeatureKeyResult {
    if (key === '#') {
      const digits = this.digits ?? '';
      this.close();
      return { kind: 'dial', digits };
    }
    if (!/^[0-9*]$/.test(key) || (this.digits ?? '').length >= 32) {
      this.close(); // not a number: the sequence is abandoned
      return { kind: 'ignored' };
    }
    this.digits = `${this.digits ?? ''}${key}`;
    this.arm();
    return { kind: 'collecting' };
  }

  private arm(): void {
    this.timer?.cancel();
    this.timer = this.clock.schedule(this.digitTimeoutMs, () => {
      const digits = this.digits ?? '';
      this.close();
      this.onTimeout(digits);
    });
  }
}
