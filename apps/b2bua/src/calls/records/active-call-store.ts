import { redisKeys } from '@switchboard/live-state';
import type { Redis } from 'ioredis';

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

/**
 * Live calls in Redis for the admin's live view and busy detection (keys in @switchboard/live-state):
 * `sb:call:<id>` HASH, `sb:calls` ZSET, `sb:ext-calls:<ext>` ZSET per extension in the call.
 * Writes are soft state: a failure is logged by the caller and never breaks the call.
 */
export class ActiveCallStore {
  constructor(private readonly redis: Redis) {}

  async started(call: ActiveCallStart): Promise<void> {
    const fields: Record<string, string> = {
      id: call.id,
      state: 'routing',
      from: call.from,
      to: call.to,
      startedAt: String(call.startedAt),
    };
    if (call.fromDisplayName) fields.fromDisplayName = call.fromDisplayName;
    if (call.callerUserAgent) fields.callerUserAgent = call.callerUserAgent;
    if (call.node) fields.node = call.node;
    // Plain commands, no MULTI: this is soft state, and single commands join the connection's
    // auto-pipeline (one socket write for all calls of an event-loop turn) where a MULTI is a write of its own.
    const writes: Promise<unknown>[] = [
      this.redis.hset(redisKeys.call(call.id), fields),
      this.redis.zadd(redisKeys.calls, call.startedAt, call.id),
    ];
    if (call.callerExtension)
      writes.push(this.redis.zadd(redisKeys.extensionCalls(call.callerExtension), call.startedAt, call.id));
    await Promise.all(writes);
  }

  async state(id: string, state: string, extra: Record<string, string> = {}): Promise<void> {
    await this.redis.hset(redisKeys.call(id), { state, ...extra });
  }

  /** The callee extension is now in this call (busy detection counts it). */
  async joined(id: string, extension: string, at: number): Promise<void> {
    await this.redis.zadd(redisKeys.extensionCalls(extension), at, id);
  }

  async ended(id: string, extensions: readonly string[]): Promise<void> {
    const writes: Promise<unknown>[] = [
      this.redis.del(redisKeys.call(id)),
      this.redis.zrem(redisKeys.calls, id),
    ];
    for (const ext of extensions) writes.push(this.redis.zrem(redisKeys.extensionCalls(ext), id));
    await Promise.all(writes);
  }
}
