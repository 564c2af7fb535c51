import { z } from 'zod';
import { parseRoutingFallback, fallbackHelp } from './routing-fallback.js';

/** Routing: the plugin chain, how long a call waits for its plan, the fallback, the directory caches, the routing workers' concurrency and batching. */
export const routingSettings = {
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
};
