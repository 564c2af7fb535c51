import type { RouteDestination } from '@switchboard/plugin-sdk';
import type { Clock, TimerHandle } from '@switchboard/transactions';
import type { IvrMenuRow } from './ivr-menu.repository.js';

/** How a caller left a menu. */
export type MenuChoice =
  | { readonly kind: 'option'; readonly key: string; readonly destination: RouteDestination }
  | { readonly kind: 'extension'; readonly number: string }
  | { readonly kind: 'timeout'; readonly destination: RouteDestination | null }
  | { readonly kind: 'invalid'; readonly input: string; readonly destination: RouteDestination | null };

export type MenuSettings = Pick<
  IvrMenuRow,
  | 'options'
  | 'directDial'
  | 'interDigitTimeoutMs'
  | 'responseTimeoutMs'
  | 'timeoutDestination'
  | 'invalidDestination'
  | 'repeatCount'
>;

/** What the machine asks of the call that runs it (media, the directory, the hand-over). */
export interface MenuMachineIo {
  /** Play the greeting (after the invalid-choice tone when `afterInvalid`); report its end with `greetingEnded`. */
  play(afterInvalid: boolean): void;
  /** A key cut the greeting short (barge-in). */
  stopPlayback(): void;
  /** Direct dial: is `number` an extension? Answer with `extensionChecked`. */
  checkExtension(number: string): void;
  /** The caller's way out of the menu (once). */
  chosen(choice: MenuChoice): void;
}

type State = 'idle' | 'playing' | 'waiting' | 'typing' | 'checking' | 'done';

/**
 * One menu's dialogue with a caller, on the injected clock: the greeting plays (a key cuts it short),
 * then the caller has `responseTimeoutMs` for a key. A key of the menu chooses its destination at
 * once; with direct dial, keys are gathered until `#` or an `interDigitTimeoutMs` pause, and a single
 * menu key still chooses its option. A timeout or a wrong entry plays the greeting again (after the
 * invalid tone), `repeatCount` times in all; after that the timeout or invalid destination is chosen.
 */
export class MenuMachine {
  private state: State = 'idle';
  private typed = '';
  private misses = 0;
  private timer: TimerHandle | undefined;

  constructor(
    private readonly menu: MenuSettings,
    private readonly clock: Clock,
    private readonly io: MenuMachineIo,
  ) {}

  get phase(): State {
    return this.state;
  }

  start(): void {
    if (this.state === 'idle') this.play(false);
  }

  /** The greeting played to its end: the response timeout runs. */
  greetingEnded(): void {
    if (this.state !== 'playing') return;
    this.state = 'waiting';
    this.arm(this.menu.responseTimeoutMs, () => this.miss('timeout', ''));
  }

  /** A DTMF key (RFC 4733 event or SIP INFO). */
  key(digit: string): void {
    if (this.state === 'idle' || this.state === 'checking' || this.state === 'done') return;
    if (this.state === 'playing') this.io.stopPlayback();
    this.timer?.cancel();
    if (!this.menu.directDial) {
      this.typed = digit;
      return this.resolve();
    }
    if (digit === '#' && this.typed !== '') return this.resolve(); // `#` ends a dialled number
    this.typed += digit;
    this.state = 'typing';
    this.arm(this.menu.interDigitTimeoutMs, () => this.resolve());
  }

  /** The directory's answer to `checkExtension`. */
  extensionChecked(number: string, exists: boolean): void {
    if (this.state !== 'checking') return;
    if (exists) this.finish({ kind: 'extension', number });
    else this.miss('invalid', number);
  }

  /** The caller left (hang-up, hand-over): no more timers. */
  stop(): void {
    this.state = 'done';
    this.timer?.cancel();
  }

  private resolve(): void {
    const input = this.typed;
    this.typed = '';
    const option = this.menu.options.find((o) => o.digit === input);
    if (option) return this.finish({ kind: 'option', key: input, destination: option.destination });
    if (this.menu.directDial && /^[0-9]+$/.test(input)) {
      this.state = 'checking';
      this.io.checkExtension(input);
      return;
    }
    this.miss('invalid', input);
  }

  private miss(why: 'timeout' | 'invalid', input: string): void {
    if (this.misses < this.menu.repeatCount) {
      this.misses += 1;
      return this.play(why === 'invalid');
    }
    this.finish(
      why === 'timeout'
        ? { kind: 'timeout', destination: this.menu.timeoutDestination }
        : { kind: 'invalid', input, destination: this.menu.invalidDestination },
    );
  }

  private play(afterInvalid: boolean): void {
    this.state = 'playing';
    this.typed = '';
    this.io.play(afterInvalid);
  }

  private finish(choice: MenuChoice): void {
    this.stop();
    this.io.chosen(choice);
  }

  private arm(ms: number, fire: () => void): void {
    this.timer?.cancel();
    this.timer = this.clock.schedule(ms, () => {
      this.timer = undefined;
      fire();
    });
  }
}
