import { incomingRequestFromSip } from '@switchboard/dialog';
import { ConferenceKeypad, conferenceMuteTone, type ConferenceMixer } from '@switchboard/media';
import type { SessionDescription } from '@switchboard/sdp';
import { createResponse, type SipMessage, type SipRequest } from '@switchboard/sip';
import { Uas2xxRetransmitter, type Clock, type ServerTransaction } from '@switchboard/transactions';
import type { Logger } from '@switchboard/config';
import type { BridgeSide } from '../bridge/call-bridge.js';
import { reinviteSide } from '../bridge/side-reinvite.js';
import type { CallLogIds } from '../call-session-hooks.js';
import { bodyOf, type SessionBody } from '../legs/caller-leg.js';
import { sendBye } from '../legs/in-dialog-route.js';
import { answerOffer, readOffer } from '../../voicemail/media-negotiation.js';
import { VoicemailMedia, type VoicemailMediaOptions } from '../../voicemail/voicemail-media.js';
import { sipInfoDigit } from '../dtmf/sip-info-digit.js';

/** The media side of an ad-hoc room that every member shares. */
export interface RoomMedia {
  readonly mixer: ConferenceMixer;
  readonly mediaOptions: VoicemailMediaOptions;
  /** The address written in our SDP (SWITCHBOARD_SIP_PUBLIC_ADDRESS). */
  readonly publicAddress: string;
}

export interface RoomMemberHost {
  readonly room: RoomMedia;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly log: CallLogIds;
  /** The member is out of the room (its BYE, `*#`, no RTP, or the PBX hung up): `cause` says which. */
  left(member: RoomMemberLeg, cause: string): void;
}

const SDP = 'application/sdp';

/**
 * One party of a call that became an ad-hoc conference: its dialog (a bridge side) now ends at the
 * PBX's own RTP port, which feeds the room's mixer. Only audio is mixed: our SDP answers the first
 * G.711 stream and rejects every other m-line (video, another stream) with port 0 (RFC 3264 §6),
 * so the phones stop sending video. In the room `*6` mutes and `*#` leaves (RFC 4733 or SIP INFO).
 */
export class RoomMemberLeg {
  private media: VoicemailMedia | undefined;
  private ours: SessionDescription | undefined;
  private readonly keypad = new ConferenceKeypad();
  private readonly pending = new Map<number, Uas2xxRetransmitter<SipMessage>>();
  private over = false;

  constructor(
    private readonly host: RoomMemberHost,
    readonly side: BridgeSide,
    /** Who this is (extension or URI), for logs. */
    readonly label: string,
  ) {}

  /** Dialog id of the member (Call-ID, remote tag): its requests are told apart by it. */
  owns(request: SipRequest): boolean {
    const id = this.side.dialog.id;
    return id.callId === request.callId && id.remoteTag === (request.from.tag ?? '');
  }

  get inRoom(): boolean {
    return this.media !== undefined && !this.over;
  }

  /**
   * Moves a bridged party into the room: a re-INVITE without SDP (RFC 3261 §14.1, §13.2.1) makes the
   * phone offer its media in the 2xx; our answer rides in the ACK and points at the room's port.
   * Resolves false when the phone refused or its offer has no G.711 audio (it is left as it was).
   */
  moveIn(): Promise<boolean> {
    const { logger, log } = this.host;
    return new Promise((resolve) => {
      reinviteSide(this.side, undefined, { logger }, log, {
        answered: (offer, ack) => {
          this.join(offer).then(
            (answer) => {
              ack(answer === undefined ? undefined : { contentType: SDP, content: Buffer.from(answer) });
              if (answer === undefined) this.hangUp('no G.711 audio offered');
              resolve(answer !== undefined);
            },
            (err: unknown) => {
              logger.error({ ...log, err, member: this.label }, 'room member media failed');
              ack();
              this.hangUp('media error');
              resolve(false);
            },
          );
        },
        failed: () => resolve(false), // refused, unanswered, or its own re-INVITE pending (§14.1)
      });
    });
  }

  /**
   * Takes the member's offer (a 2xx to our INVITE without SDP, or its re-INVITE's), opens its RTP
   * port and joins the mixer; returns our answer, or undefined when the offer cannot be mixed.
   */
  async join(offer: SessionBody | undefined): Promise<string | undefined> {
    if (!offer || this.over) return undefined;
    const reading = readOffer(offer.content);
    if (!reading.ok) return undefined;
    const media = await VoicemailMedia.open(this.host.room.mediaOptions, reading.media);
    if (this.over) {
      await media.close('left before joining');
      return undefined;
    }
    this.media = media;
    this.ours = answerOffer(reading, { address: this.host.room.publicAddress, port: media.port });
    const id = this.participantId;
    media.listen({
      audio: (samples) => {
        if (this.host.room.mixer.has(id)) this.host.room.mixer.receivePcm(id, samples);
      },
      digit: (d) => this.key(d),
      timeout: () => this.hangUp('no RTP'),
    });
    this.host.room.mixer.join(id, { law: media.law, send: (p) => media.sendFrame(p), announce: true });
    this.host.logger.info(
      { ...this.host.log, member: this.label, participants: this.host.room.mixer.size },
      'three-way: joined the room',
    );
    return this.ours.toString();
  }

  /** A request in the member's dialog. */
  handleRequest(request: SipRequest, tx: ServerTransaction<SipMessage>): void {
    const inbound = incomingRequestFromSip(request);
    const check = this.side.dialog.receiveRequest(inbound);
    if (!check.accept) {
      tx.respond(createResponse(request, check.status, { reason: check.reason }));
      return;
    }
    const reply = (status: number, reason?: string, body?: string): void => {
      const headers: Array<readonly [string, string]> = body
        ? [
            ['Contact', `<${this.side.contact}>`],
            ['Content-Type', SDP],
          ]
        : [];
      const response = createResponse(request, status, {
        ...(reason ? { reason } : {}),
        headers,
        ...(body ? { body: Buffer.from(body) } : {}),
      });
      this.side.dialog.responseSent(inbound, status);
      if (request.method === 'INVITE' && status < 300) {
        // §13.3.1.4: our 2xx is resent until its ACK; none in 64*T1 ends the member's part.
        const r = new Uas2xxRetransmitter<SipMessage>(tx, response, this.host.clock, () =>
          this.hangUp('no ACK for the 2xx to its re-INVITE'),
        );
        this.pending.set(request.cseq.seq, r);
        r.start();
        return;
      }
      tx.respond(response);
    };
    switch (request.method) {
      case 'BYE':
        reply(200);
        return this.leave('hangup');
      case 'INVITE':
      case 'UPDATE': {
        // Hold/resume or a session refresh: answered from our port, audio only (RFC 3264 §8).
        const answer = this.reoffer(bodyOf(request));
        return answer ? reply(200, undefined, answer) : reply(488, 'Not Acceptable Here');
      }
      case 'INFO': {
        reply(200);
        const digit = sipInfoDigit(request);
        if (digit) this.key(digit);
        return;
      }
      case 'OPTIONS':
        return reply(200);
      default:
        return reply(405, 'Method Not Allowed');
    }
  }

  /** The ACK of our 2xx to one of its re-INVITEs. */
  handleAck(ack: SipRequest): void {
    this.side.dialog.receiveRequest(incomingRequestFromSip(ack));
    this.pending.get(ack.cseq.seq)?.ack();
    this.pending.delete(ack.cseq.seq);
  }

  /** The PBX ends the member's part: BYE, out of the room. */
  hangUp(cause: string): void {
    if (this.over) return;
    sendBye(this.side.route, this.side.dialog);
    this.leave(cause);
  }

  /** Media closed without a BYE (the call ended by other means). */
  close(): void {
    this.over = true;
    this.release('closed');
  }

  private get participantId(): string {
    return `${this.side.dialog.id.callId};${this.side.dialog.id.remoteTag}`;
  }

  private reoffer(body: SessionBody | undefined): string | undefined {
    const media = this.media;
    if (!body || !media || !this.ours) return undefined;
    const reading = readOffer(body.content);
    if (!reading.ok || reading.media.law !== media.law) return undefined;
    const remote = reading.media.remote;
    if (remote && remote.address !== '0.0.0.0') media.setRemote(remote);
    this.ours = answerOffer(reading, { address: this.host.room.publicAddress, port: media.port }, this.ours);
    return this.ours.toString();
  }

  private key(digit: string): void {
    const mixer = this.host.room.mixer;
    const id = this.participantId;
    const action = this.keypad.press(digit);
    if (action === 'toggle-mute' && mixer.has(id)) mixer.playTo(id, conferenceMuteTone(mixer.toggleMute(id)));
    else if (action === 'leave') this.hangUp('left with *#');
  }

  private leave(cause: string): void {
    if (this.over) return;
    this.over = true;
    this.release(cause);
    this.host.left(this, cause);
  }

  private release(cause: string): void {
    for (const r of this.pending.values()) r.ack();
    this.pending.clear();
    const id = this.participantId;
    if (this.host.room.mixer.has(id)) this.host.room.mixer.leave(id);
    const media = this.media;
    this.media = undefined;
    media?.close(cause).catch((err: unknown) => {
      this.host.logger.warn({ ...this.host.log, err, member: this.label }, 'room member media not closed');
    });
  }
}
