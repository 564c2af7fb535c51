import { redisKeys } from '@switchboard/live-state';
import type { Redis } from 'ioredis';
import { LuaScript } from '../../redis/lua-script.js';

export interface ActiveCallStart {
  readonly id: string;
  readonly from: string;
  readonly fromDisplayName?: string;
  readonly to: string;
  readonly startedAt: number;
  readonly callerExtension?: string;
  readonly callerUserAgent?: string;
  readonly node?: string;
}

/** HSET of the call hash, then ZADD of the call id (score ARGV[1]) to every further key. */
const STARTED = new LuaScript(`redis.call('HSET', KEYS[1], unpack(ARGV, 3))
for i = 2, #KEYS do redis.call('ZADD', KEYS[i], ARGV[1], ARGV[2]) end
return 1`);

/** DEL of the call hash, then ZREM of the call id from every further key. */
const ENDED = new LuaScript(`redis.call('DEL', KEYS[1])
for i = 2, #KEYS do redis.call('ZREM', KEYS[i], ARGV[1]) end
return 1`);

/**
 * HSET of the call hash (fields from ARGV[3]) only while it exists: a state change issued after the
 * call ended (a late 180 or ACK racing the teardown) must not recreate a hash that nothing removes
 * again. Then ZADD of the call id ARGV[2] (score ARGV[1]) to every further key: the extensions that
 * joined with this change (an answer), as `joined` does; one script call instead of two commands.
 */
const STATE = new LuaScript(`if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('HSET', KEYS[1], unpack(ARGV, 3))
end
for i = 2, #KEYS do redis.call('ZADD', KEYS[i], ARGV[1], ARGV[2]) end
return 1`);

/**
 * Live calls in Redis for the admin's live view and busy detection (keys in @switchboard/live-state):
 * `sb:call:<id>` HASH, `sb:calls` ZSET, `sb:ext-calls:<ext>` ZSET per extension in the call.
 * Writes are soft state: a failure is logged by the caller and never breaks the call.
 */
export class ActiveCallStore {
  /** `node`: this signalling process (NODE_ID), written on each call so a dead node's calls can be reaped. */
  constructor(
    private readonly redis: Redis,
    private readonly node?: string,
    /** This node's SIP address (`ip:port`): where another node relays a pickup of the call. */
    private readonly sipNode?: string,
  ) {}

  async started(call: ActiveCallStart): Promise<void> {
    // ARGV: score, call id, then the hash's field/value pairs, pushed as they are (every call
    // writes this: no fields object turned into entries and flattened).
    const args: (string | number)[] = [call.startedAt, call.id];
    args.push('id', call.id, 'state', 'routing', 'from', call.from, 'to', call.to);
    args.push('startedAt', String(call.startedAt));
    if (call.fromDisplayName) args.push('fromDisplayName', call.fromDisplayName);
    if (call.callerUserAgent) args.push('callerUserAgent', call.callerUserAgent);
    const node = call.node ?? this.node;
    if (node) args.push('node', node);
    if (this.sipNode) args.push('sipNode', this.sipNode);
    // One script instead of HSET + ZADD + ZADD: each command costs the signalling process client
    // CPU (bench:cps profiles); a script call, like a single command, joins the auto-pipeline.
    const keys = [redisKeys.call(call.id), redisKeys.calls];
    if (call.callerExtension) keys.push(redisKeys.extensionCalls(call.callerExtension));
    await STARTED.run(this.redis, keys, args);
  }

  /**
   * The call's state (with `extra` fields) while the call is live; `joined`: the callee extension
   * that came into the call with this change, written as `joined` would (an answer: one script call).
   */
  async state(
    id: string,
    state: string,
    extra: Record<string, string> = {},
    joined?: { readonly extension: string; readonly at: number },
  ): Promise<void> {
    const keys = [redisKeys.call(id)];
    if (joined) keys.push(redisKeys.extensionCalls(joined.extension));
    // ARGV: score, call id, then the `extra` fields and the state (the state wins over an extra one).
    const args: (string | number)[] = [joined?.at ?? 0, id];
    for (const name of Object.keys(extra)) if (name !== 'state') args.push(name, extra[name]!);
    args.push('state', state);
    await STATE.run(this.redis, keys, args);
  }

  /** The callee extension is now in this call (busy detection counts it). */
  async joined(id: string, extension: string, at: number): Promise<void> {
    await this.redis.zadd(redisKeys.extensionCalls(extension), at, id);
  }

  async ended(id: string, extensions: readonly string[]): Promise<void> {
    const keys = [redisKeys.call(id), redisKeys.calls, ...extensions.map((e) => redisKeys.extensionCalls(e))];
    await ENDED.run(this.redis, keys, [id]);
  }
}
