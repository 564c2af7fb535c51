import type { Redis } from 'ioredis';

/** A routing worker writes its heartbeat this often. */
export const HEARTBEAT_INTERVAL_MS = 1000;
/** A worker whose last heartbeat is older than this is not alive (three missed beats). */
export const HEARTBEAT_ALIVE_MS = 3000;
/** Heartbeats older than this are deleted by the next beat of any worker. */
const HEARTBEAT_FORGET_MS = 60_000;

/** ZSET of routing workers: member = worker node, score = its last heartbeat (Redis server time, ms). */
export function routingWorkersKey(queuePrefix: string): string {
  return `${queuePrefix}:routing-workers`;
}

// Scores use Redis's clock (TIME), not the hosts': workers and signalling processes on different
// machines then agree on "alive" whatever their clock skew.
const NOW_MS = "local t = redis.call('TIME'); local now = t[1] * 1000 + math.floor(t[2] / 1000)";
const BEAT = `${NOW_MS}
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))
return now`;
const COUNT_ALIVE = `${NOW_MS}
return redis.call('ZCOUNT', KEYS[1], now - tonumber(ARGV[1]), '+inf')`;

/** One heartbeat of `node` (a routing worker process). */
export async function beat(redis: Redis, queuePrefix: string, node: string): Promise<void> {
  await redis.eval(BEAT, 1, routingWorkersKey(queuePrefix), node, HEARTBEAT_FORGET_MS);
}

/** Routing workers with a heartbeat in the last HEARTBEAT_ALIVE_MS. */
export async function liveWorkerCount(redis: Redis, queuePrefix: string): Promise<number> {
  return Number(await redis.eval(COUNT_ALIVE, 1, routingWorkersKey(queuePrefix), HEARTBEAT_ALIVE_MS));
}

/** A worker stopping cleanly leaves at once instead of after HEARTBEAT_ALIVE_MS. */
export async function leave(redis: Redis, queuePrefix: string, node: string): Promise<void> {
  await redis.zrem(routingWorkersKey(queuePrefix), node);
}
