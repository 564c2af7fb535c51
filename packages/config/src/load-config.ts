import path from 'node:path';
import { envSchema, type RoutingFallback, type SwitchboardEnv } from './config-schema.js';

export interface SwitchboardConfig {
  databaseUrl: string;
  redisUrl: string;
  dataDir: string;
  logLevel: SwitchboardEnv['SWITCHBOARD_LOG_LEVEL'];
  logFormat: SwitchboardEnv['SWITCHBOARD_LOG_FORMAT'];
  sip: {
    bindAddress: string;
    /** Address put in Via/Contact/Record-Route and SDP; the bind address unless it is a wildcard. Never bracketed. */
    publicAddress: string;
    /**
     * The domain phones register to (URI host of every AOR, and the digest realm). Defaults to the
     * public address; an IPv6 address is kept as an IPv6reference (`[::1]`, RFC 3261 §19.1.1).
     */
    domain: string;
    udpPort: number;
    /** 0 = listener off. */
    tcpPort: number;
    tlsPort: number;
    wsPort: number;
    /** RFC 3261 §18.1.1 size above which a request to a default-UDP target goes over TCP. */
    udpMaxBytes: number;
    /** Inbound messages above this get 513 (RFC 3261 §21.5.14). */
    maxMessageBytes: number;
  };
  /** Most m-lines accepted in an SDP body (488 above). */
  sdp: { maxMedia: number };
  rtp: { portMin: number; portMax: number };
  /** Media anchoring: the mode and the rtpengine that relays (see README Configuration). */
  media: {
    mode: SwitchboardEnv['SWITCHBOARD_MEDIA_MODE'];
    /** What a new call gets while rtpengine does not answer. */
    fallback: SwitchboardEnv['SWITCHBOARD_MEDIA_FALLBACK'];
    /** Seconds without RTP before a relayed call is ended (0 = never). */
    timeoutSeconds: number;
    /** Pings that keep NATed UDP phones' mappings open, and their interval. */
    natKeepAlive: { kind: SwitchboardEnv['SWITCHBOARD_NAT_KEEPALIVE']; intervalSeconds: number };
    rtpengine: {
      address: string;
      ngPort: number;
      /** `internal` interface address; undefined: the SIP public address. */
      internalAddress: string | undefined;
      /** `external` interface: local address and the address advertised in SDP (often the same). */
      external: { address: string; advertised: string } | undefined;
      portMin: number;
      portMax: number;
      timeoutMs: number;
      /** Where rtpengine's DTMF events come in (its --dtmf-log-dest); undefined: off (or mode `direct`). */
      dtmfListen: { address: string; port: number } | undefined;
    };
  };
  /** Call recording through rtpengine (which calls: per extension / ring group in the database). */
  recording: {
    /** rtpengine's pcap spool (its --recording-dir). */
    spoolDir: string;
    /** Where the WAVs go (`<data dir>/recordings`). */
    dir: string;
    retentionDays: number;
    maxTotalBytes: number;
    announcement: SwitchboardEnv['SWITCHBOARD_RECORDING_ANNOUNCEMENT'];
    announcementFile: string | undefined;
  };
  routing: {
    plugins: string[];
    timeoutMs: number;
    /** A job not picked up by a worker within this long gets the fallback (no worker alive: at once). */
    pickupMs: number;
    pluginTimeoutMs: number;
    concurrency: number;
    /** Batched routing jobs: the largest collect window (0 = one job per call) and batch size. */
    batchWindowMs: number;
    batchMax: number;
    /** What a call gets when routing fails or times out. */
    fallback: RoutingFallback;
    /** Milliseconds a worker reuses directory lookups (0 = off). */
    cacheMs: number;
  };
  calls: {
    /** Answered calls end after this many seconds (0 = no limit). */
    maxDurationSeconds: number;
    /** RFC 4028 session timers: on/off, the interval asked for and granted, the smallest accepted. */
    sessionTimers: { enabled: boolean; expiresSeconds: number; minSeSeconds: number };
    /** Call park: the park number, the slot range and the seconds before a parked call rings back. */
    park: { number: string; firstSlot: number; lastSlot: number; timeoutSeconds: number };
    /** Music to held and parked parties (SWITCHBOARD_MUSIC_ON_HOLD). */
    musicOnHold: 'on' | 'shuffle' | 'off';
    /** Call pickup feature codes: the group pickup code and the directed pickup prefix. */
    pickup: { groupCode: string; directedPrefix: string };
    /** Three-way calling by feature code in a bridged call (`code` empty: off). */
    threeWay: { code: string; digitTimeoutSeconds: number };
    /** The RFC 4579 conference factory's user part (SWITCHBOARD_CONFERENCE_FACTORY; empty: off). */
    conferenceFactory: string;
  };
  /** Per-call SIP traces: retention (0 = capture off), total cap and per-call buffer, in bytes. */
  trace: { retentionDays: number; maxTotalBytes: number; maxCallBytes: number };
  /** Seconds a cached directory row still serves while PostgreSQL is unreachable (0 = off). */
  database: { outageCacheSeconds: number };
  /** Certificate and key of the SIP TLS listener (undefined: TLS off even if a port is set). */
  tls: { certFile: string; keyFile: string } | undefined;
  /** `flowTimer`: RFC 5626 Flow-Timer seconds for outbound registrations (0: none sent). */
  registrar: { minExpires: number; maxExpires: number; flowTimer: number };
  auth: {
    /** Digest algorithms offered, preferred first. */
    algorithms: ('SHA-256' | 'MD5')[];
    maxFailures: number;
    lockoutSeconds: number;
  };
  /** Per-source SIP flood control (token bucket + ban) in the signalling process. */
  flood: { ratePerSecond: number; burst: number; banSeconds: number; allow: string[] };
  /**
   * Overload control of the signalling process: bounds (0 = not watched) beyond which new INVITEs get
   * 503 with `retryAfterSeconds`.
   */
  overload: {
    maxRoutingBacklog: number;
    maxLoopLagMs: number;
    maxIntakeDelayMs: number;
    maxCalls: number;
    retryAfterSeconds: number;
  };
  /** A signalling process without heartbeat this long is dead: its live calls are reaped. */
  deadNodeSeconds: number;
  /** The other signalling nodes' SIP addresses (`ipv4:port`): relay targets and trusted relay sources. */
  clusterPeers: string[];
  /** Message-waiting indication (RFC 3842): SUBSCRIBE Expires bounds, unsolicited NOTIFYs. */
  mwi: { minExpires: number; maxExpires: number; unsolicited: boolean };
  /** Voicemail e-mail: SMTP server URL (undefined: no e-mail) and sender. */
  smtp: { url: string | undefined; from: string };
  /** Voicemail recording and menus. */
  voicemail: { silenceSeconds: number; silenceLevel: number; inputTimeoutSeconds: number };
  /** BullMQ key prefix. */
  queuePrefix: string;
  admin: { host: string; port: number };
  /** Operations listener (/metrics, /healthz, /readyz) of each process role; port 0 = off. */
  metrics: { host: string; ports: { signalling: number; worker: number; admin: number } };
}

/** Thrown when the environment is invalid; the message names each variable and what is wrong. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly { variable: string; message: string }[]) {
    super('Invalid configuration:\n' + problems.map((p) => `  - ${p.variable}: ${p.message}`).join('\n'));
    this.name = 'ConfigError';
  }
}

function isWildcard(address: string): boolean {
  return address === '0.0.0.0' || address === '::';
}

function externalInterface(spec: string | undefined): { address: string; advertised: string } | undefined {
  if (spec === undefined) return undefined;
  const [address = spec, advertised = address] = spec.split('!');
  return { address, advertised };
}

function unbracketed(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** A host as written in a SIP URI: IPv6 addresses bracketed (RFC 3261 §19.1.1 host = IPv6reference, RFC 5118 §4.1). */
export function uriHost(host: string): string {
  const bare = unbracketed(host);
  return bare.includes(':') ? `[${bare}]` : bare;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): SwitchboardConfig {
  // Empty strings count as unset, as in most shells' `VAR= cmd`.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const variable = String(issue.path[0] ?? '(environment)');
        return { variable, message: cleaned[variable] === undefined ? 'is required' : issue.message };
      }),
    );
  }
  const e = parsed.data;
  const problems: { variable: string; message: string }[] = [];
  if (e.SWITCHBOARD_RTP_PORT_MIN > e.SWITCHBOARD_RTP_PORT_MAX) {
    problems.push({
      variable: 'SWITCHBOARD_RTP_PORT_MIN',
      message: 'must not be above SWITCHBOARD_RTP_PORT_MAX',
    });
  }
  if (e.SWITCHBOARD_RTPENGINE_PORT_MIN > e.SWITCHBOARD_RTPENGINE_PORT_MAX) {
    problems.push({
      variable: 'SWITCHBOARD_RTPENGINE_PORT_MIN',
      message: 'must not be above SWITCHBOARD_RTPENGINE_PORT_MAX',
    });
  } else if (
    e.SWITCHBOARD_MEDIA_MODE !== 'direct' &&
    e.SWITCHBOARD_RTPENGINE_PORT_MIN <= e.SWITCHBOARD_RTP_PORT_MAX &&
    e.SWITCHBOARD_RTP_PORT_MIN <= e.SWITCHBOARD_RTPENGINE_PORT_MAX
  ) {
    // Voicemail and rtpengine would bind the same ports on the same host (no rtpengine in `direct`).
    problems.push({
      variable: 'SWITCHBOARD_RTPENGINE_PORT_MIN',
      message: 'the rtpengine port range must not overlap SWITCHBOARD_RTP_PORT_MIN/_MAX',
    });
  }
  if (e.SWITCHBOARD_REGISTER_MIN_EXPIRES > e.SWITCHBOARD_REGISTER_MAX_EXPIRES) {
    problems.push({
      variable: 'SWITCHBOARD_REGISTER_MIN_EXPIRES',
      message: 'must not be above SWITCHBOARD_REGISTER_MAX_EXPIRES',
    });
  }
  if (e.SWITCHBOARD_MWI_MIN_EXPIRES > e.SWITCHBOARD_MWI_MAX_EXPIRES) {
    problems.push({
      variable: 'SWITCHBOARD_MWI_MIN_EXPIRES',
      message: 'must not be above SWITCHBOARD_MWI_MAX_EXPIRES',
    });
  }
  if (e.SWITCHBOARD_SESSION_MIN_SE > e.SWITCHBOARD_SESSION_EXPIRES) {
    problems.push({
      variable: 'SWITCHBOARD_SESSION_MIN_SE',
      message: 'must not be above SWITCHBOARD_SESSION_EXPIRES',
    });
  }
  if ((e.SWITCHBOARD_SIP_TLS_CERT === undefined) !== (e.SWITCHBOARD_SIP_TLS_KEY === undefined)) {
    problems.push({
      variable:
        e.SWITCHBOARD_SIP_TLS_CERT === undefined ? 'SWITCHBOARD_SIP_TLS_CERT' : 'SWITCHBOARD_SIP_TLS_KEY',
      message: 'must be set together with the TLS certificate/key',
    });
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const publicAddress = unbracketed(
    e.SWITCHBOARD_SIP_PUBLIC_ADDRESS ??
      (isWildcard(e.SWITCHBOARD_SIP_BIND_ADDRESS) ? '127.0.0.1' : e.SWITCHBOARD_SIP_BIND_ADDRESS),
  );
  return {
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    dataDir: path.resolve(e.SWITCHBOARD_DATA_DIR),
    logLevel: e.SWITCHBOARD_LOG_LEVEL,
    logFormat: e.SWITCHBOARD_LOG_FORMAT,
    sip: {
      bindAddress: e.SWITCHBOARD_SIP_BIND_ADDRESS,
      publicAddress,
      domain: uriHost(e.SWITCHBOARD_SIP_DOMAIN ?? publicAddress),
      udpPort: e.SWITCHBOARD_SIP_UDP_PORT,
      tcpPort: e.SWITCHBOARD_SIP_TCP_PORT,
      tlsPort: e.SWITCHBOARD_SIP_TLS_PORT,
      wsPort: e.SWITCHBOARD_SIP_WS_PORT,
      udpMaxBytes: e.SWITCHBOARD_SIP_UDP_MAX_BYTES,
      maxMessageBytes: e.SWITCHBOARD_SIP_MAX_MESSAGE_BYTES,
    },
    sdp: { maxMedia: e.SWITCHBOARD_SDP_MAX_MEDIA },
    rtp: { portMin: e.SWITCHBOARD_RTP_PORT_MIN, portMax: e.SWITCHBOARD_RTP_PORT_MAX },
    media: {
      mode: e.SWITCHBOARD_MEDIA_MODE,
      fallback: e.SWITCHBOARD_MEDIA_FALLBACK,
      timeoutSeconds: e.SWITCHBOARD_MEDIA_TIMEOUT_SECONDS,
      natKeepAlive: {
        kind: e.SWITCHBOARD_NAT_KEEPALIVE,
        intervalSeconds: e.SWITCHBOARD_NAT_KEEPALIVE_SECONDS,
      },
      rtpengine: {
        address: e.SWITCHBOARD_RTPENGINE_ADDRESS,
        ngPort: e.SWITCHBOARD_RTPENGINE_NG_PORT,
        internalAddress: e.SWITCHBOARD_RTPENGINE_INTERNAL_ADDRESS,
        external: externalInterface(e.SWITCHBOARD_RTPENGINE_EXTERNAL_ADDRESS),
        portMin: e.SWITCHBOARD_RTPENGINE_PORT_MIN,
        portMax: e.SWITCHBOARD_RTPENGINE_PORT_MAX,
        timeoutMs: e.SWITCHBOARD_RTPENGINE_TIMEOUT_MS,
        dtmfListen:
          e.SWITCHBOARD_MEDIA_MODE === 'direct' || e.SWITCHBOARD_RTPENGINE_DTMF_PORT === 0
            ? undefined
            : { address: e.SWITCHBOARD_RTPENGINE_DTMF_ADDRESS, port: e.SWITCHBOARD_RTPENGINE_DTMF_PORT },
      },
    },
    recording: {
      spoolDir: path.resolve(
        e.SWITCHBOARD_RTPENGINE_RECORDING_DIR ?? path.join(e.SWITCHBOARD_DATA_DIR, 'recordings', 'spool'),
      ),
      dir: path.resolve(e.SWITCHBOARD_DATA_DIR, 'recordings'),
      retentionDays: e.SWITCHBOARD_RECORDING_RETENTION_DAYS,
      maxTotalBytes: e.SWITCHBOARD_RECORDING_MAX_TOTAL_MB * 1_048_576,
      announcement: e.SWITCHBOARD_RECORDING_ANNOUNCEMENT,
      announcementFile: e.SWITCHBOARD_RECORDING_ANNOUNCEMENT_FILE
        ? path.resolve(e.SWITCHBOARD_RECORDING_ANNOUNCEMENT_FILE)
        : undefined,
    },
    routing: {
      plugins: e.SWITCHBOARD_PLUGINS,
      timeoutMs: e.SWITCHBOARD_ROUTING_TIMEOUT_MS,
      pickupMs: e.SWITCHBOARD_ROUTING_PICKUP_MS,
      pluginTimeoutMs: e.SWITCHBOARD_PLUGIN_TIMEOUT_MS,
      concurrency: e.SWITCHBOARD_ROUTING_CONCURRENCY,
      batchWindowMs: e.SWITCHBOARD_ROUTING_BATCH_WINDOW_MS,
      batchMax: e.SWITCHBOARD_ROUTING_BATCH_MAX,
      fallback: e.SWITCHBOARD_ROUTING_FALLBACK,
      cacheMs: e.SWITCHBOARD_ROUTING_CACHE_MS,
    },
    calls: {
      maxDurationSeconds: e.SWITCHBOARD_MAX_CALL_SECONDS,
      sessionTimers: {
        enabled: e.SWITCHBOARD_SESSION_TIMERS,
        expiresSeconds: e.SWITCHBOARD_SESSION_EXPIRES,
        minSeSeconds: e.SWITCHBOARD_SESSION_MIN_SE,
      },
      park: {
        number: e.SWITCHBOARD_PARK_NUMBER,
        firstSlot: e.SWITCHBOARD_PARK_SLOTS.first,
        lastSlot: e.SWITCHBOARD_PARK_SLOTS.last,
        timeoutSeconds: e.SWITCHBOARD_PARK_TIMEOUT_SECONDS,
      },
      musicOnHold: e.SWITCHBOARD_MUSIC_ON_HOLD,
      pickup: {
        groupCode: e.SWITCHBOARD_PICKUP_GROUP_CODE,
        directedPrefix: e.SWITCHBOARD_PICKUP_DIRECTED_PREFIX,
      },
      threeWay: {
        code: e.SWITCHBOARD_THREE_WAY_CODE,
        digitTimeoutSeconds: e.SWITCHBOARD_THREE_WAY_DIGIT_TIMEOUT_SECONDS,
      },
      conferenceFactory: e.SWITCHBOARD_CONFERENCE_FACTORY,
    },
    trace: {
      retentionDays: e.SWITCHBOARD_TRACE_RETENTION_DAYS,
      maxTotalBytes: e.SWITCHBOARD_TRACE_MAX_TOTAL_MB * 1_048_576,
      maxCallBytes: e.SWITCHBOARD_TRACE_MAX_CALL_KB * 1024,
    },
    database: { outageCacheSeconds: e.SWITCHBOARD_DB_OUTAGE_CACHE_SECONDS },
    tls:
      e.SWITCHBOARD_SIP_TLS_CERT !== undefined && e.SWITCHBOARD_SIP_TLS_KEY !== undefined
        ? {
            certFile: path.resolve(e.SWITCHBOARD_SIP_TLS_CERT),
            keyFile: path.resolve(e.SWITCHBOARD_SIP_TLS_KEY),
          }
        : undefined,
    registrar: {
      minExpires: e.SWITCHBOARD_REGISTER_MIN_EXPIRES,
      maxExpires: e.SWITCHBOARD_REGISTER_MAX_EXPIRES,
      flowTimer: e.SWITCHBOARD_REGISTER_FLOW_TIMER,
    },
    auth: {
      algorithms: e.SWITCHBOARD_SIP_DIGEST_ALGORITHMS,
      maxFailures: e.SWITCHBOARD_AUTH_MAX_FAILURES,
      lockoutSeconds: e.SWITCHBOARD_AUTH_LOCKOUT_SECONDS,
    },
    flood: {
      ratePerSecond: e.SWITCHBOARD_SIP_FLOOD_RATE,
      burst: e.SWITCHBOARD_SIP_FLOOD_BURST,
      banSeconds: e.SWITCHBOARD_SIP_FLOOD_BAN_SECONDS,
      allow: e.SWITCHBOARD_SIP_FLOOD_ALLOW,
    },
    overload: {
      maxRoutingBacklog: e.SWITCHBOARD_OVERLOAD_MAX_ROUTING_BACKLOG,
      maxLoopLagMs: e.SWITCHBOARD_OVERLOAD_MAX_LOOP_LAG_MS,
      maxIntakeDelayMs: e.SWITCHBOARD_OVERLOAD_MAX_INTAKE_DELAY_MS,
      maxCalls: e.SWITCHBOARD_OVERLOAD_MAX_CALLS,
      retryAfterSeconds: e.SWITCHBOARD_OVERLOAD_RETRY_AFTER_SECONDS,
    },
    deadNodeSeconds: e.SWITCHBOARD_DEAD_NODE_SECONDS,
    clusterPeers: e.SWITCHBOARD_CLUSTER_PEERS,
    mwi: {
      minExpires: e.SWITCHBOARD_MWI_MIN_EXPIRES,
      maxExpires: e.SWITCHBOARD_MWI_MAX_EXPIRES,
      unsolicited: e.SWITCHBOARD_MWI_UNSOLICITED,
    },
    smtp: { url: e.SWITCHBOARD_SMTP_URL, from: e.SWITCHBOARD_SMTP_FROM },
    voicemail: {
      silenceSeconds: e.SWITCHBOARD_VOICEMAIL_SILENCE_SECONDS,
      silenceLevel: e.SWITCHBOARD_VOICEMAIL_SILENCE_LEVEL,
      inputTimeoutSeconds: e.SWITCHBOARD_VOICEMAIL_INPUT_TIMEOUT_SECONDS,
    },
    queuePrefix: e.SWITCHBOARD_QUEUE_PREFIX,
    admin: { host: e.SWITCHBOARD_ADMIN_HOST, port: e.SWITCHBOARD_ADMIN_PORT },
    metrics: {
      host: e.SWITCHBOARD_METRICS_HOST,
      ports: {
        signalling: e.SWITCHBOARD_METRICS_PORT_SIGNALLING,
        worker: e.SWITCHBOARD_METRICS_PORT_WORKER,
        admin: e.SWITCHBOARD_METRICS_PORT_ADMIN,
      },
    },
  };
}

/** Config with secrets (passwords inside URLs) masked, for start-up logs. */
export function redactConfig(config: SwitchboardConfig): SwitchboardConfig {
  const mask = (u: string): string => {
    try {
      const parsed = new URL(u);
      if (parsed.password) parsed.password = '***';
      return parsed.toString();
    } catch {
      return '***';
    }
  };
  return {
    ...config,
    databaseUrl: mask(config.databaseUrl),
    redisUrl: mask(config.redisUrl),
    smtp: { ...config.smtp, url: config.smtp.url === undefined ? undefined : mask(config.smtp.url) },
  };
}
