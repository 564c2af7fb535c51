import type { Logger, SwitchboardConfig } from '@switchboard/config';
import { type PrismaClient, SecretBox, TrunkReader } from '@switchboard/db';
import type { Redis } from 'ioredis';
import { ExtensionRepository } from '../../repositories/extension.repository.js';
import { TrunkCallLimits, trunkSlotMs } from '../../trunks/trunk-call-limits.js';
import type { CallSipPort } from '../call-sip-port.js';
import { DEFAULT_LEG_POLICY, type LegMediaPolicy } from '../media/media-policy.js';
import type { TrunkLegDeps } from './trunk-target-expander.js';

/**
 * Trunk legs of the signalling process: trunks read by name from PostgreSQL with their password
 * opened by the data directory's key (a trunk change applies to the next call), the caller's
 * outside-call limit from its extension row (both prepared statements on the pg pool, not Prisma
 * queries: ~1 ms of CPU each in Prisma's query compiler), the counters in Redis. Trunk media are
 * anchored when the PBX relays media at all (`SWITCHBOARD_MEDIA_MODE` not `direct`): phones on the
 * LAN cannot reach a provider's media, and providers speak plain RTP (SRTP off, rtpengine translates).
 */
export function createTrunkLegDeps(
  prisma: PrismaClient,
  redis: Redis,
  config: SwitchboardConfig,
  port: Pick<CallSipPort, 'resolve'>,
  logger: Logger,
): TrunkLegDeps {
  const reader = new TrunkReader(prisma, SecretBox.fromDataDir(config.dataDir));
  const extensions = new ExtensionRepository(prisma);
  const mediaPolicy: LegMediaPolicy =
    config.media.mode === 'direct' ? DEFAULT_LEG_POLICY : { mode: 'relay', srtp: 'off' };
  return {
    port,
    logger,
    findTrunk: (name) => reader.findByName(name),
    maxExternalCalls: (extension) => extensions.maxExternalCalls(extension),
    limits: new TrunkCallLimits(redis, trunkSlotMs(config.calls.maxDurationSeconds)),
    mediaPolicy,
  };
}
