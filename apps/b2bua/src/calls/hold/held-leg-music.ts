import type { Logger } from '@switchboard/config';
import { MusicPlayer, type G711Law, type MusicPlaylist, type RtpSession } from '@switchboard/media';
import type { Clock, TimerHandle } from '@switchboard/transactions';
import type { BridgeSide, Side } from '../bridge/call-bridge.js';
import type { CallLogIds } from '../call-session-hooks.js';
import { reinviteSide } from '../bridge/side-reinvite.js';
import { g711LawOf, holdMusicOffer, musicDestination } from './hold-music-offer.js';
import type { LegSdpState } from './leg-sdp-state.js';

/** Where held parties' music comes from (one per signalling process). */
export interface MusicOnHold {
  /** The class an extension's held parties hear (its column, else `default`). */
  classOf(extension: string | undefined): Promise<string>;
  /** The tracks of a class (the shipped tune when the class has none). */
  playlist(musicClass: string): Promise<MusicPlaylist>;
  /** A fresh RTP session sending `law` paced on `clock`, and the address our SDP names for it. */
  openSession(law: G711Law, clock: Clock): Promise<{ session: RtpSession; address: string }>;
}

export interface HeldLegMusicDeps {
  readonly moh: MusicOnHold;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly log: CallLogIds;
  /** Random number in [0,1) for the glare back-off (injected in tests). */
  readonly random?: () => number;
}

/** The held leg: its dialog, which side of the call it is (who owns the Call-ID), what it was sent. */
export interface HeldLeg {
  readonly side: BridgeSide;
  readonly name: Side;
  readonly sdp: LegSdpState;
}

/** Re-INVITEs that meet glare (491) are tried again this often before the held party stays silent. */
const MAX_ATTEMPTS = 3;

/**
 * Music for one held (or parked) leg: the PBX re-INVITEs the leg with an offer pointing at its own
 * RTP session (hold-music-offer.ts), and once the leg answers, a MusicPlayer streams the class's
 * tracks there in the leg's G.711 law, 20 ms frames on the call's clock. Whatever fails (no G.711 on
 * the leg, the re-INVITE refused or unanswered) is logged with the call id and leaves the call as it
 * was: the held party hears silence, the call goes on. 491 (glare, RFC 3261 §14.1) is retried after
 * 2.1-4 s when the PBX owns the leg's Call-ID (the callee leg), 0-2 s when it does not.
 */
export class HeldLegMusic {
  private stopped = false;
  private session: RtpSession | undefined;
  private player: MusicPlayer | undefined;
  private retry: TimerHandle | undefined;

  constructor(
    private readonly deps: HeldLegMusicDeps,
    private readonly leg: HeldLeg,
    private readonly musicClass: Promise<string>,
  ) {}

  start(): void {
    this.run().catch((err: unknown) => this.giveUp('music on hold failed', err));
  }

  get playing(): boolean {
    return this.player?.playing ?? false;
  }

  /** Stops the music and frees its ports (the leg has been, or is being, pointed elsewhere). */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.retry?.cancel();
    this.player?.stop();
    if (this.session) this.close(this.session);
    this.session = undefined;
  }

  private close(session: RtpSession): void {
    session.close('music on hold ended').catch((err: unknown) => {
      this.deps.logger.warn({ ...this.deps.log, err }, 'music on hold session not closed');
    });
  }

  private async run(): Promise<void> {
    const law = g711LawOf(this.leg.sdp.own) ?? g711LawOf(this.leg.sdp.sent);
    if (!law) return this.giveUp('held leg has no G.711 audio: no music on hold');
    const musicClass = await this.musicClass;
    const [playlist, opened] = await Promise.all([
      this.deps.moh.playlist(musicClass),
      this.deps.moh.openSession(law, this.deps.clock),
    ]);
    if (this.stopped) return this.close(opened.session); // stopped while the files were read
    this.session = opened.session;
    this.invite(1, law, playlist, opened.address);
  }

  private invite(attempt: number, law: G711Law, playlist: MusicPlaylist, address: string): void {
    const session = this.session;
    const current = this.leg.sdp.sent;
    if (this.stopped || !session) return;
    if (!current) return this.giveUp('nothing known of the held leg’s session: no music on hold');
    const offer = holdMusicOffer(current, law, { address, port: session.ports.rtp });
    if (!offer) return this.giveUp('held leg has no audio stream: no music on hold');
    const body = { contentType: 'application/sdp', content: Buffer.from(offer.sdp.toString(), 'utf8') };
    reinviteSide(this.leg.side, body, this.deps, this.deps.log, {
      sent: () => this.leg.sdp.offered(offer.sdp),
      answered: (answer, ack) => {
        ack();
        const to = musicDestination(answer, offer.audioIndex, law);
        if (typeof to === 'string') return this.giveUp(`music re-INVITE answer unusable: ${to}`);
        this.play(session, to, law, playlist);
      },
      failed: (status, reason, err) => {
        // 491 is glare, or an INVITE of the held party still pending in its dialog: back off, retry.
        if (status === 491)
          return this.glare(attempt, () => this.invite(attempt + 1, law, playlist, address));
        this.giveUp(`music re-INVITE failed: ${status} ${reason}`, err);
      },
    });
  }

  private play(
    session: RtpSession,
    to: { address: string; port: number },
    law: G711Law,
    playlist: MusicPlaylist,
  ): void {
    if (this.stopped) return;
    session.setRemote(to);
    this.player = new MusicPlayer({
      clock: this.deps.clock,
      playlist,
      law,
      send: (frame) => {
        session.play(frame).catch(() => undefined); // closed meanwhile: the music is over anyway
      },
    });
    this.player.start();
    this.deps.logger.info({ ...this.deps.log, held: this.leg.name, law }, 'music on hold playing');
  }

  /** RFC 3261 §14.1 back-off before trying again, on the call's clock. */
  private glare(attempt: number, again: () => void): void {
    if (attempt >= MAX_ATTEMPTS) return this.giveUp('music re-INVITE kept meeting glare (491)');
    const random = this.deps.random ?? Math.random;
    const ownsCallId = this.leg.name === 'callee'; // the PBX made the callee leg's Call-ID
    const ms = ownsCallId ? 2100 + Math.floor(random() * 190) * 10 : Math.floor(random() * 200) * 10;
    this.retry = this.deps.clock.schedule(ms, again);
  }

  private giveUp(why: string, err?: unknown): void {
    this.deps.logger.warn({ ...this.deps.log, held: this.leg.name, err }, why);
    this.stop();
  }
}
