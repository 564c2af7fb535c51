import { z } from 'zod';
import { port, optionalPort, ipAddress, nodeAddressList, url } from './env-field-types.js';

/** Process-wide settings: storage (PostgreSQL, Redis, data directory), logging, the queue prefix, node liveness, the operations listeners, SIP traces and the admin listener. */
export const operationsSettings = {
  DATABASE_URL: url(['postgres:', 'postgresql:']),
  REDIS_URL: url(['redis:', 'rediss:']),
  SWITCHBOARD_DATA_DIR: z.string().min(1, 'must not be empty').default('./.data'),
  SWITCHBOARD_LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info'),
  /** `json` (one object per line, for log collectors) or `pretty` (pino-pretty, for a human at a terminal). */
  SWITCHBOARD_LOG_FORMAT: z.enum(['json', 'pretty'], { error: "must be 'json' or 'pretty'" }).default('json'),
  /** Prefix of every BullMQ key, so several installations (or test runs) can share one Redis. */
  SWITCHBOARD_QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be 1-32 characters of A-Z, a-z, 0-9, _ or -')
    .default('sb-queue'),
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
  /**
   * Scale-out: the other signalling nodes' SIP addresses (`ipv4:port`, comma-separated; empty = none).
   * A park retrieval or pickup for a call another node holds is relayed there, and an INVITE relayed
   * from one of these addresses is trusted as node-to-node traffic (RFC 3325 trust domain).
   */
  SWITCHBOARD_CLUSTER_PEERS: nodeAddressList.default([]),
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
};
