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

/** Where the admin Live page reads the park slots (`sb:parked`); soft state, like every live view. */
export interface ParkSlotSink {
  occupied(call: ParkedCall): Promise<void>;
  vacated(slot: number, call: string): Promise<void>;
}

/**
 * The occupied park slots in Redis, written by the signalling process that holds each parked call
 * with its SIP address (`sipNode`), so that another node knows where a retrieval of the slot goes.
 */
export class ParkSlotStore implements ParkSlotSink {
  constructor(
    private readonly redis: Redis,
    /** This node's SIP address (`ip:port`), recorded as the holder of the calls it parks. */
    private readonly sipNode?: string,
  ) {}

  async occupied(call: ParkedCall): Promise<void> {
    const held = this.sipNode ? { ...call, sipNode: this.sipNode } : call;
    await this.redis.hset(redisKeys.parkedCalls, String(call.slot), JSON.stringify(held));
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
