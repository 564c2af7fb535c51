import type { Logger, SwitchboardConfig } from '@switchboard/config';
import { RtpPortAllocator } from '@switchboard/media';
import type { Clock } from '@switchboard/transactions';
import type { Redis } from 'ioredis';
import { PromptLibrary } from '../../voicemail/prompt-library.js';
import type { CallDeps } from '../call-deps.js';
import { ParkAnnouncer } from './park-announcer.js';
import type { ParkLot } from './park-lot.js';
import { ParkSlotStore } from './park-slot.store.js';
import { nodeSipAddress } from '../cluster/node-relay.js';

/** How long the announcement's RTP end waits for the parker's packets (it plays for a second or two). */
const ANNOUNCEMENT_MEDIA_TIMEOUT_MS = 10_000;

/**
 * Call park for the call sessions of a signalling process: its lot, the ring-back time, the slots'
 * live view in Redis and the slot announcement (RTP from SWITCHBOARD_RTP_PORT_MIN/MAX, paced on the
 * SIP clock).
 */
export function parkDeps(
  config: SwitchboardConfig,
  lot: ParkLot,
  redis: Redis,
  clock: Clock,
  logger: Logger,
): NonNullable<CallDeps['park']> {
  return {
    lot,
    timeoutMs: config.calls.park.timeoutSeconds * 1000,
    slots: new ParkSlotStore(redis, nodeSipAddress(config.sip)),
    announcer: new ParkAnnouncer({
      publicAddress: config.sip.publicAddress,
      media: {
        clock,
        allocator: new RtpPortAllocator({ min: config.rtp.portMin, max: config.rtp.portMax }),
        bindAddress: config.sip.bindAddress,
        mediaTimeoutMs: ANNOUNCEMENT_MEDIA_TIMEOUT_MS,
      },
      prompts: new PromptLibrary(),
      logger,
    }),
  };
}
