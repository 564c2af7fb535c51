import type { MediaDescription } from '../model/media-description.js';
import type { SessionDescription } from '../model/session-description.js';

export interface ConnectionRewrite {
  /** Address that replaces every c= address (session and media level). */
  address: string;
  addrType?: 'IP4' | 'IP6';
  /**
   * New port for the enabled stream at `index`; undefined keeps the current port. Disabled streams
   * (port 0) are never given a port: re-enabling a stream is the offerer's decision (RFC 3264 §8.2).
   */
  port?: (index: number, media: MediaDescription) => number | undefined;
  /** Drop ICE candidates and credentials (media is anchored, so the peer's candidates are wrong). Default true. */
  stripIce?: boolean;
  /** Also rewrite the o= address (the B2BUA is the origin on its leg). Default true. */
  rewriteOrigin?: boolean;
}

const ICE_ATTRIBUTES = [
  'candidate',
  'remote-candidates',
  'end-of-candidates',
  'ice-ufrag',
  'ice-pwd',
  'ice-options',
  'ice-lite',
];

/**
 * Rewrites where media goes, in place: every c= address, the ports of enabled streams, and the
 * address/port of a=rtcp (RFC 3605; RTCP goes to port+1 on the new address). Every m-line is kept.
 */
export function rewriteConnection(sdp: SessionDescription, rewrite: ConnectionRewrite): SessionDescription {
  const addrType = rewrite.addrType ?? 'IP4';
  const retarget = (s: {
    connection: { netType: string; addrType: string; address: string } | undefined;
  }) => {
    const c = s.connection;
    if (c) s.connection = { netType: c.netType, addrType, address: rewrite.address };
  };
  retarget(sdp);
  if (rewrite.rewriteOrigin !== false) sdp.origin = { ...sdp.origin, addrType, address: rewrite.address };
  const stripIce = rewrite.stripIce !== false;
  if (stripIce) for (const a of ICE_ATTRIBUTES) sdp.removeAttributes(a);
  sdp.media.forEach((m, index) => {
    retarget(m);
    if (stripIce) for (const a of ICE_ATTRIBUTES) m.removeAttributes(a);
    if (m.port === 0) return;
    const port = rewrite.port?.(index, m);
    if (port !== undefined) m.port = port;
    if (m.rtcp) m.setAttribute('rtcp', `${m.port + 1} IN ${addrType} ${rewrite.address}`);
  });
  if (!sdp.connection && sdp.media.some((m) => !m.connection)) {
    sdp.connection = { netType: 'IN', addrType, address: rewrite.address };
  }
  return sdp;
}
