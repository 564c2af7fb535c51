import { beep, MediaError } from '@switchboard/media';
import type { SipMessage, SipRequest } from '@switchboard/sip';
import type { ServerTransaction } from '@switchboard/transactions';
import type { SessionBody } from '../calls/legs/caller-leg.js';
import type { AnsweredCaller } from './answered-caller.js';
import { DepositRecorder, type DepositResult } from './deposit-recorder.js';
import type { LocalCall, LocalCallContext } from './local-call.js';
import { LocalUaLeg } from './local-ua-leg.js';
import type { MailboxInfo } from './voicemail-box.repository.js';
import type { VoicemailContext } from './voicemail-context.js';
import { decodeWavTo8k } from './prompt-library.js';
import { voicemailJobId } from './voicemail-job.js';
import { VoicemailMedia } from './voicemail-media.js';
import { LATE_OFFER_MEDIA, MediaAnswerer } from './media-answerer.js';

/** Why a plan's voicemail end cannot take a message (480 reason phrase and call-record cause). */
export function refusalOf(box: MailboxInfo | undefined): string | undefined {
  if (!box) return 'No Voicemail Box';
  if (!box.enabled || !box.extensionEnabled) return 'Voicemail Box Disabled';
  if (box.messageCount >= box.maxMessages) return 'Voicemail Box Full';
  return undefined;
}

/**
 * One caller leaving a message: the box is checked (missing/disabled/full → 480 with the reason),
 * the B2BUA answers with SDP, plays the greeting and a beep, records until `#`, silence, the
 * maximum length or the caller's BYE, hangs up if the caller did not, then stores the WAV and
 * queues the row (`voicemail` queue, job id from the call id). A caller another application already
 * answered (`answered`: the auto attendant) keeps its dialog and RTP end: no second answer.
 */
export class VoicemailDepositCall implements LocalCall {
  private readonly leg: LocalUaLeg;
  private readonly answerer: MediaAnswerer;
  private media: VoicemailMedia | undefined;
  private recorder: DepositRecorder | undefined;
  private box: MailboxInfo | undefined;
  private greeting: Int16Array | undefined;
  private callerHungUp = false;
  private over = false;
  private readonly recordedAt = new Date();

  constructor(
    private readonly ctx: LocalCallContext,
    private readonly vm: VoicemailContext,
    private readonly mailbox: string,
    private readonly answered?: AnsweredCaller,
  ) {
    const hooks = {
      byeFromCaller: () => {
        this.callerHungUp = true;
        this.stop('hangup');
      },
      confirmed: (answer: SessionBody | undefined) => this.confirmed(answer),
      noAck: () => this.stop('no-ack'),
      infoDigit: (d: string) => this.recorder?.digit(d),
    };
    if (answered) answered.leg.rebind(hooks); // re-offers stay with the application that answered
    this.leg =
      answered?.leg ??
      new LocalUaLeg(ctx, {
        ...hooks,
        reoffer: (body) => (this.media ? this.answerer.reoffer(body, this.media) : undefined),
      });
    this.media = answered?.media;
    this.answerer = new MediaAnswerer(vm, this.leg);
  }

  start(): void {
    (this.answered ? this.takeOver() : this.setUp()).catch((err: unknown) => {
      this.ctx.logger.error({ err, call: this.ctx.callId }, 'voicemail deposit failed');
      // No free RTP port pair (or a socket error) is a capacity problem; anything else (the mailbox
      // unreadable while PostgreSQL is down) is answered 503 too, with the detail only in the log.
      if (err instanceof MediaError) this.fail(503, 'Service Unavailable', `voicemail: ${err.message}`);
      else this.fail(503, 'Service Unavailable', 'voicemail error');
    });
  }

  ack(ack: SipRequest): void {
    if (!this.over && this.media) this.leg.ack(ack);
  }

  private confirmed(answer: SessionBody | undefined): void {
    if (this.over || !this.media) return;
    const verdict = this.answerer.confirmed(answer, this.media);
    if (verdict === 'start') this.startRecorder();
    else if (verdict === 'fail')
      this.fail(488, 'Not Acceptable Here', 'voicemail: unusable SDP answer in ACK');
  }

  request(request: SipRequest, tx: ServerTransaction<SipMessage>): void {
    this.leg.request(request, tx);
  }

  cancel(): void {
    this.over = true;
    void this.media?.close('cancelled');
  }

  terminate(): void {
    if (this.leg.open && !this.media) this.fail(503, 'Service Unavailable', 'shutdown');
    else this.stop('shutdown');
  }

  private async setUp(): Promise<void> {
    const box = await this.vm.boxes.find(this.mailbox);
    if (this.over) return; // cancelled, refused or shut down meanwhile
    const refusal = refusalOf(box);
    if (refusal || !box)
      return this.fail(480, refusal ?? 'No Voicemail Box', `voicemail ${this.mailbox}: ${refusal}`);
    this.box = box;
    const reading = this.answerer.read(this.ctx.party.offer?.content);
    if (!reading.ok) return this.fail(reading.status, reading.reason, `voicemail: ${reading.reason}`);
    this.greeting = await this.loadGreeting(box);
    if (this.over) return; // cancelled, refused or shut down meanwhile
    const media = await VoicemailMedia.open(this.vm.mediaOptions, reading.media ?? LATE_OFFER_MEDIA);
    if (this.over) {
      await media.close('ended before the answer');
      return;
    }
    this.media = media;
    this.answerer.answer(reading, media);
    this.ctx.answered(`voicemail:${this.mailbox}`);
  }

  /** The caller is already answered: check the box, then greeting, beep and recording at once. */
  private async takeOver(): Promise<void> {
    const box = await this.vm.boxes.find(this.mailbox);
    if (this.over) return;
    const refusal = refusalOf(box);
    if (refusal || !box)
      return this.fail(480, refusal ?? 'No Voicemail Box', `voicemail ${this.mailbox}: ${refusal}`);
    this.box = box;
    this.greeting = await this.loadGreeting(box);
    if (this.over) return;
    this.startRecorder();
  }

  private startRecorder(): void {
    const media = this.media;
    const box = this.box;
    if (!media || !box || this.recorder) return;
    const recorder = new DepositRecorder(
      this.vm.clock,
      {
        maxMessageMs: box.maxMessageSeconds * 1000,
        silenceMs: this.vm.settings.silenceMs,
        silenceLevel: this.vm.settings.silenceLevel,
      },
      {
        play: (what) => {
          const audio = what === 'greeting' ? this.greeting : beep();
          void media.play(audio ? [audio] : []).then((done) => {
            if (done) recorder.playbackEnded(what);
          });
        },
        stopPlayback: () => media.stop(),
        finished: (result) => this.finished(result),
      },
    );
    this.recorder = recorder;
    media.listen({
      audio: (samples) => recorder.audio(samples),
      digit: (digit) => recorder.digit(digit),
      timeout: () => recorder.stop('media-timeout'),
    });
    recorder.start();
  }

  private async loadGreeting(box: MailboxInfo): Promise<Int16Array> {
    if (box.greetingPath) {
      try {
        return decodeWavTo8k(await this.vm.storage.read(box.greetingPath));
      } catch (err) {
        this.ctx.logger.warn({ err, mailbox: box.mailbox }, 'recorded greeting unreadable: default used');
      }
    }
    return this.vm.prompts.prompt('greeting-default');
  }

  /** Before the recorder runs (no ACK yet, or shutdown): end without a message. */
  private stop(reason: 'hangup' | 'no-ack' | 'shutdown'): void {
    if (this.recorder) {
      if (reason === 'shutdown') this.leg.hangUp();
      this.recorder.stop(reason === 'no-ack' ? 'media-timeout' : 'hangup');
      return;
    }
    if (this.over) return;
    this.over = true;
    if (reason !== 'hangup') this.leg.hangUp();
    void this.media?.close(reason);
    this.ctx.ended({
      disposition: 'voicemail',
      side: reason === 'hangup' ? 'caller' : 'system',
      cause: `voicemail: ${reason} before recording`,
    });
  }

  private fail(status: number, reason: string, cause: string): void {
    if (this.over) return;
    this.over = true;
    void this.media?.close('failed');
    if (this.leg.open && this.ctx.party.open) {
      this.leg.reject(status, reason);
      this.ctx.ended({ disposition: status === 480 ? 'no_answer' : 'failed', side: 'system', cause, status });
    } else {
      this.leg.hangUp();
      this.ctx.ended({ disposition: 'failed', side: 'system', cause });
    }
  }

  private finished(result: DepositResult): void {
    if (this.over) return;
    this.over = true;
    const byCaller = this.callerHungUp;
    if (!byCaller) this.leg.hangUp();
    void this.media?.close(`voicemail ${result.reason}`);
    this.ctx.ended({
      disposition: 'voicemail',
      side: byCaller ? 'caller' : 'callee',
      cause: `voicemail: ${result.reason}`,
    });
    void this.save(result).catch((err: unknown) =>
      this.ctx.logger.error({ err, call: this.ctx.callId, mailbox: this.mailbox }, 'voicemail not stored'),
    );
  }

  private async save(result: DepositResult): Promise<void> {
    if (result.durationMs < this.vm.settings.minMessageMs) {
      this.ctx.logger.info(
        { call: this.ctx.callId, mailbox: this.mailbox, ms: result.durationMs },
        'voicemail too short: discarded',
      );
      return;
    }
    const wavPath = this.vm.storage.messagePath(this.mailbox, this.ctx.callId);
    await this.vm.storage.writeRecording(wavPath, result.samples);
    const id = voicemailJobId(this.ctx.callId);
    const callerNumber = this.ctx.identity.callerExtension ?? this.ctx.identity.callerUri;
    await this.vm.publish({
      idempotencyKey: id,
      mailbox: this.mailbox,
      callerNumber,
      ...(this.ctx.identity.callerName ? { callerName: this.ctx.identity.callerName } : {}),
      durationSeconds: Math.max(1, Math.round(result.durationMs / 1000)),
      wavPath,
      callId: this.ctx.callId,
      recordedAt: this.recordedAt.toISOString(),
    });
  }
}
