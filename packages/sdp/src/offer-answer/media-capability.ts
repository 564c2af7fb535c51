import type { Direction } from '../model/sdp-types.js';

/** A codec this endpoint can use. Matching is by name (case-insensitive), clock rate and channels. */
export interface CodecCapability {
  encodingName: string;
  clockRate: number;
  /** Audio channels; absent means 1 (RFC 8866 §6.6). */
  channels?: number;
  /** Payload type used when this side offers; static codecs default to their RFC 3551 number. */
  payloadType?: number;
  /** a=fmtp value this side wants to receive with (used in offers, and in answers instead of echoing). */
  fmtp?: string;
  /**
   * fmtp parameters that must be equal in offer and capability for the codec to match
   * (e.g. `packetization-mode` for H.264); missing parameters compare as ''.
   */
  matchFmtp?: readonly string[];
  /** a=rtcp-fb values (without the payload type) to write when offering. */
  feedback?: readonly string[];
}

/** What this endpoint supports for one media type. */
export interface MediaCapability {
  /** audio, video, text, application, image, message, … */
  media: string;
  /** Transport protocols accepted, first one used when offering (e.g. RTP/AVP, udptl, UDP/DTLS/SCTP). */
  protocols: readonly string[];
  /** RTP codecs in local preference order (RTP protocols only). */
  codecs?: readonly CodecCapability[];
  /** Non-RTP formats accepted (e.g. t38, webrtc-datachannel); '*' accepts any. */
  formats?: readonly string[];
  /** Support for RFC 4733 telephone-event; when offering, the clock rates to offer (default [8000]). */
  telephoneEvent?: boolean | { payloadType?: number; clockRates?: readonly number[] };
  /** Local intent for the stream (default sendrecv); e.g. sendonly to put the peer on hold. */
  direction?: Direction;
  ptime?: number;
  maxptime?: number;
  /** Offer/accept RTP/RTCP multiplexing (RFC 5761). Default: accept if offered, do not offer. */
  rtcpMux?: boolean;
  /** Extra raw attribute values (`name` or `name:value`) added to the m-section, e.g. T.38 parameters. */
  attributes?: readonly string[];
}

/** Local address used in c= lines. */
export interface LocalConnection {
  address: string;
  /** IP4 (default) or IP6. */
  addrType?: 'IP4' | 'IP6';
}

/** o= identity of this endpoint (RFC 8866 §5.2); the version is managed by the library. */
export interface LocalOrigin {
  username?: string;
  sessionId: string;
  /** Initial version; defaults to the session id's value, a common practice. */
  sessionVersion?: bigint;
  address: string;
  addrType?: 'IP4' | 'IP6';
}
