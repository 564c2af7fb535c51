import { redisKeys } from '@switchboard/live-state';
import type { Redis } from 'ioredis';

/**
 * One slot in each key, atomically: expired members go first (a crashed process's calls do not
 * hold slots forever), then every key must be under its limit (ARGV[3 + i], 0 = none) unless the
 * call is forced (emergency), then the call id is added to all with its expiry as score.
 * Returns 0 when taken, else the 1-based index of the key at its limit. A call already holding a
 * slot in a key keeps it (ZADD refreshes its expiry), so a retry never counts twice.
 */
const RESERVE = `local now = tonumber(ARGV[1])
for i = 1, #KEYS do
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now)
  local limit = tonumber(ARGV[4 + i])
  if ARGV[4] ~= '1' and limit > 0 and redis.call('ZSCORE', KEYS[i], ARGV[2]) == false
     and redis.call('ZCARD', KEYS[i]) >= limit then
    return i
  end
end
for i = 1, #KEYS do redis.call('ZADD', KEYS[i], ARGV[3], ARGV[2]) end
return 0`;

/** How long a trunk slot outlives a crashed process when calls have no maximum duration. */
const DEFAULT_SLOT_MS = 4 * 3600_000;
/** A slot lives a little longer than the longest call may. */
const SLOT_MARGIN_MS = 60_000;

/** The lifetime of a slot: the longest call (`SWITCHBOARD_MAX_CALL_SECONDS`, 0 = none) plus a margin. */
export function trunkSlotMs(maxCallSeconds: number): number {
  return (maxCallSeconds > 0 ? maxCallSeconds * 1000 : DEFAULT_SLOT_MS) + SLOT_MARGIN_MS;
}

export type ReserveResult =
  { readonly ok: true } | { readonly ok: false; readonly limit: 'trunk' | 'extension'; readonly max: number };

export interface TrunkCallSlot {
  readonly callId: string;
  readonly trunk: string;
  readonly maxTrunkCalls: number | null;
  /** The calling extension (its outside-call limit); absent for a call that is not an extension's. */
  readonly extension?: string;
  readonly maxExtensionCalls?: number;
  /** Emergency calls are counted but never refused. */
  readonly emergency: boolean;
}

/**
 * Concurrent outside calls in Redis (keys in @switchboard/live-state): `sb:trunk-calls:<trunk>` and
 * `sb:ext-outside-calls:<ext>`, ZSETs of call ids scored by the time the slot expires by itself.
 * The expiry (the longest a call may last plus a margin) makes the counters crash-safe: a process
 * that dies mid-call cannot hold a trunk's capacity beyond it. Readers count members with a score
 * in the future (see ActiveCallRepository).
 */
export class TrunkCallLimits {
  constructor(
    private readonly redis: Redis,
    /** How long a slot lives without a release (ms). */
    private readonly slotMs: number,
    private readonly wallNow: () => number = Date.now,
  ) {}

  async reserve(slot: TrunkCallSlot): Promise<ReserveResult> {
    const now = this.wallNow();
    const keys = [redisKeys.trunkCalls(slot.trunk)];
    const limits = [slot.maxTrunkCalls ?? 0];
    if (slot.extension !== undefined) {
      keys.push(redisKeys.extensionExternalCalls(slot.extension));
      limits.push(slot.maxExtensionCalls ?? 0);
    }
    const reply = (await this.redis.eval(
      RESERVE,
      keys.length,
      ...keys,
      now,
      slot.callId,
      now + this.slotMs,
      slot.emergency ? '1' : '0',
      ...limits,
    )) as number;
    if (reply === 0) return { ok: true };
    return reply === 1
      ? { ok: false, limit: 'trunk', max: limits[0] ?? 0 }
      : { ok: false, limit: 'extension', max: limits[1] ?? 0 };
  }

  /** Frees the call's slot on the trunk (a leg that failed: the next trunk may be tried). */
  async releaseTrunk(callId: string, trunk: string): Promise<void> {
    await this.redis.zrem(redisKeys.trunkCalls(trunk), callId);
  }

  /** Frees every slot of a finished call. */
  async releaseAll(callId: string, trunks: Iterable<string>, extension: string | undefined): Promise<void> {
    const pipeline = this.redis.pipeline();
    for (const trunk of trunks) pipeline.zrem(redisKeys.trunkCalls(trunk), callId);
    if (extension !== undefined) pipeline.zrem(redisKeys.extensionExternalCalls(extension), callId);
    const results = (await pipeline.exec()) ?? [];
    const failed = results.find(([err]) => err !== null);
    if (failed?.[0]) throw failed[0];
  }
}
