import { g711Decode, g711Encode, RtpSession, type Clock, type RtpPortAllocator } from '@switchboard/media';
import type { AgreedMedia } from './media-negotiation.js';

export interface VoicemailMediaOptions {
  readonly clock: Clock;
  readonly allocator: RtpPortAllocator;
  readonly bindAddress: string;
  readonly mediaTimeoutMs: number;
}

export interface VoicemailMediaEvents {
  audio(samples: Int16Array): void;
  digit(digit: string): void;
  /** No RTP for the media timeout. */
  timeout(): void;
}

/**
 * The voicemail's RTP end: one RtpSession (symmetric RTP, jitter buffer, RFC 4733 digits, paced
 * 20 ms sending on the injected clock) in the G.711 law agreed in SDP.
 */
export class VoicemailMedia {
  private started = false;
  private events: VoicemailMediaEvents | undefined;

  private constructor(
    private readonly session: RtpSession,
    private readonly media: AgreedMedia,
  ) {}

  /** Binds a port pair before our SDP is written (it names the port). */
  static async open(options: VoicemailMediaOptions, media: AgreedMedia): Promise<VoicemailMedia> {
    const session = await RtpSession.open({
      clock: options.clock,
      allocator: options.allocator,
      localAddress: options.bindAddress,
      payloadType: media.payloadType,
      telephoneEventPayloadType: media.telephoneEventPayloadType ?? 101,
      mediaTimeoutMs: options.mediaTimeoutMs,
      ...(media.remote && media.remote.port > 0 ? { remote: media.remote } : {}),
    });
    return new VoicemailMedia(session, media);
  }

  get port(): number {
    return this.session.ports.rtp;
  }

  get law(): AgreedMedia['law'] {
    return this.media.law;
  }

  get payloadType(): number {
    return this.media.payloadType;
  }

  /** The address of the peer's answer (late offer), before symmetric RTP latches. */
  setRemote(remote: { address: string; port: number }): void {
    if (remote.port > 0) this.session.setRemote(remote);
  }

  /**
   * Starts delivering the caller's audio and digits to `events`; a later call moves them to new
   * `events` (another local application took the caller over).
   */
  listen(events: VoicemailMediaEvents): void {
    this.events = events;
    if (this.started) return;
    this.started = true;
    this.session.on('audio', (packet) => {
      if (packet.payloadType === this.media.payloadType)
        this.events?.audio(g711Decode(this.media.law, packet.payload));
    });
    this.session.on('digit', (d) => this.events?.digit(d.digit));
    this.session.on('timeout', () => this.events?.timeout());
    this.session.on('error', () => undefined); // socket errors must not crash the process
  }

  /** Plays linear 8 kHz audio parts in sequence; resolves false when interrupted by `stop()`. */
  async play(parts: readonly Int16Array[]): Promise<boolean> {
    for (const part of parts) {
      let sent: boolean;
      try {
        sent = await this.session.play(g711Encode(this.media.law, part));
      } catch {
        return false; // closed meanwhile
      }
      if (!sent) return false;
    }
    return true;
  }

  /**
   * Queues one encoded 20 ms frame (a conference mix) for paced sending. A frame refused because the
   * session closed meanwhile is dropped: the participant is leaving and nothing is left to tell.
   */
  sendFrame(payload: Uint8Array): void {
    this.session.play(payload).catch(() => undefined);
  }

  stop(): void {
    this.session.stopPlayback();
  }

  close(reason: string): Promise<void> {
    return this.session.close(reason);
  }
}
