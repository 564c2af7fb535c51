import { z } from 'zod';
import { cidrList } from './env-field-types.js';

/** Security: digest algorithms, authentication lockout, SIP flood control, overload control. */
export const securitySettings = {
  /**
   * Digest algorithms offered in challenges, in order of preference (RFC 8760 §2.4: SHA-256
   * before MD5). Some clients (e.g. sipp 3.6) only read the first challenge: put MD5 first for them.
   */
  SWITCHBOARD_SIP_DIGEST_ALGORITHMS: z
    .string()
    .default('SHA-256,MD5')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim().toUpperCase())
        .filter(Boolean),
    )
    .pipe(
      z
        .array(z.enum(['SHA-256', 'MD5'], { error: 'must list SHA-256 and/or MD5' }))
        .min(1, 'must list SHA-256 and/or MD5')
        .refine((a) => new Set(a).size === a.length, 'must not repeat an algorithm'),
    ),
  /** Failed digest authentications from one source address (per user) before it is locked out. */
  SWITCHBOARD_AUTH_MAX_FAILURES: z.coerce
    .number()
    .int()
    .min(1, 'must be at least 1')
    .max(10_000, 'must be at most 10000')
    .default(10),
  /** Length of the failure window and of the lockout. */
  SWITCHBOARD_AUTH_LOCKOUT_SECONDS: z.coerce
    .number()
    .int()
    .min(1, 'must be at least 1')
    .max(86_400, 'must be at most 86400')
    .default(300),
  /** SIP flood control: sustained packets per second one source address may send (0 = off). */
  SWITCHBOARD_SIP_FLOOD_RATE: z.coerce
    .number()
    .int()
    .min(0, 'must be at least 0')
    .max(1_000_000, 'must be at most 1000000')
    .default(50),
  /** SIP flood control: packets a source may send at once above the rate (bucket size). */
  SWITCHBOARD_SIP_FLOOD_BURST: z.coerce
    .number()
    .int()
    .min(1, 'must be at least 1')
    .max(1_000_000, 'must be at most 1000000')
    .default(200),
  /** SIP flood control: how long a flooding source is ignored. */
  SWITCHBOARD_SIP_FLOOD_BAN_SECONDS: z.coerce
    .number()
    .int()
    .min(1, 'must be at least 1')
    .max(86_400, 'must be at most 86400')
    .default(300),
  /** SIP flood control: networks never limited (trunks, office LANs). */
  SWITCHBOARD_SIP_FLOOD_ALLOW: cidrList.default(['127.0.0.1/32', '::1/128']),
  /**
   * Overload control: new calls get 503 + Retry-After while this many routing requests wait for a
   * plan (0 = not watched). At the measured ~400 calls/s a healthy backlog is a handful; 200 means
   * routing is half a second behind.
   */
  SWITCHBOARD_OVERLOAD_MAX_ROUTING_BACKLOG: z.coerce
    .number()
    .int()
    .min(0, 'must be 0 (off) or more')
    .max(1_000_000, 'must be at most 1000000')
    .default(200),
  /** Overload control: 503 to new calls while the event loop's mean delay (over 0.5 s) exceeds this (0 = not watched). */
  SWITCHBOARD_OVERLOAD_MAX_LOOP_LAG_MS: z.coerce
    .number()
    .int()
    .min(0, 'must be 0 (off) or more')
    .max(60_000, 'must be at most 60000')
    .default(100),
  /**
   * Overload control: the target wait of datagrams in the SIP UDP socket's receive queue (0 = not
   * watched), measured by a probe datagram the process sends itself every 50 ms. Over it for 100 ms
   * the share of new calls admitted shrinks (the rest get 503 at once); under half of it the share
   * grows back. A saturated process keeps its event loop turning (no lag) while the kernel queue grows
   * to seconds; this is the measure that sees it. bench:overload at 2x capacity: 503 round trip
   * p50 12-20 ms with 20, 64-68 ms with 50 (issue #21).
   */
  SWITCHBOARD_OVERLOAD_MAX_INTAKE_DELAY_MS: z.coerce
    .number()
    .int()
    .min(0, 'must be 0 (off) or more')
    .max(60_000, 'must be at most 60000')
    .default(20),
  /** Overload control: 503 to new calls while this process holds this many calls (0 = not watched). */
  SWITCHBOARD_OVERLOAD_MAX_CALLS: z.coerce
    .number()
    .int()
    .min(0, 'must be 0 (off) or more')
    .max(10_000_000, 'must be at most 10000000')
    .default(5000),
  /** Overload control: the Retry-After (RFC 3261 §20.33) of the 503s, in seconds. */
  SWITCHBOARD_OVERLOAD_RETRY_AFTER_SECONDS: z.coerce
    .number()
    .int()
    .min(1, 'must be at least 1')
    .max(3600, 'must be at most 3600')
    .default(5),
};
