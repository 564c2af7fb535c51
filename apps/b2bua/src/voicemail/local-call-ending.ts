import { MediaError } from '@switchboard/media';
import type { Disposition, HangupSide } from '../calls/records/call-record-builder.js';
import type { LocalCallContext } from './local-call.js';
import type { LocalUaLeg } from './local-ua-leg.js';
import type { VoicemailMedia } from './voicemail-media.js';

/** What one kind of local call (menu, conference room) tells its LocalCallEnding. */
export interface LocalCallEndingHooks {
  /** The call's name at the head of every recorded cause (`menu 800`, `conference 900`). */
  label(): string;
  /** Log fields naming what the call serves (`{ menu: id }`), and the message of an unexpected error. */
  readonly failure: { readonly fields: Record<string, unknown>; readonly message: string };
  /** The record's disposition of an INVITE refused with `status`. */
  refusedAs(status: number): Disposition;
  /** Frees what is the call's own (menu machine, hand-over, mixer seat); run once, however it ends. */
  release(): void;
}

/**
 * The one way a local call the B2BUA answers itself ends, whichever application serves it: refused
 * before the answer (a final response, the record's status), or hung up after it (our BYE unless the
 * caller's BYE ended it), its media closed and `ended` called exactly once.
 */
export class LocalCallEnding {
  private ended = false;
  private callerHungUp = false;

  constructor(
    private readonly ctx: LocalCallContext,
    private readonly leg: LocalUaLeg,
    private readonly media: () => VoicemailMedia | undefined,
    private readonly hooks: LocalCallEndingHooks,
  ) {}

  /** Ended, cancelled, or handed to someone else: no more work for this call. */
  get over(): boolean {
    return this.ended;
  }

  /** Someone else took the caller (voicemail, a hand-over's target): nothing of ours ends it. */
  handedOff(): void {
    this.ended = true;
  }

  /** The caller's BYE (answered by the leg): we send none. */
  callerBye(): void {
    this.callerHungUp = true;
    this.finish('caller', 'hangup');
  }

  /** The caller's CANCEL: the session answers 487 and writes the record. */
  cancelled(): void {
    this.ended = true;
    this.hooks.release();
    this.soft(this.media()?.close('cancelled'), 'media close');
  }

  /** Shutdown: 503 before our answer (RFC 3261 §21.5.4), a BYE after it. */
  shutdown(): void {
    if (this.ended) return;
    if (!this.media() && this.leg.open) return this.reject(503, 'Service Unavailable', 'shutdown');
    this.finish('system', 'shutdown');
  }

  reject(status: number, reason: string, cause: string): void {
    if (this.ended) return;
    this.ended = true;
    this.hooks.release();
    this.leg.reject(status, reason);
    this.ctx.ended({
      disposition: this.hooks.refusedAs(status),
      side: 'system',
      cause: `${this.hooks.label()}: ${cause}`,
      status,
    });
  }

  failed(err: unknown): void {
    const { fields, message } = this.hooks.failure;
    this.ctx.logger.error({ err, call: this.ctx.callId, ...fields }, message);
    // No RTP ports, or the row unreadable (PostgreSQL down): temporary, so 503 (RFC 3261 §21.5.4).
    if (this.leg.open && this.ctx.party.open && !this.media())
      this.reject(503, 'Service Unavailable', err instanceof MediaError ? err.message : 'error');
    else this.finish('system', 'error');
  }

  finish(side: HangupSide, cause: string): void {
    if (this.ended) return;
    this.ended = true;
    this.hooks.release();
    if (!this.callerHungUp) this.leg.hangUp();
    this.soft(this.media()?.close(cause), 'media close');
    this.ctx.ended({ disposition: 'answered', side, cause: `${this.hooks.label()}: ${cause}` });
  }

  /** Media work nobody waits for: a failure (a closed socket) is logged with the call id, never unhandled. */
  soft(work: Promise<unknown> | undefined, what: string): void {
    void work?.catch((err: unknown) =>
      this.ctx.logger.warn(
        { err, call: this.ctx.callId, ...this.hooks.failure.fields },
        `${this.hooks.label()}: ${what} failed`,
      ),
    );
  }
}
