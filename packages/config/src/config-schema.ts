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

const ipAddress = z.union([z.ipv4(), z.ipv6()], { error: 'must be an IPv4 or IPv6 address' });

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
  SWITCHBOARD_SIP_BIND_ADDRESS: ipAddress.default('0.0.0.0'),
  SWITCHBOARD_SIP_PUBLIC_ADDRESS: z.string().min(1, 'must not be empty').optional(),
  SWITCHBOARD_SIP_DOMAIN: z.string().min(1, 'must not be empty').optional(),
  SWITCHBOARD_SIP_UDP_PORT: port.default(5060),
  SWITCHBOARD_SIP_TCP_PORT: optionalPort.default(5060),
  SWITCHBOARD_SIP_TLS_PORT: optionalPort.default(0),
  SWITCHBOARD_SIP_WS_PORT: optionalPort.default(0),
  SWITCHBOARD_RTP_PORT_MIN: port.default(20000),
  SWITCHBOARD_RTP_PORT_MAX: port.default(20999),
  /** Prefix of every BullMQ key, so several installations (or test runs) can share one Redis. */
  SWITCHBOARD_QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be 1-32 characters of A-Z, a-z, 0-9, _ or -')
    .default('sb-queue'),
  /**
   * Routing plugins in chain order: npm package names or absolute paths, comma-separated. Ring groups
   * and follow-me come before plain extensions, which would otherwise take those calls first.
   */
  SWITCHBOARD_PLUGINS: z
    .string()
    .default('@switchboard/plugin-ring-group,@switchboard/plugin-find-me,@switchboard/plugin-extensions')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  /** How long the signalling process waits for a routing plan before its fallback (503). */
  SWITCHBOARD_ROUTING_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100, 'must be at least 100')
    .max(60_000, 'must be at most 60000')
    .default(3000),
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
  SWITCHBOARD_ADMIN_HOST: z.string().min(1, 'must not be empty').default('127.0.0.1'),
  SWITCHBOARD_ADMIN_PORT: port.default(8080),
});

export type SwitchboardEnv = z.infer<typeof envSchema>;

/** Names of every variable in the schema (used by tooling and the compose drift test). */
export const configVariableNames: readonly string[] = Object.keys(envSchema.shape);
