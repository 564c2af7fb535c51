import { sdpContentChanged, type SessionDescription } from '@switchboard/sdp';
import type { SessionBody } from '../legs/caller-leg.js';
import { sdpOf } from './hold-music-offer.js';

/**
 * The session descriptions one leg of a bridged call has been sent and has sent. Music on hold puts
 * offers of its own into the leg's session, so the relayed descriptions that follow would reuse a
 * version the leg has already seen: each description delivered with the same o= origin gets the
 * version after the last one when its content changed, the same version when it did not (RFC 3264
 * §8, RFC 4317 §2.5). Descriptions of another origin (a transfer's new party) pass as they are.
 */
export class LegSdpState {
  /** The last description this leg was sent (relayed or our own music offer). */
  private lastSent: SessionDescription | undefined;
  /** The last description this leg sent (offer or answer): which G.711 law it speaks. */
  private lastOwn: SessionDescription | undefined;

  constructor(initialSent?: SessionBody, initialOwn?: SessionBody) {
    this.lastSent = sdpOf(initialSent);
    this.lastOwn = sdpOf(initialOwn);
  }

  get sent(): SessionDescription | undefined {
    return this.lastSent;
  }

  get own(): SessionDescription | undefined {
    return this.lastOwn;
  }

  /** The leg sent `body` (its offer or answer, as received). */
  heard(body: SessionBody | undefined): void {
    this.lastOwn = sdpOf(body) ?? this.lastOwn;
  }

  /** Our own offer went to the leg. */
  offered(sdp: SessionDescription): void {
    this.lastSent = sdp;
  }

  /** A relayed body is about to go to the leg: returned with its o= version made continuous. */
  deliver(body: SessionBody | undefined): SessionBody | undefined {
    const sdp = sdpOf(body);
    if (!body || !sdp) return body;
    const prev = this.lastSent;
    this.lastSent = sdp;
    if (!prev || !sameOrigin(prev, sdp)) return body;
    const version = sdpContentChanged(prev, sdp)
      ? prev.origin.sessionVersion + 1n
      : prev.origin.sessionVersion;
    if (version <= sdp.origin.sessionVersion && sdpContentChanged(prev, sdp)) return body;
    if (version === sdp.origin.sessionVersion) return body;
    sdp.origin = { ...sdp.origin, sessionVersion: version };
    return { contentType: body.contentType, content: Buffer.from(sdp.toString(), 'utf8') };
  }
}

function sameOrigin(a: SessionDescription, b: SessionDescription): boolean {
  const x = a.origin;
  const y = b.origin;
  return x.username === y.username && x.sessionId === y.sessionId && x.address === y.address;
}
