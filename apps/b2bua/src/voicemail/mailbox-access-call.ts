import { beep } from '@switchboard/media';
import type { SipMessage, SipRequest } from '@switchboard/sip';
import type { ServerTransaction } from '@switchboard/transactions';
import type { SessionBody } from '../calls/legs/caller-leg.js';
import { DepositRecorder, type DepositResult } from './deposit-recorder.js';
import { DigitBuffer } from './digit-buffer.js';
import type { LocalCall, LocalCallContext } from './local-call.js';
import { LocalUaLeg } from './local-ua-leg.js';
import { MailboxMenu, type MenuIo, type MenuOutcome, type Utterance } from './mailbox-menu.js';
import { MailboxStore } from './mailbox-store.js';
import { LATE_OFFER_MEDIA, MediaAnswerer } from './media-answerer.js';
import type { VoicemailContext } from './voicemail-context.js';
import { VoicemailMedia } from './voicemail-media.js';

/** Longest greeting a mailbox owner can record. */
const GREETING_MAX_MS = 60_000;

/**
 * A registered extension calling *97 (its own mailbox) or *98 (any mailbox): the B2BUA answers,
 * runs the MailboxMenu over RTP (prompts out, RFC 4733 keys in) and hangs up when it is done.
 */
export class MailboxAccessCall implements LocalCall, MenuIo {
  readonly digits: DigitBuffer;
  private readonly leg: LocalUaLeg;
  private readonly answerer: MediaAnswerer;
  private media: VoicemailMedia | undefined;
  private recorder: DepositRecorder | undefined;
  private playing = false;
  private started = false;
  private callerHungUp = false;
  private over = false;

  constructor(
    private readonly ctx: LocalCallContext,
    private readonly vm: VoicemailContext,
    /** The mailbox for *97; undefined for *98 (asked by DTMF). */
    private readonly mailbox: string | undefined,
  ) {
    this.digits = new DigitBuffer(vm.clock);
    this.leg = new LocalUaLeg(ctx, {
      byeFromCaller: () => this.callerLeft(),
      confirmed: (answer) => this.confirmed(answer),
      noAck: () => this.lostCaller('no ACK'),
      reoffer: (body) => (this.media ? this.answerer.reoffer(body, this.media) : undefined),
      infoDigit: (d) => this.onDigit(d),
    });
    this.answerer = new MediaAnswerer(vm, this.leg);
  }

  start(): void {
    this.setUp().catch((err: unknown) => this.failed(err));
  }

  ack(ack: SipRequest): void {
    if (!this.over && this.media) this.leg.ack(ack);
  }

  private confirmed(answer: SessionBody | undefined): void {
    if (this.over || !this.media) return;
    const verdict = this.answerer.confirmed(answer, this.media);
    if (verdict === 'fail') {
      this.finish('failed', 'callee', 'voicemail access: unusable SDP answer in ACK');
    } else if (verdict === 'start' && !this.started) {
      this.started = true;
      this.media.listen({
        audio: (samples) => this.recorder?.audio(samples),
        digit: (d) => this.onDigit(d),
        timeout: () => this.lostCaller('no RTP'),
      });
      void this.runMenu();
    }
  }

  request(request: SipRequest, tx: ServerTransaction<SipMessage>): void {
    this.leg.request(request, tx);
  }

  cancel(): void {
    this.over = true;
    this.digits.close();
    void this.media?.close('cancelled');
  }

  terminate(): void {
    if (this.over) return;
    if (!this.media && this.leg.open) {
      this.over = true;
      this.leg.reject(503, 'Service Unavailable');
      this.ctx.ended({ disposition: 'failed', side: 'system', cause: 'shutdown', status: 503 });
      return;
    }
    this.finish('answered', 'system', 'voicemail access: shutdown');
  }

  // --- MenuIo -----------------------------------------------------------------------------------

  async play(parts: readonly Utterance[]): Promise<void> {
    const media = this.media;
    if (!media) return;
    for (const part of parts) {
      if (this.digits.pending || this.digits.isClosed) return;
      const audio = typeof part === 'string' ? await this.vm.prompts.prompt(part) : part;
      this.playing = true;
      const complete = await media.play([audio]);
      this.playing = false;
      if (!complete) return;
    }
  }

  recordGreeting(): Promise<DepositResult> {
    const media = this.media;
    return new Promise((resolve) => {
      const recorder: DepositRecorder = new DepositRecorder(
        this.vm.clock,
        {
          maxMessageMs: GREETING_MAX_MS,
          silenceMs: this.vm.settings.silenceMs,
          silenceLevel: this.vm.settings.silenceLevel,
        },
        {
          play: (what) => {
            const audio =
              what === 'greeting' ? this.vm.prompts.prompt('record-greeting') : Promise.resolve(beep());
            void audio
              .then((a) => media?.play([a]) ?? false)
              .then((complete) => {
                if (complete) recorder.playbackEnded(what);
              });
          },
          stopPlayback: () => media?.stop(),
          finished: (result) => {
            this.recorder = undefined;
            resolve(result);
          },
        },
      );
      this.recorder = recorder;
      recorder.start();
      // Keys typed ahead belong to the recording now (# skips its prompt, or ends it).
      for (let d = this.digits.take(); d !== undefined; d = this.digits.take()) recorder.digit(d);
      if (this.digits.isClosed) recorder.stop('hangup');
    });
  }

  // --- internals --------------------------------------------------------------------------------

  private async setUp(): Promise<void> {
    const reading = this.answerer.read(this.ctx.party.offer?.content);
    if (!reading.ok) return this.reject(reading.status, reading.reason);
    const media = await VoicemailMedia.open(this.vm.mediaOptions, reading.media ?? LATE_OFFER_MEDIA);
    if (this.over) {
      await media.close('ended before the answer');
      return;
    }
    this.media = media;
    this.answerer.answer(reading, media);
    this.ctx.answered(`voicemail-access:${this.mailbox ?? '?'}`);
  }

  private async runMenu(): Promise<void> {
    let outcome: MenuOutcome;
    try {
      outcome = await new MailboxMenu(this, new MailboxStore(this.ctx, this.vm), {
        inputTimeoutMs: this.vm.settings.inputTimeoutMs,
        maxPinAttempts: this.vm.settings.maxPinAttempts,
        minGreetingMs: this.vm.settings.minMessageMs,
      }).run(this.mailbox);
    } catch (err) {
      this.failed(err);
      return;
    }
    if (this.callerHungUp) this.finish('answered', 'caller', `voicemail access: ${outcome}`);
    else this.finish('answered', 'callee', `voicemail access: ${outcome}`);
  }

  private onDigit(digit: string): void {
    if (this.recorder) {
      this.recorder.digit(digit);
      return;
    }
    this.digits.push(digit);
    if (this.playing) this.media?.stop(); // barge-in: a key cuts the prompt short
  }

  private callerLeft(): void {
    this.callerHungUp = true;
    this.digits.close();
    this.recorder?.stop('hangup');
    if (!this.started) this.finish('answered', 'caller', 'voicemail access: caller left before ACK');
  }

  /** The caller's media or ACK never came: we hang up (BYE) ourselves. */
  private lostCaller(why: string): void {
    this.recorder?.stop('media-timeout');
    this.finish('failed', 'system', `voicemail access: ${why}`);
  }

  private reject(status: number, reason: string): void {
    if (this.over) return;
    this.over = true;
    this.leg.reject(status, reason);
    this.ctx.ended({ disposition: 'failed', side: 'system', cause: `voicemail access: ${reason}`, status });
  }

  private failed(err: unknown): void {
    this.ctx.logger.error({ err, call: this.ctx.callId }, 'voicemail access failed');
    if (this.leg.open && this.ctx.party.open) {
      // No RTP ports, or the mailbox unreadable (PostgreSQL down): temporary, so 503 (RFC 3261 §21.5.4).
      this.reject(503, 'Service Unavailable');
    } else this.finish('failed', 'system', 'voicemail access error');
  }

  private finish(
    disposition: 'answered' | 'failed',
    side: 'caller' | 'callee' | 'system',
    cause: string,
  ): void {
    if (this.over) return;
    this.over = true;
    this.digits.close();
    if (!this.callerHungUp) this.leg.hangUp();
    void this.media?.close(cause);
    this.ctx.ended({ disposition, side, cause });
  }
}
