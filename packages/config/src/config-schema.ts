import { isIPv4, isIPv6 } from 'node:net';
import { z } from 'zod';

const port = z.coerce
  .number({ error: 'must be a port number' })
  .int('must be an integer')
  .min(1, 'must be between 1 and 65535')
  .max(65535, 'must be between 1 and 65535');

/** Port 0 turns the listener off (e.g. no TLS certificate configured). */
const optionalPort = z.coerce
  .number({ error: 'must be a port number or 0 to disable' })
  .int('must be an integer')
  .min(0, 'must be between 0 and 65535')
  .max(65535, 'must be between 0 and 65535');

/** Where a call goes when routing fails or times out (see SWITCHBOARD_ROUTING_FALLBACK). */
export type RoutingFallback =
  | { readonly kind: 'unavailable' }
  | { readonly kind: 'extension'; readonly extension: string }
  | { readonly kind: 'voicemail'; readonly mailbox: string }
  | { readonly kind: 'reject'; readonly status: number };

const fallbackHelp = "must be '503', 'extension:<number>', 'voicemail:<mailbox>' or 'reject:<400-699>'";

/** Parses SWITCHBOARD_ROUTING_FALLBACK; undefined when the text fits none of the forms. */
export function parseRoutingFallback(text: string): RoutingFallback | undefined {
  const v = text.trim();
  if (v === '503') return { kind: 'unavailable' };
  const m = /^(extension|voicemail|reject):(.+)$/.exec(v);
  if (!m) return undefined;
  const arg = (m[2] ?? '').trim();
  if (m[1] === 'reject') {
    const status = /^[4-6][0-9][0-9]$/.test(arg) ? Number(arg) : NaN;
    return status >= 400 && status <= 699 ? { kind: 'reject', status } : undefined;
  }
  if (!/^[0-9*#+]{1,32}$/.test(arg)) return undefined;
  return m[1] === 'extension' ? { kind: 'extension', extension: arg } : { kind: 'voicemail', mailbox: arg };
}

const ipAddress = z.union([z.ipv4(), z.ipv6()], { error: 'must be an IPv4 or IPv6 address' });

/** `IP` or `IP!ADVERTISED` (rtpengine's --interface syntax). */
function isInterfaceSpec(v: string): boolean {
  const parts = v.split('!');
  return parts.length <= 2 && parts.every((p) => ipAddress.safeParse(p).success);
}

const url = (schemes: string[]) =>
  z.string({ error: 'is required' }).refine(
    (v) => {
      try {
        return schemes.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL starting with ${schemes.map((s) => `${s}//`).join(' or ')}` },
  );

/** True for `a.b.c.d/n`, `x::y/n` or a bare address. */
export function isCidr(text: string): boolean {
  const [address = '', bits, extra] = text.split('/');
  if (extra !== undefined) return false;
  const max = isIPv4(address) ? 32 : isIPv6(address) ? 128 : 0;
  if (max === 0) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= max);
}

/** A comma-separated CIDR list; `none` is the empty list (an empty variable means the default). */
const cidrList = z
  .string()
  .transform((v) =>
    v.trim() === 'none'
      ? []
      : v
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== ''),
  )
  .refine((list) => list.every(isCidr), {
    message: "must be comma-separated IP networks in CIDR notation (e.g. 10.0.0.0/8,192.0.2.7) or 'none'",
  });

/**
 * Every environment variable a Switchboard process reads, with its default.
 * docker/compose.yaml is checked against this list by a test, so the two cannot drift.
 */
export const envSchema = z.object({
  DATABASE_URL: url(['postgres:', 'postgresql:']),
  REDIS_URL: url(['redis:', 'rediss:']),
  SWITCHBOARD_DATA_DIR: z.string().min(1, 'must not be empty').default('./.data'),
  SWITCHBOARD_LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info'),
  /** `json` (one object per line, for log collectors) or `pretty` (pino-pretty, for a human at a terminal). */
  SWITCHBOARD_LOG_FORMAT: z.enum(['json', 'pretty'], { error: "must be 'json' or 'pretty'" }).default('json'),
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
  /** rtpengine's ng control socket (UDP). */
  SWITCHBOARD_RTPENGINE_ADDRESS: ipAddress.default('127.0.0.1'),
  SWITCHBOARD_RTPENGINE_NG_PORT: port.default(2223),
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
  /** Prefix of every BullMQ key, so several installations (or test runs) can share one Redis. */
  SWITCHBOARD_QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be 1-32 characters of A-Z, a-z, 0-9, _ or -')
    .default('sb-queue'),
  /**
   * Routing plugins in chain order: npm package names or absolute paths, comma-separated. Inbound
   * routes first (a trunk call is routed by its DID, never by the rest of the chain); ring groups and
   * follow-me before plain extensions, which would otherwise take those calls first; outbound routes
   * last (what no internal plugin took may go out through a trunk).
   */
  SWITCHBOARD_PLUGINS: z
    .string()
    .default(
      '@switchboard/plugin-inbound-routes,@switchboard/plugin-business-hours,@switchboard/plugin-ivr,@switchboard/plugin-conference,@switchboard/plugin-ring-group,@switchboard/plugin-find-me,@switchboard/plugin-extensions,@switchboard/plugin-outbound-routes',
    )
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  /** How long the signalling process waits for a routing plan before its fallback (SWITCHBOARD_ROUTING_FALLBACK). */
  SWITCHBOARD_ROUTING_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100, 'must be at least 100')
    .max(60_000, 'must be at most 60000')
    .default(3000),
  /**
   * How long a routing job may wait in the queue before a worker picks it up; after that (or at once
   * when no routing worker's heartbeat is live) the call gets SWITCHBOARD_ROUTING_FALLBACK.
   */
  SWITCHBOARD_ROUTING_PICKUP_MS: z.coerce
    .number()
    .int()
    .min(50, 'must be at least 50')
    .max(60_000, 'must be at most 60000')
    .default(500),
  /**
   * What a call gets when routing fails (plugin error, timeout, queue down): `503` (503 + Retry-After),
   * `extension:<n>` (ring that extension like the extensions plugin), `voicemail:<mailbox>` or
   * `reject:<status>`.
   */
  SWITCHBOARD_ROUTING_FALLBACK: z
    .string()
    .default('503')
    .transform((v, ctx) => {
      const parsed = parseRoutingFallback(v);
      if (!parsed) {
        ctx.addIssue({ code: 'custom', message: `${fallbackHelp}, got '${v}'` });
        return z.NEVER;
      }
      return parsed;
    }),
  /**
   * How long a routing worker reuses a directory lookup (extension, ring group, follow-me) for the
   * plugin chain; 0 = always read PostgreSQL. 1000 takes most queries off the per-call path
   * (bench:cps); an admin change then reaches routing within that time.
   */
  SWITCHBOARD_ROUTING_CACHE_MS: z.coerce
    .number()
    .int()
    .min(0, 'must be 0 or more')
    .max(60_000, 'must be at most 60000')
    .default(0),
  /**
   * How long a directory row read from PostgreSQL (an extension's digest row, the routing worker's
   * extension / ring group / follow-me reads) is still used after its cache time while PostgreSQL
   * cannot be reached: known extensions keep calling through an outage. 0 = off (calls then get
   * 503 or the routing fallback). No change can be made while the database is down, so serving
   * the last known row is safe.
   */
  SWITCHBOARD_DB_OUTAGE_CACHE_SECONDS: z.coerce
    .number()
    .int()
    .min(0, 'must be 0 (off) or more')
    .max(86_400, 'must be at most 86400 (1 day)')
    .default(3600),
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
   * Music on hold: `on` plays the holder's class (files of <data dir>/moh/<class>/ by name, looped) to a
   * held or parked party, `shuffle` the same in a random order, `off` leaves the held party in silence.
   */
  SWITCHBOARD_MUSIC_ON_HOLD: z
    .enum(['on', 'shuffle', 'off'], { error: "must be 'on', 'shuffle' or 'off'" })
    .default('on'),
  /** Call park: the number a call is transferred (REFER) to in order to park it. */
  SWITCHBOARD_PARK_NUMBER: z
    .string()
    .regex(/^[0-9*#]{1,16}$/, 'must be 1-16 digits, * or #')
    .default('700'),
  /** Call park: the slots parked calls take, first free first, `first-last` (at most 100 slots). */
  SWITCHBOARD_PARK_SLOTS: z
    .string()
    .regex(/^[0-9]{1,15}-[0-9]{1,15}$/, "must be 'first-last', e.g. 701-720")
    .transform((v, ctx) => {
      const [first = 0, last = 0] = v.split('-').map(Number);
      if (last < first || last - first >= 100) {
        ctx.addIssue({ code: 'custom', message: 'must be an ascending range of at most 100 slots' });
        return z.NEVER;
      }
      return { first, last };
    })
    .default({ first: 701, last: 720 }),
  /** Call park: seconds a parked call waits before it rings the parker again. */
  SWITCHBOARD_PARK_TIMEOUT_SECONDS: z.coerce
    .number()
    .int()
    .min(1, 'must be at least 1')
    .max(3600, 'must be at most 3600 (1 hour)')
    .default(45),
  /** Call pickup: the code a phone dials to answer a call ringing in one of its pickup groups. */
  SWITCHBOARD_PICKUP_GROUP_CODE: z
    .string()
    .regex(/^[0-9*#]{1,16}$/, 'must be 1-16 digits, * or #')
    .default('*8'),
  /** Call pickup: dialling this prefix and an extension answers the call ringing that extension. */
  SWITCHBOARD_PICKUP_DIRECTED_PREFIX: z
    .string()
    .regex(/^[0-9*#]{1,8}$/, 'must be 1-8 digits, * or #')
    .default('**'),
  /**
   * Three-way calling: this key sequence, pressed in a bridged call (SIP INFO digits), then the
   * third number and `#`, moves the call into an ad-hoc conference and calls the number. Empty: off.
   */
  SWITCHBOARD_THREE_WAY_CODE: z
    .string()
    .regex(/^([*#][0-9*#]{1,7})?$/, "must be empty (off) or start with * or # and be 2-8 keys, e.g. '*3'")
    .default('*3'),
  /** Three-way calling: seconds between two digits of the third number before it is dialled as typed. */
  SWITCHBOARD_THREE_WAY_DIGIT_TIMEOUT_SECONDS: z.coerce
    .number()
    .int()
    .min(1, 'must be at least 1')
    .max(30, 'must be at most 30')
    .default(4),
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
  /** Time budget of one plugin's `route` call inside a worker. */
  SWITCHBOARD_PLUGIN_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(10, 'must be at least 10')
    .max(60_000, 'must be at most 60000')
    .default(1000),
  /** Routing jobs one worker process runs at once. */
  SWITCHBOARD_ROUTING_CONCURRENCY: z.coerce
    .number()
    .int()
    .min(1, 'must be at least 1')
    .max(1000, 'must be at most 1000')
    .default(64),
  /**
   * Routing requests arriving within this window go to the queue as one job (one BullMQ round trip
   * for many calls). The window is 0 when calls are rare (a call arriving this long after the
   * previous one is sent at once) and grows with the rate up to this bound; 0 = one job per call.
   */
  SWITCHBOARD_ROUTING_BATCH_WINDOW_MS: z.coerce
    .number()
    .int()
    .min(0, 'must be 0 (off) or more')
    .max(100, 'must be at most 100')
    .default(5),
  /** Calls at most in one batched routing job; a full batch is sent without waiting for its window. */
  SWITCHBOARD_ROUTING_BATCH_MAX: z.coerce
    .number()
    .int()
    .min(1, 'must be at least 1')
    .max(500, 'must be at most 500')
    .default(32),
  /** PEM certificate chain and private key for the SIP TLS listener; without both, TLS stays off. */
  SWITCHBOARD_SIP_TLS_CERT: z.string().min(1, 'must not be empty').optional(),
  SWITCHBOARD_SIP_TLS_KEY: z.string().min(1, 'must not be empty').optional(),
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
  /**
   * Scale-out: a signalling process silent (no heartbeat) this long is dead; the live calls it held
   * are removed from the live-call set by the others (at least the heartbeat's 3 s alive window).
   */
  SWITCHBOARD_DEAD_NODE_SECONDS: z.coerce
    .number()
    .int()
    .min(3, 'must be at least 3 (the heartbeat alive window)')
    .max(3600, 'must be at most 3600')
    .default(10),
  /** Message-waiting (RFC 3842) SUBSCRIBE bounds on Expires: shorter gets 423, longer is capped. */
  SWITCHBOARD_MWI_MIN_EXPIRES: z.coerce
    .number()
    .int()
    .min(1, 'must be at least 1')
    .max(86_400, 'must be at most 86400')
    .default(60),
  SWITCHBOARD_MWI_MAX_EXPIRES: z.coerce
    .number()
    .int()
    .min(1, 'must be at least 1')
    .max(604_800, 'must be at most 604800')
    .default(3600),
  /** Also send out-of-dialog NOTIFYs (message-summary) to registered phones that do not subscribe. */
  SWITCHBOARD_MWI_UNSOLICITED: z
    .enum(['true', 'false'], { error: "must be 'true' or 'false'" })
    .default('false')
    .transform((v) => v === 'true'),
  /** SMTP server for voicemail e-mails, e.g. smtp://user:pass@mail.example.com:587; unset = no e-mail. */
  SWITCHBOARD_SMTP_URL: url(['smtp:', 'smtps:']).optional(),
  /** Sender of voicemail e-mails, e.g. "PBX <pbx@example.com>". */
  SWITCHBOARD_SMTP_FROM: z.string().min(3, 'must be an e-mail address').default('switchboard@localhost'),
  /** Voicemail: a message ends after this many seconds below the silence level (0 = never). */
  SWITCHBOARD_VOICEMAIL_SILENCE_SECONDS: z.coerce
    .number()
    .int()
    .min(0, 'must be at least 0')
    .max(600, 'must be at most 600')
    .default(5),
  /** Voicemail: RMS level of 16-bit linear audio (0-32767) at or below which a 20 ms frame is silence. */
  SWITCHBOARD_VOICEMAIL_SILENCE_LEVEL: z.coerce
    .number()
    .int()
    .min(1, 'must be at least 1')
    .max(32_767, 'must be at most 32767')
    .default(250),
  /** Voicemail menus: seconds to wait for a key (PIN, mailbox number, menu choice). */
  SWITCHBOARD_VOICEMAIL_INPUT_TIMEOUT_SECONDS: z.coerce
    .number()
    .int()
    .min(1, 'must be at least 1')
    .max(120, 'must be at most 120')
    .default(10),
  /**
   * Address of every process's operations listener (/metrics, /healthz, /readyz). Loopback by
   * default: metrics name extensions and peers, so exposing them is the operator's choice.
   */
  SWITCHBOARD_METRICS_HOST: ipAddress.default('127.0.0.1'),
  /** Operations listener port of each role (0 = off); a second process of a role on one host needs its own. */
  SWITCHBOARD_METRICS_PORT_SIGNALLING: optionalPort.default(9464),
  SWITCHBOARD_METRICS_PORT_WORKER: optionalPort.default(9465),
  SWITCHBOARD_METRICS_PORT_ADMIN: optionalPort.default(9466),
  /** Per-call SIP traces: days a stored trace is kept (0 = no capture at all). */
  SWITCHBOARD_TRACE_RETENTION_DAYS: z.coerce
    .number()
    .int()
    .min(0, 'must be 0 (off) or more')
    .max(3650, 'must be at most 3650')
    .default(7),
  /** Per-call SIP traces: total size of all stored traces (MiB); the oldest go first beyond it. */
  SWITCHBOARD_TRACE_MAX_TOTAL_MB: z.coerce
    .number()
    .int()
    .min(1, 'must be at least 1')
    .max(1_048_576, 'must be at most 1048576')
    .default(1024),
  /** Per-call SIP traces: the buffer of one call (KiB); messages beyond it are counted, not kept. */
  SWITCHBOARD_TRACE_MAX_CALL_KB: z.coerce
    .number()
    .int()
    .min(4, 'must be at least 4')
    .max(65_536, 'must be at most 65536')
    .default(512),
  SWITCHBOARD_ADMIN_HOST: z.string().min(1, 'must not be empty').default('127.0.0.1'),
  SWITCHBOARD_ADMIN_PORT: port.default(8080),
});

export type SwitchboardEnv = z.infer<typeof envSchema>;

/** Names of every variable in the schema (used by tooling and the compose drift test). */
export const configVariableNames: readonly string[] = Object.keys(envSchema.shape);
