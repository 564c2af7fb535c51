import { z } from 'zod';
import { port, optionalPort, ipAddress } from './env-field-types.js';

/** SIP signalling: listeners and their addresses, message size bounds, NAT keep-alive, call length, session timers (RFC 4028), TLS certificate, registrar bounds. */
export const signallingSettings = {
  SWITCHBOARD_SIP_BIND_ADDRESS: ipAddress.default('0.0.0.0'),
  SWITCHBOARD_SIP_PUBLIC_ADDRESS: z.string().min(1, 'must not be empty').optional(),
  SWITCHBOARD_SIP_DOMAIN: z.string().min(1, 'must not be empty').optional(),
  SWITCHBOARD_SIP_UDP_PORT: port.default(5060),
  SWITCHBOARD_SIP_TCP_PORT: optionalPort.default(5060),
  SWITCHBOARD_SIP_TLS_PORT: optionalPort.default(0),
  SWITCHBOARD_SIP_WS_PORT: optionalPort.default(0),
  /**
   * RFC 3261 §18.1.1: a request larger than this goes over TCP, but only to a target whose UDP was
   * RFC 3263's default (never to a phone registered over UDP, which may be behind NAT).
   */
  SWITCHBOARD_SIP_UDP_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(500, 'must be at least 500')
    .max(65_000, 'must be at most 65000')
    .default(1300),
  /**
   * RFC 3261 §21.5.14: an inbound message larger than this is answered 513 Message Too Large from
   * its header section (over TCP/TLS the connection then closes); its body is never parsed.
   */
  SWITCHBOARD_SIP_MAX_MESSAGE_BYTES: z.coerce
    .number()
    .int()
    .min(4096, 'must be at least 4096')
    .max(1_048_576, 'must be at most 1048576')
    .default(65_535),
  /**
   * Keep-alive pings to phones registered over UDP from behind a NAT (source differs from Contact):
   * `options` (an OPTIONS; a phone that stops answering is logged), `crlf` (a bare CRLF) or `off`.
   */
  SWITCHBOARD_NAT_KEEPALIVE: z
    .enum(['options', 'crlf', 'off'], { error: "must be 'options', 'crlf' or 'off'" })
    .default('options'),
  /** Seconds between two keep-alive pings to one NATed phone (UDP NAT mappings often last 30 s). */
  SWITCHBOARD_NAT_KEEPALIVE_SECONDS: z.coerce
    .number()
    .int()
    .min(1, 'must be at least 1')
    .max(3600, 'must be at most 3600')
    .default(25),
  /**
   * Longest answered call in seconds, after which the B2BUA ends it with BYE on both legs; 0 = no
   * limit. The last resort behind RFC 4028 session timers (a leg without them, or a phone that keeps
   * refreshing a call nobody hung up), so it is on by default.
   */
  SWITCHBOARD_MAX_CALL_SECONDS: z.coerce
    .number()
    .int()
    .min(0, 'must be 0 (no limit) or more')
    .max(604_800, 'must be at most 604800 (7 days)')
    .default(14_400),
  /**
   * RFC 4028 session timers on every leg of an answered call: `Supported: timer`, Session-Expires
   * and Min-SE negotiation, refreshes by UPDATE or re-INVITE, BYE on both legs when one expires.
   */
  SWITCHBOARD_SESSION_TIMERS: z
    .enum(['true', 'false'], { error: "must be 'true' or 'false'" })
    .default('true')
    .transform((v) => v === 'true'),
  /** Session interval the PBX asks for and grants (RFC 4028 Session-Expires), in seconds. */
  SWITCHBOARD_SESSION_EXPIRES: z.coerce
    .number()
    .int()
    .min(1, 'must be at least 1')
    .max(86_400, 'must be at most 86400 (1 day)')
    .default(1800),
  /**
   * Smallest session interval accepted (Min-SE; shorter gets 422). RFC 4028 §4 puts the floor at 90;
   * lower values exist for tests and are logged as a warning at start-up.
   */
  SWITCHBOARD_SESSION_MIN_SE: z.coerce
    .number()
    .int()
    .min(1, 'must be at least 1')
    .max(86_400, 'must be at most 86400 (1 day)')
    .default(90),
  /** PEM certificate chain and private key for the SIP TLS listener; without both, TLS stays off. */
  SWITCHBOARD_SIP_TLS_CERT: z.string().min(1, 'must not be empty').optional(),
  SWITCHBOARD_SIP_TLS_KEY: z.string().min(1, 'must not be empty').optional(),
  /** Registrar bounds on Expires (RFC 3261 §10.3 step 7: shorter than the minimum gets 423). */
  SWITCHBOARD_REGISTER_MIN_EXPIRES: z.coerce
    .number()
    .int()
    .min(1, 'must be at least 1')
    .max(86_400, 'must be at most 86400')
    .default(60),
  SWITCHBOARD_REGISTER_MAX_EXPIRES: z.coerce
    .number()
    .int()
    .min(1, 'must be at least 1')
    .max(604_800, 'must be at most 604800')
    .default(3600),
  /**
   * RFC 5626 §4.4.1: the keep-alive interval (seconds) a phone using outbound is told in the REGISTER
   * 200's Flow-Timer; its flow is closed after twice as long without a byte from it. 0 = no Flow-Timer.
   */
  SWITCHBOARD_REGISTER_FLOW_TIMER: z.coerce
    .number()
    .int()
    .min(0, 'must be at least 0')
    .max(3600, 'must be at most 3600')
    .default(90),
};
