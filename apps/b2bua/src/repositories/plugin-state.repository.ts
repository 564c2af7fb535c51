import { Inject, Injectable } from '@nestjs/common';
import { redisKeys } from '@switchboard/live-state';
import type { PluginState } from '@switchboard/plugin-sdk';
import type { Redis } from 'ioredis';
import { REDIS } from '../tokens.js';

const MAX_VALUE_BYTES = 64 * 1024;

/** Per-plugin key/value memory in Redis, shared by every worker. */
@Injectable()
export class PluginStateRepository {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  forPlugin(pluginId: string): PluginState {
    return {
      get: async (key) => (await this.redis.get(redisKeys.pluginState(pluginId, key))) ?? undefined,
      set: async (key, value, ttlSeconds) => {
        if (Buffer.byteLength(value) > MAX_VALUE_BYTES) {
          throw new Error(`plugin state value for "${key}" is larger than ${MAX_VALUE_BYTES} bytes`);
        }
        const k = redisKeys.pluginState(pluginId, key);
        if (ttlSeconds !== undefined && ttlSeconds > 0) await this.redis.set(k, value, 'EX', ttlSeconds);
        else await this.redis.set(k, value);
      },
    };
  }
}
