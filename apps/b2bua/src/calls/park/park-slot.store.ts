import { parkedCallSchema, redisKeys, type ParkedCall } from '@switchboard/live-state';
import type { Redis } from 'ioredis';

/*
 * Frees a slot only if the given call still holds it (a later park in the same slot is kept).
 * KEYS: the parked-calls hash. ARGV: slot, call id.
 */
const VACATE_SCRIPT = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if raw and cjson.decode(raw).call == ARGV[2] then return redis.call('HDEL', KEYS[1], ARGV[1]) end
return 0
`;

/*
 * Claims the first free slot of the range for a call (atomic: one script, so two nodes parking at
 * once get different slots). The entry's JSON comes without its slot; the script appends it.
 * KEYS: the parked-calls hash. ARGV: first slot, last slot, JSON ParkedCall without `slot`.
 * Returns the slot, or nil when every slot is taken.
 */
const CLAIM_SCRIPT = `
for slot = tonumber(ARGV[1]), tonumber(ARGV[2]) do
  local field = tostring(slot)
  if redis.call('HEXISTS', KEYS[1], field) == 0 then
    local entry = string.sub(ARGV[3], 1, -2) .. ',"slot":' .. field .. '}'
    redis.call('HSET', KEYS[1], field, entry)
    return slot
  end
end
return false
`;

/** A parked call before it has its slot. */
export type UnslottedParkedCall = Omit<ParkedCall, 'slot'>;

/** Where the admin Live page reads the park slots (`sb:parked`); soft state, like every live view. */
export interface ParkSlotSink {
  /** The first free slot of `first`–`last`, now held by `call` (undefined: every slot is taken). */
  claim(call: UnslottedParkedCall, first: number, last: number): Promise<number | undefined>;
  /** Frees `slot` if `call` still holds it (retrieved, rung back, hung up). */
  vacated(slot: number, call: string): Promise<void>;
}

/**
 * The occupied park slots in Redis, the one lot of every signalling node: a node claims a slot
 * atomically for the call it parks, with its SIP address (`sipNode`), so that another node knows
 * where a retrieval of the slot goes. A dead node's slots are removed by the dead-node reaper.
 */
export class ParkSlotStore implements ParkSlotSink {
  constructor(
    private readonly redis: Redis,
    /** This node's SIP address (`ip:port`), recorded as the holder of the calls it parks. */
    private readonly sipNode?: string,
  ) {}

  async claim(call: UnslottedParkedCall, first: number, last: number): Promise<number | undefined> {
    const held = this.sipNode ? { ...call, sipNode: this.sipNode } : call;
    const slot = await this.redis.eval(
      CLAIM_SCRIPT,
      1,
      redisKeys.parkedCalls,
      String(first),
      String(last),
      JSON.stringify(held),
    );
    return typeof slot === 'number' ? slot : undefined;
  }

  async vacated(slot: number, call: string): Promise<void> {
    await this.redis.eval(VACATE_SCRIPT, 1, redisKeys.parkedCalls, String(slot), call);
  }

  /** The call parked in `slot` by any node (undefined: empty, or an entry that does not parse). */
  async holder(slot: number): Promise<ParkedCall | undefined> {
    const raw = await this.redis.hget(redisKeys.parkedCalls, String(slot));
    if (raw === null) return undefined;
    try {
      const parsed = parkedCallSchema.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }
}
