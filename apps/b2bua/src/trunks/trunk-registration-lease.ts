import { redisKeys } from '@switchboard/live-state';
import type { Redis } from 'ioredis';

/** Takes the lease when free, renews it when this node holds it; 1 = held by this node. */
const HOLD = `
local holder = redis.call('GET', KEYS[1])
if not holder then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * Which signalling node registers a trunk. Every node reads the same trunks; were each to register,
 * the provider would hold one binding per node and fork every inbound call to all of them (RFC 3261
 * §10.2.1: several Contacts for one address of record). So one node holds a lease per trunk in Redis
 * and renews it on each reload; when that node stops (lease released) or dies (lease lapses after
 * `ttlMs`), the next node to reload takes the trunk over and registers its own Contact.
 */
export class TrunkRegistrationLease {
  constructor(
    private readonly redis: Redis,
    private readonly nodeId: string,
    private readonly ttlMs: number,
  ) {}

  /** True when this node holds (now or from before) the registration of `trunkId`. */
  async hold(trunkId: string): Promise<boolean> {
    const held = await this.redis.eval(
      HOLD,
      1,
      redisKeys.trunkRegistrationLease(trunkId),
      this.nodeId,
      this.ttlMs,
    );
    return held === 1;
  }

  /** Gives the trunk up, if this node holds it, so another node may take it at once. */
  async release(trunkId: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, redisKeys.trunkRegistrationLease(trunkId), this.nodeId);
  }
}
