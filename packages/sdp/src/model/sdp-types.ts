/** Typed views of SDP fields (RFC 8866 §5) and common attributes. */

/** o= (RFC 8866 §5.2). Session id and version are kept as decimal strings/bigint: they may exceed 2^53. */
export interface Origin {
  username: string;
  sessionId: string;
  sessionVersion: bigint;
  netType: string;
  addrType: string;
  address: string;
}

/** c= (RFC 8866 §5.7). `ttl` and `count` only appear for multicast addresses. */
export interface Connection {
  netType: string;
  addrType: string;
  address: string;
  ttl?: number;
  count?: number;
}

/** b= (RFC 8866 §5.8), e.g. AS:64, TIAS:64000, CT:128. */
export interface Bandwidth {
  type: string;
  value: number;
}

/** t= with its r= lines (RFC 8866 §5.9, §5.10). Times are NTP seconds as decimal strings. */
export interface Timing {
  start: string;
  stop: string;
  repeats: string[];
}

/** m= (RFC 8866 §5.14). */
export interface MediaLine {
  /** audio, video, text, application, message, image, … */
  media: string;
  port: number;
  /** Number of ports when written `port/count`, else undefined. */
  portCount?: number;
  /** Transport protocol, e.g. RTP/AVP, RTP/SAVP, UDP/TLS/RTP/SAVPF, udptl, TCP/TLS/MSRP. */
  protocol: string;
  formats: string[];
}

export type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

/** a=rtpmap (RFC 8866 §6.6). */
export interface Rtpmap {
  payloadType: number;
  encodingName: string;
  clockRate: number;
  /** Audio channels (the optional third field), undefined when absent. */
  channels?: number;
}

/** a=fmtp (RFC 8866 §6.15). `params` keeps the order written; a bare token maps to ''. */
export interface Fmtp {
  format: string;
  /** The raw parameter string, kept verbatim. */
  value: string;
  params: Map<string, string>;
}

/** a=rtcp (RFC 3605). */
export interface RtcpAttribute {
  port: number;
  connection?: Connection;
}

/** a=rtcp-fb (RFC 4585): format may be '*'. */
export interface RtcpFeedback {
  format: string;
  type: string;
  parameter?: string;
}

/** A codec as the union of the m= format, a=rtpmap, a=fmtp and a=rtcp-fb for one payload type. */
export interface Codec {
  payloadType: number;
  /** From a=rtpmap or the static payload table (RFC 3551); '' when unknown. */
  encodingName: string;
  clockRate: number;
  channels?: number;
  fmtp?: Fmtp;
  feedback: RtcpFeedback[];
}

/** a=candidate (RFC 8839 §5.1). */
export interface IceCandidate {
  foundation: string;
  component: number;
  transport: string;
  priority: number;
  address: string;
  port: number;
  type: string;
  relatedAddress?: string;
  relatedPort?: number;
  /** Extension attributes after the type/raddr/rport (e.g. generation 0 ufrag x), in order. */
  extensions: [string, string][];
}

/** ICE attributes of a media section, falling back to session level (RFC 8839 §5). */
export interface IceParameters {
  ufrag?: string;
  pwd?: string;
  options: string[];
  lite: boolean;
  candidates: IceCandidate[];
  endOfCandidates: boolean;
}

/** a=fingerprint (RFC 8122 §5). */
export interface Fingerprint {
  hashFunction: string;
  value: string;
}

/** a=setup (RFC 4145 §4). */
export type SetupRole = 'active' | 'passive' | 'actpass' | 'holdconn';

/** a=group (RFC 5888), e.g. BUNDLE (RFC 9143). */
export interface Group {
  semantics: string;
  mids: string[];
}

/** a=ssrc (RFC 5576 §4.1). */
export interface SsrcAttribute {
  ssrc: number;
  attribute: string;
  value?: string;
}

/** a=ssrc-group (RFC 5576 §4.2). */
export interface SsrcGroup {
  semantics: string;
  ssrcs: number[];
}

/** a=crypto (RFC 4568 §9.1, SDES). */
export interface CryptoAttribute {
  tag: number;
  suite: string;
  /** key-params, e.g. `inline:base64key|2^20|1:4`; several are separated by ';'. */
  keyParams: string[];
  sessionParams: string[];
}

/** T.38 attributes on an `m=image … udptl t38` section (ITU-T T.38 Annex D / RFC 7345). */
export interface T38Parameters {
  version?: number;
  maxBitRate?: number;
  fillBitRemoval: boolean;
  transcodingMMR: boolean;
  transcodingJBIG: boolean;
  rateManagement?: string;
  maxBuffer?: number;
  maxDatagram?: number;
  udpEc?: string;
}

/** A generic attribute: `a=name` (value undefined) or `a=name:value`. */
export interface Attribute {
  name: string;
  value?: string;
}
