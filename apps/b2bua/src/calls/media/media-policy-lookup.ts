import type { Logger } from '@switchboard/config';
import type { PrismaClient } from '@switchboard/db';
import { LookupCache } from '../../routing/lookup-cache.js';
import { DEFAULT_LEG_POLICY, type LegMediaPolicy } from './media-policy.js';

/** An extension's media policy reaches new calls within this time after an admin change. */
const POLICY_CACHE_MS = 2000;

/** A policy read slower than this is answered from the outage cache (the read goes on). */
const SLOW_DB_MS = 500;

/**
 * Extension number → its media mode and SRTP policy, read through a LookupCache (every call asks
 * for the caller's and each callee's). An unknown number has the default policy. A read that
 * fails with nothing cached rejects (logged): the call fails rather than lose a `required` SRTP.
 */
export function createMediaPolicyLookup(
  prisma: PrismaClient,
  outageCacheSeconds: number,
  logger: Logger,
): (extension: string) => Promise<LegMediaPolicy> {
  const cache = new LookupCache<LegMediaPolicy>(
    {
      ttlMs: POLICY_CACHE_MS,
      staleMs: outageCacheSeconds * 1000,
      slowLoadMs: SLOW_DB_MS,
      maxEntries: 10_000,
      now: () => performance.now(),
      onStale: (extension, err, ageMs) =>
        logger.warn(
          { err, extension, ageMs: Math.round(ageMs) },
          'database unreachable: using the cached media policy',
        ),
    },
    async (number) => {
      const row = await prisma.extension.findUnique({
        where: { number },
        select: { mediaMode: true, srtpPolicy: true },
      });
      return row ? { mode: row.mediaMode, srtp: row.srtpPolicy } : DEFAULT_LEG_POLICY;
    },
  );
  return (extension) =>
    cache.get(extension).catch((err: unknown) => {
      logger.error({ err, extension }, 'media policy of the extension not readable');
      throw err;
    });
}
