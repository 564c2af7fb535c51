import type { Logger, SwitchboardConfig } from '@switchboard/config';
import { type PrismaClient, SecretBox, TrunkReader } from '@switchboard/db';
import type { Redis } from 'ioredis';
import { TrunkCallLimits, trunkSlotMs } from '../../trunks/trunk-call-limits.js';
import type { CallSipPort } from '../call-sip-port.js';
import { DEFAULT_LEG_POLICY, type LegMediaPolicy } from '../media/media-policy.js';
import type { TrunkLegDeps } from './trunk-target-expander.js';

/**
 * Trunk legs of the signalling process: trunks read by name from PostgreSQL with their password
 * opened by the data directory's key (a trunk change applies to the next call), the caller's
 * outside-call limit from its extension row, the counters in Redis. Trunk media are anchored when
 * the PBX relays media at all (`SWITCHBOARD_MEDIA_MODE` not `direct`): phones on the LAN cannot
 * reach a provider's media, and providers speak plain RTP (SRTP off, rtpengine translates).
 */
export function createTrunkLegDeps(
  prisma: PrismaClient,
  redis: Redis,
  config: SwitchboardConfig,
  port: Pick<CallSipPort, 'resolve'>,
  logger: Logger,
): TrunkLegDeps {
  const reader = new TrunkReader(prisma, SecretBox.fromDataDir(config.dataDir));
  const mediaPolicy: LegMediaPolicy =
    config.media.mode === 'direct' ? DEFAULT_LEG_POLICY : { mode: 'relay', srtp: 'off' };
  return {
    port,
    logger,
    findTrunk: (name) => reader.findByName(name),
    maxExternalCalls: async (extension) => {
      const row = await prisma.extension.findUnique({
        where: { number: extension },
        select: { maxExternalCalls: true },
      });
      return row?.maxExternalCalls ?? 0;
    },
    limits: new TrunkCallLimits(redis, trunkSlotMs(config.calls.maxDurationSeconds)),
    mediaPolicy,
  };
}
