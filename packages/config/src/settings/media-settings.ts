import { z } from 'zod';
import { port, optionalPort, ipAddress, isInterfaceSpec } from './env-field-types.js';

/** Media: SDP bounds, the PBX's own RTP ports, how media flows (direct or through rtpengine), rtpengine's interfaces and ports, call recording. */
export const mediaSettings = {
  /** Most m-lines an SDP body may have; an offer with more gets 488 with a reason (bounded work). */
  SWITCHBOARD_SDP_MAX_MEDIA: z.coerce
    .number()
    .int()
    .min(1, 'must be at least 1')
    .max(1000, 'must be at most 1000')
    .default(32),
  SWITCHBOARD_RTP_PORT_MIN: port.default(20000),
  SWITCHBOARD_RTP_PORT_MAX: port.default(20999),
  /**
   * Where call media flows: `relay` anchors every call in rtpengine, `direct` passes SDP end to end
   * (phones send RTP to each other), `auto` relays only calls with a party behind NAT.
   */
  SWITCHBOARD_MEDIA_MODE: z
    .enum(['relay', 'direct', 'auto'], { error: "must be 'relay', 'direct' or 'auto'" })
    .default('relay'),
  /**
   * What a new call gets while rtpengine does not answer: `direct` media (logged per call) or
   * `503` with Retry-After. Calls already relayed end with BYE on both legs either way.
   */
  SWITCHBOARD_MEDIA_FALLBACK: z
    .enum(['direct', '503'], { error: "must be 'direct' or '503'" })
    .default('direct'),
  /**
   * A relayed call whose RTP stopped (no packet either way, rtpengine's `query` polled) for this
   * many seconds ends with BYE on both legs, record cause `media timeout`; 0 = never.
   */
  SWITCHBOARD_MEDIA_TIMEOUT_SECONDS: z.coerce
    .number()
    .int()
    .min(0, 'must be 0 (off) or more')
    .max(86_400, 'must be at most 86400')
    .default(60),
  /** rtpengine's ng control socket (UDP). */
  SWITCHBOARD_RTPENGINE_ADDRESS: ipAddress.default('127.0.0.1'),
  SWITCHBOARD_RTPENGINE_NG_PORT: port.default(2223),
  /**
   * Where the signalling process listens (UDP) for the RFC 4733 key presses rtpengine reports, one
   * JSON datagram each (rtpengine's --dtmf-log-dest, which `npm start` and compose pass): in-call
   * feature codes (three-way `*3`) of calls anchored in rtpengine. Port 0 = off; ignored in
   * media mode `direct`.
   */
  SWITCHBOARD_RTPENGINE_DTMF_ADDRESS: ipAddress.default('127.0.0.1'),
  SWITCHBOARD_RTPENGINE_DTMF_PORT: optionalPort.default(2224),
  /** Address rtpengine relays media on for phones on the LAN (its `internal` interface). */
  SWITCHBOARD_RTPENGINE_INTERNAL_ADDRESS: ipAddress.optional(),
  /**
   * rtpengine's `external` interface for phones and trunks outside: `IP` or `IP!ADVERTISED` where
   * ADVERTISED is the public address put in SDP when rtpengine sits behind a 1:1 NAT.
   */
  SWITCHBOARD_RTPENGINE_EXTERNAL_ADDRESS: z
    .string()
    .optional()
    .refine((v) => v === undefined || isInterfaceSpec(v), {
      message: "must be 'IP' or 'IP!ADVERTISED-IP'",
    }),
  /** UDP ports rtpengine relays media on; must not overlap SWITCHBOARD_RTP_PORT_MIN/_MAX. */
  SWITCHBOARD_RTPENGINE_PORT_MIN: port.default(30000),
  SWITCHBOARD_RTPENGINE_PORT_MAX: port.default(39999),
  /**
   * Where rtpengine writes the pcap of each recorded call (its --recording-dir; `npm start` passes
   * it); default `<SWITCHBOARD_DATA_DIR>/recordings/spool`. The worker makes a WAV of each and
   * removes the pcap.
   */
  SWITCHBOARD_RTPENGINE_RECORDING_DIR: z.string().min(1, 'must not be empty').optional(),
  /** Call recordings: days a recording (WAV and row) is kept. */
  SWITCHBOARD_RECORDING_RETENTION_DAYS: z.coerce
    .number()
    .int()
    .min(1, 'must be at least 1')
    .max(3650, 'must be at most 3650')
    .default(90),
  /** Call recordings: total size of all WAVs (MiB); the oldest go first beyond it. */
  SWITCHBOARD_RECORDING_MAX_TOTAL_MB: z.coerce
    .number()
    .int()
    .min(1, 'must be at least 1')
    .max(16_777_216, 'must be at most 16777216')
    .default(10_240),
  /**
   * What both parties of a recorded call hear when recording starts (at answer): `off`, or `tone`
   * (a 1400 Hz beep, or the WAV of SWITCHBOARD_RECORDING_ANNOUNCEMENT_FILE).
   */
  SWITCHBOARD_RECORDING_ANNOUNCEMENT: z
    .enum(['off', 'tone'], { error: "must be 'off' or 'tone'" })
    .default('off'),
  /** A WAV (e.g. "this call is recorded") played instead of the beep; rtpengine must be able to read it. */
  SWITCHBOARD_RECORDING_ANNOUNCEMENT_FILE: z.string().min(1, 'must not be empty').optional(),
  /** How long one ng command waits for rtpengine's answer (retransmitted meanwhile) before it fails. */
  SWITCHBOARD_RTPENGINE_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(50, 'must be at least 50')
    .max(30_000, 'must be at most 30000')
    .default(1000),
};
