import { parseSdp } from '@switchboard/sdp';

// Module constant: a regular expression literal in a function body is a new object per call.
const STREAM_PROTOCOL = /^(TCP|TLS)\b/i;

/**
 * rtpengine relays RTP, RTCP and UDPTL over UDP. Streams over TCP (MSRP, BFCP, TCP/TLS, …) it would
 * give a UDP port that nothing listens on, so those m-lines go through as the offerer or answerer
 * wrote them (RFC 3264 §5/§6: a stream the B2BUA does not handle keeps its own address and port;
 * it flows end to end, as in `direct` mode).
 */
export function isRelayable(protocol: string): boolean {
  return !STREAM_PROTOCOL.test(protocol);
}

/**
 * Puts the m-lines rtpengine must not relay back as they were in `original`. A restored stream
 * that relied on the session-level c= line gets that address as its own c= line, since the
 * session-level line now names rtpengine.
 */
export function restoreUnrelayedMedia(original: string, rewritten: string): string {
  const before = parseSdp(original);
  const after = parseSdp(rewritten);
  if (before.media.length !== after.media.length) return rewritten;
  let changed = false;
  before.media.forEach((media, i) => {
    if (isRelayable(media.protocol)) return;
    const restored = media.clone();
    if (!restored.connection && before.connection) restored.connection = before.connection;
    after.media[i] = restored;
    changed = true;
  });
  return changed ? after.toString() : rewritten;
}
