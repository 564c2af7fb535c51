import { processesKey, redisKeys } from '@switchboard/live-state';
import type { Redis } from 'ioredis';

/*
 * One atomic pass over the live calls of dead signalling processes. KEYS[1]: the signalling
 * heartbeat ZSET (member `signalling:<host>:<pid>:<suffix>`, score = last beat on Redis's clock),
 * KEYS[2]: sb:calls, KEYS[3]: sb:parked. ARGV[1]: how old a last beat must be for its process to count as dead (ms),
 * ARGV[2]: the call hash key prefix (sb:call:).
 * A call's hash names its process as `<host>:<pid>` (NODE_ID); a host:pid that also has a fresh
 * beat (a restarted process reusing the pid) is alive. Its park slots go too (their JSON names the
 * node the same way): a retrieval would otherwise be relayed to a dead node. Returns the ids of the
 * calls removed.
 */
const REAP = `
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local function nodeOf(member)
  return string.match(member, '^signalling:(.+):[^:]+$')
end
local dead, alive, any = {}, {}, false
local beats = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
for i = 1, #beats, 2 do
  local node = nodeOf(beats[i])
  if node then
    if tonumber(beats[i + 1]) < now - tonumber(ARGV[1]) then dead[node] = true; any = true
    else alive[node] = true end
  end
end
if not any then return {} end
local reaped = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  local key = ARGV[2] .. id
  local node = redis.call('HGET', key, 'node')
  if node and dead[node] and not alive[node] then
    redis.call('DEL', key)
    redis.call('ZREM', KEYS[2], id)
    table.insert(reaped, id)
  end
end
local slots = redis.call('HGETALL', KEYS[3])
for i = 1, #slots, 2 do
  local ok, parked = pcall(cjson.decode, slots[i + 1])
  local node = ok and type(parked) == 'table' and parked.node or nil
  if type(node) == 'string' and dead[node] and not alive[node] then redis.call('HDEL', KEYS[3], slots[i]) end
end
return reaped
`;

/** The per-extension and per-trunk call sets a call id may still be counted in. */
const CALL_SET_PATTERNS = [
  redisKeys.extensionCalls('*'),
  redisKeys.extensionExternalCalls('*'),
  redisKeys.trunkCalls('*'),
];

/**
 * Removes the live calls held by signalling processes whose heartbeat is older than `deadAfterMs`
 * (killed, host lost): their hash, their sb:calls entry and their place in every extension and
 * trunk call set (busy detection, call limits), and the park slots they held (`sb:parked`). Only processes of this installation's heartbeat
 * registry (`prefix`) are judged, so installations sharing a Redis never reap each other's calls.
 * Returns the call ids removed.
 */
export async function reapDeadNodeCalls(
  redis: Redis,
  prefix: string,
  deadAfterMs: number,
): Promise<string[]> {
  const reaped = (await redis.eval(
    REAP,
    3,
    processesKey(prefix, 'signalling'),
    redisKeys.calls,
    redisKeys.parkedCalls,
    deadAfterMs,
    redisKeys.call(''),
  )) as string[];
  if (reaped.length === 0) return reaped;
  // The sets are found by SCAN (rare: only after a process died), not kept per call on the hot path.
  for (const pattern of CALL_SET_PATTERNS) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      if (keys.length === 0) continue;
      const pipeline = redis.pipeline();
      for (const key of keys) pipeline.zrem(key, ...reaped);
      await pipeline.exec();
    } while (cursor !== '0');
  }
  return reaped;
}

/*
 * KEYS[1]: sb:parked. ARGV[1]: this process's node id. Removes the slots naming it; returns how many.
 */
const RELEASE_OWN_SLOTS = `
local slots = redis.call('HGETALL', KEYS[1])
local n = 0
for i = 1, #slots, 2 do
  local ok, parked = pcall(cjson.decode, slots[i + 1])
  if ok and type(parked) == 'table' and parked.node == ARGV[1] then
    redis.call('HDEL', KEYS[1], slots[i])
    n = n + 1
  end
end
return n
`;

/**
 * At start, before it parks anything: the park slots that name this process's node id (`host:pid`)
 * were left by an earlier process with the same id — a restart that reused the pid, as a container's
 * does. The reaper keeps them (the id beats again), and a slot is claimed only when free, so they
 * would block their slots for good. Returns how many were released.
 */
export async function releaseOwnStaleSlots(redis: Redis, node: string): Promise<number> {
  return (await redis.eval(RELEASE_OWN_SLOTS, 1, redisKeys.parkedCalls, node)) as number;
}
