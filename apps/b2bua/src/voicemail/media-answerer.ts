import type { SessionDescription } from '@switchboard/sdp';
import type { SessionBody } from '../calls/legs/caller-leg.js';
import type { LocalUaLeg } from './local-ua-leg.js';
import {
  answerOffer,
  localOffer,
  readAnswer,
  readOffer,
  type AgreedMedia,
  type OfferReading,
} from './media-negotiation.js';
import type { VoicemailContext } from './voicemail-context.js';
import type { VoicemailMedia } from './voicemail-media.js';

/** What our late offer asks for: PCMU with telephone-event 101. */
export const LATE_OFFER_MEDIA: AgreedMedia = { payloadType: 0, law: 'pcmu', telephoneEventPayloadType: 101 };

export type Reading =
  | { ok: true; offer: Extract<OfferReading, { ok: true }> | undefined; media: AgreedMedia | undefined }
  | { ok: false; status: 488 | 400; reason: string };

/**
 * SDP offer/answer of a locally answered call: the INVITE's offer answered in our 2xx, or, for an
 * INVITE without SDP, our offer in the 2xx and the caller's answer in the ACK (RFC 3261 §13.2.1);
 * a party moved in from a call gets our offer in a re-INVITE and answers in its 2xx (LocalParty).
 * Media starts once our answer is confirmed (then the party is surely listening).
 */
export class MediaAnswerer {
  private lateOffer = false;
  private acknowledged = false;
  /** Our last SDP in the dialog (answer or late offer). */
  private ours: SessionDescription | undefined;

  constructor(
    private readonly vm: VoicemailContext,
    private readonly leg: LocalUaLeg,
  ) {}

  read(body: Buffer | undefined): Reading {
    if (!body || body.length === 0) return { ok: true, offer: undefined, media: undefined };
    const reading = readOffer(body);
    return reading.ok ? { ok: true, offer: reading, media: reading.media } : reading;
  }

  /** Sends the 2xx with our answer, or with our offer when the INVITE had none. */
  answer(reading: Extract<Reading, { ok: true }>, media: VoicemailMedia): void {
    const local = { address: this.vm.publicAddress, port: media.port };
    this.lateOffer = reading.offer === undefined;
    this.ours = reading.offer ? answerOffer(reading.offer, local) : localOffer(local);
    this.leg.answer(this.ours.toString());
  }

  /**
   * A re-INVITE's offer (hold, resume, a new address): answered with the same codec on the same
   * port, our o= version bumped only if the answer changed. Undefined (→ 488) when the offer drops
   * the codec in use or has no SDP (an offerless re-INVITE is not supported).
   */
  reoffer(body: Buffer, media: VoicemailMedia): string | undefined {
    if (body.length === 0 || !this.ours) return undefined;
    const reading = readOffer(body);
    if (!reading.ok || reading.media.law !== media.law || reading.media.payloadType !== media.payloadType)
      return undefined;
    const remote = reading.media.remote;
    // c=0.0.0.0 is the legacy hold (RFC 3264 §8.4): keep sending where the caller's RTP comes from.
    if (remote && remote.address !== '0.0.0.0') media.setRemote(remote);
    this.ours = answerOffer(reading, { address: this.vm.publicAddress, port: media.port }, this.ours);
    return this.ours.toString();
  }

  /**
   * 'start' once our answer is confirmed (`answer`: the party's answer to our late offer); 'fail'
   * when that answer is missing or unusable.
   */
  confirmed(answer: SessionBody | undefined, media: VoicemailMedia): 'start' | 'ignore' | 'fail' {
    if (this.acknowledged) return 'ignore';
    this.acknowledged = true;
    if (!this.lateOffer) return 'start';
    const reading = answer ? readAnswer(answer.content) : undefined;
    if (!reading?.ok) return 'fail';
    if (reading.media.remote) media.setRemote(reading.media.remote);
    return 'start';
  }
}
