import { messageCountPrompts, type PromptId } from '@switchboard/media';
import type { DepositResult } from './deposit-recorder.js';
import type { DigitBuffer } from './digit-buffer.js';
import type { MailboxInfo, StoredMessage } from './voicemail-box.repository.js';

/** Something to say: a shipped prompt or decoded audio (a message). */
export type Utterance = PromptId | Int16Array;

/** The caller's side of the menu: audio out, keys in, recording, hang-up. */
export interface MenuIo {
  readonly digits: DigitBuffer;
  /** Plays in order; stops early when a key is pressed (barge-in) or one is already waiting. */
  play(parts: readonly Utterance[]): Promise<void>;
  /** "Record after the tone": prompt, beep, recording until #, silence or the maximum. */
  recordGreeting(): Promise<DepositResult>;
}

/** The mailbox's data, behind the PIN. */
export interface MenuStore {
  findBox(mailbox: string): Promise<MailboxInfo | undefined>;
  verifyPin(hash: string, pin: string): Promise<boolean>;
  isLocked(mailbox: string): Promise<boolean>;
  pinFailed(mailbox: string): Promise<void>;
  messages(box: MailboxInfo): Promise<StoredMessage[]>;
  audio(message: StoredMessage): Promise<Int16Array>;
  markHeard(box: MailboxInfo, message: StoredMessage): Promise<void>;
  deleteMessage(box: MailboxInfo, message: StoredMessage): Promise<void>;
  saveGreeting(box: MailboxInfo, samples: Int16Array): Promise<void>;
}

export interface MenuOptions {
  readonly inputTimeoutMs: number;
  readonly maxPinAttempts: number;
  readonly minGreetingMs: number;
}

export type MenuOutcome =
  'done' | 'no-mailbox-entered' | 'pin-failed' | 'locked' | 'caller-hung-up' | 'no-input';

/** Where the menu is (for logs and tests). */
export type MenuPhase = 'mailbox' | 'pin' | 'count' | 'messages' | 'main-menu' | 'greeting' | 'goodbye';

class CallerGone extends Error {}

/**
 * Mailbox access after *97 (own mailbox) or *98 (mailbox asked first): PIN (3 tries, each wrong one
 * counted by the auth limiter), "you have N new messages", every message newest first — 1 repeat,
 * 7 delete, 9 keep (heard), 0 record a new greeting — then the main menu (1 listen again, 0 greeting).
 * Keys typed ahead are honoured and cut the prompt short. Pure flow over MenuIo/MenuStore.
 */
export class MailboxMenu {
  phase: MenuPhase = 'mailbox';
  /** Messages deleted/kept, in order, for the record and tests. */
  readonly actions: Array<{ id: string; action: 'deleted' | 'kept' }> = [];

  constructor(
    private readonly io: MenuIo,
    private readonly store: MenuStore,
    private readonly options: MenuOptions,
  ) {}

  async run(mailbox: string | undefined): Promise<MenuOutcome> {
    try {
      return await this.session(mailbox);
    } catch (err) {
      if (err instanceof CallerGone) return 'caller-hung-up';
      throw err;
    }
  }

  private async session(given: string | undefined): Promise<MenuOutcome> {
    let mailbox = given;
    if (mailbox === undefined) {
      this.phase = 'mailbox';
      await this.say('enter-mailbox');
      mailbox = await this.collect(16);
      if (!mailbox) return this.goodbye('no-mailbox-entered');
    }
    this.phase = 'pin';
    const box = await this.authenticate(mailbox);
    if (box === 'locked' || box === 'failed') {
      await this.say('too-many-attempts');
      return this.goodbye(box === 'locked' ? 'locked' : 'pin-failed');
    }
    this.phase = 'count';
    const messages = await this.store.messages(box);
    await this.say(...messageCountPrompts(messages.filter((m) => !m.heard).length));
    await this.listen(box, messages);
    return this.mainMenu(box);
  }

  /** PIN entry; an unknown or disabled mailbox (or one without a PIN) fails like a wrong PIN. */
  private async authenticate(mailbox: string): Promise<MailboxInfo | 'locked' | 'failed'> {
    const box = await this.store.findBox(mailbox);
    for (let attempt = 1; attempt <= this.options.maxPinAttempts; attempt++) {
      if (await this.store.isLocked(mailbox)) return 'locked';
      await this.say('enter-pin');
      const pin = await this.collect(16);
      if (pin === undefined) continue; // nothing typed: ask again, not a guess
      const ok =
        box !== undefined &&
        box.enabled &&
        box.extensionEnabled &&
        box.pinHash !== null &&
        (await this.store.verifyPin(box.pinHash, pin));
      if (ok) return box;
      await this.store.pinFailed(mailbox);
      this.io.digits.clear();
      if (attempt < this.options.maxPinAttempts) await this.say('wrong-pin');
    }
    return 'failed';
  }

  private async listen(box: MailboxInfo, messages: readonly StoredMessage[]): Promise<void> {
    this.phase = 'messages';
    for (const message of messages) await this.oneMessage(box, message);
    await this.say('no-more-messages');
  }

  private async oneMessage(box: MailboxInfo, message: StoredMessage): Promise<void> {
    const audio = await this.store.audio(message).catch(() => undefined);
    let silentRounds = 0;
    for (;;) {
      await this.say(...(audio ? [audio] : []), 'message-menu');
      const key = await this.key();
      switch (key) {
        case '7':
          await this.store.deleteMessage(box, message);
          this.actions.push({ id: message.id, action: 'deleted' });
          await this.say('message-deleted');
          return;
        case '9':
          await this.store.markHeard(box, message);
          this.actions.push({ id: message.id, action: 'kept' });
          await this.say('message-saved');
          return;
        case '0':
          await this.greeting(box);
          break;
        case undefined:
          // No choice: ask again once, then leave the message as it was and go on.
          if (++silentRounds >= 2) return;
          break;
        default:
          break; // '1' (repeat) and any other key play it again
      }
    }
  }

  private async mainMenu(box: MailboxInfo): Promise<MenuOutcome> {
    this.phase = 'main-menu';
    for (let silentRounds = 0; silentRounds < 2;) {
      await this.say('main-menu');
      const key = await this.key();
      if (key === '1') {
        await this.listen(box, await this.store.messages(box));
        this.phase = 'main-menu';
      } else if (key === '0') {
        await this.greeting(box);
        this.phase = 'main-menu';
      } else if (key === '#' || key === '*') {
        break;
      } else if (key === undefined) {
        silentRounds += 1;
      }
    }
    return this.goodbye('done');
  }

  private async greeting(box: MailboxInfo): Promise<void> {
    const previous = this.phase;
    this.phase = 'greeting';
    const result = await this.io.recordGreeting();
    this.gone();
    if (result.durationMs >= this.options.minGreetingMs) {
      await this.store.saveGreeting(box, result.samples);
      await this.say('greeting-saved');
    }
    this.phase = previous;
  }

  private async goodbye(outcome: MenuOutcome): Promise<MenuOutcome> {
    this.phase = 'goodbye';
    this.io.digits.clear();
    await this.say('goodbye');
    return outcome;
  }

  private async say(...parts: Utterance[]): Promise<void> {
    this.gone();
    await this.io.play(parts);
    this.gone();
  }

  private async key(): Promise<string | undefined> {
    const key = await this.io.digits.next(this.options.inputTimeoutMs);
    this.gone();
    return key;
  }

  private async collect(max: number): Promise<string | undefined> {
    const typed = await this.io.digits.collect(max, this.options.inputTimeoutMs);
    this.gone();
    return typed;
  }

  private gone(): void {
    if (this.io.digits.isClosed) throw new CallerGone();
  }
}
