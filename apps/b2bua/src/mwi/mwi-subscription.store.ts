import { Inject, Injectable } from '@nestjs/common';
import { redisKeys } from '@switchboard/live-state';
import type { Redis } from 'ioredis';
import { REDIS } from '../tokens.js';
import { mwiSubscriptionSchema, type MwiSubscription } from './mwi-subscription.js';

/** The keys outlive the last subscription by this long, so its expiry NOTIFY can still read it. */
const KEY_GRACE_MS = 60_000;

/*
 * Writes one subscription and keeps both per-mailbox hashes alive until the latest expiry (+ grace):
 * the TTL only ever grows here; expired fields are pruned by readers.
 * KEYS: subscriptions hash, NOTIFY CSeq hash. ARGV: id, JSON, wanted TTL in ms.
 */
const SAVE_SCRIPT = `
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HSETNX', KEYS[2], ARGV[1], '0')
local want = tonumber(ARGV[3])
for _, key in ipairs(KEYS) do
  if redis.call('PTTL', key) < want then redis.call('PEXPIRE', key, want) end
end
return 1
`;

/** Message-summary subscriptions in Redis per mailbox account (`@switchboard/live-state` keys), shared by every signalling process. */
@Injectable()
export class MwiSubscriptionStore {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async save(sub: MwiSubscription, now = Date.now()): Promise<void> {
    const ttl = Math.max(1, sub.expiresAt - now) + KEY_GRACE_MS;
    await this.redis.eval(
      SAVE_SCRIPT,
      2,
      redisKeys.mwiSubscriptions(sub.account),
      redisKeys.mwiNotifySeq(sub.account),
      sub.id,
      JSON.stringify(sub),
      String(ttl),
    );
  }

  /** The stored subscription, expired or not; undefined when unknown or unreadable. */
  async get(account: string, id: string): Promise<MwiSubscription | undefined> {
    const raw = await this.redis.hget(redisKeys.mwiSubscriptions(account), id);
    return raw === null ? undefined : parse(raw);
  }

  /** Live subscriptions of a mailbox; expired and unreadable entries are removed on the way. */
  async live(account: string, now = Date.now()): Promise<MwiSubscription[]> {
    const all = await this.redis.hgetall(redisKeys.mwiSubscriptions(account));
    const live: MwiSubscription[] = [];
    const stale: string[] = [];
    for (const [id, raw] of Object.entries(all)) {
      const sub = parse(raw);
      if (sub && sub.expiresAt > now) live.push(sub);
      else if (!sub || sub.expiresAt + KEY_GRACE_MS <= now) stale.push(id);
    }
    if (stale.length > 0) await this.removeFields(account, stale);
    return live;
  }

  async remove(account: string, id: string): Promise<void> {
    await this.removeFields(account, [id]);
  }

  /** The CSeq of the next NOTIFY in this dialog (1, 2, …), atomic across processes. */
  async nextNotifySeq(account: string, id: string): Promise<number> {
    return this.redis.hincrby(redisKeys.mwiNotifySeq(account), id, 1);
  }

  private async removeFields(account: string, ids: string[]): Promise<void> {
    await Promise.all([
      this.redis.hdel(redisKeys.mwiSubscriptions(account), ...ids),
      this.redis.hdel(redisKeys.mwiNotifySeq(account), ...ids),
    ]);
  }
}

function parse(raw: string): MwiSubscription | undefined {
  try {
    const result = mwiSubscriptionSchema.safeParse(JSON.parse(raw));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}
