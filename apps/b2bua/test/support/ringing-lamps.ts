import { redisKeys, type ExtensionDialog } from '@switchboard/live-state';
import type { Redis } from 'ioredis';
import { expect } from 'vitest';

/** Until every one of `extensions` shows a ringing (early) inbound dialog in the lamp data. */
export async function untilRinging(redis: Redis, ...extensions: string[]): Promise<void> {
  for (const ext of extensions) {
    await expect
      .poll(
        async () => {
          const all = Object.values(await redis.hgetall(redisKeys.extensionDialogs(ext)));
          return all.map((raw) => JSON.parse(raw) as ExtensionDialog).some((d) => d.state === 'early');
        },
        { timeout: 5000, interval: 50 },
      )
      .toBe(true);
  }
}
