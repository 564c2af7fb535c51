import type { Redis } from 'ioredis';
import { eventSubscriptionSchema, type EventSubscription } from './event-subscription.js';
import { HeldSubscriptions } from './held-subscriptions.js';

/** The two Redis hashes of one event package per watched account (`@switchboard/live-state` keys). */
export interface SubscriptionKeys {
  /** field = subscription id, value = JSON EventSubscription. */
  subscriptions(account: string): string;
  /** field = subscription id, value = CSeq of the last NOTIFY sent in that dialog. */
  notifySeq(account: string): string;
}

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

/** One event package's subscriptions in Redis per watched account, shared by every signalling process. */
export class SubscriptionStore {
  /** What this process holds (`node`): changes of other accounts skip the Redis read (`holdsAny`). */
  private readonly held = new HeldSubscriptions();

  constructor(
    private readonly redis: Redis,
    private readonly keys: SubscriptionKeys,
    /** This process's node id (`EventSubscription.node`). */
    private readonly node: string,
  ) {}

  /** False when no live subscription of `account` is held by this process (no need to read `live`). */
  holdsAny(account: string, now = Date.now()): boolean {
    return this.held.holdsAny(account, now);
  }

  /** True when this process holds no subscription of any account (expired ones may still count). */
  holdsNone(): boolean {
    return this.held.size === 0;
  }

  /**
   * At start: subscriptions stored under this node id by an earlier process with the same id (a
   * container's pid repeats) are held again. One SCAN at boot, never on the call path.
   */
  async adoptHeld(now = Date.now()): Promise<void> {
    const pattern = this.keys.subscriptions('*');
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      for (const key of keys) {
        for (const raw of Object.values(await this.redis.hgetall(key))) {
          const sub = parse(raw);
          if (sub && sub.node === this.node && sub.expiresAt > now)
            this.held.add(sub.account, sub.id, sub.expiresAt);
        }
      }
    } while (cursor !== '0');
  }

  async save(sub: EventSubscription, now = Date.now()): Promise<void> {
    // Held before it is stored: a change read meanwhile costs a read, never a missed NOTIFY.
    if (sub.node === this.node) this.held.add(sub.account, sub.id, sub.expiresAt);
    else this.held.remove(sub.account, sub.id);
    const ttl = Math.max(1, sub.expiresAt - now) + KEY_GRACE_MS;
    await this.redis.eval(
      SAVE_SCRIPT,
      2,
      this.keys.subscriptions(sub.account),
      this.keys.notifySeq(sub.account),
      sub.id,
      JSON.stringify(sub),
      String(ttl),
    );
  }

  /** The stored subscription, expired or not; undefined when unknown or unreadable. */
  async get(account: string, id: string): Promise<EventSubscription | undefined> {
    const raw = await this.redis.hget(this.keys.subscriptions(account), id);
    return raw === null ? undefined : parse(raw);
  }

  /** Live subscriptions of an account; expired and unreadable entries are removed on the way. */
  async live(account: string, now = Date.now()): Promise<EventSubscription[]> {
    const all = await this.redis.hgetall(this.keys.subscriptions(account));
    const live: EventSubscription[] = [];
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
    this.held.remove(account, id);
    await this.removeFields(account, [id]);
  }

  /** The CSeq of the next NOTIFY in this dialog (1, 2, …), atomic across processes. */
  async nextNotifySeq(account: string, id: string): Promise<number> {
    return this.redis.hincrby(this.keys.notifySeq(account), id, 1);
  }

  private async removeFields(account: string, ids: string[]): Promise<void> {
    await Promise.all([
      this.redis.hdel(this.keys.subscriptions(account), ...ids),
      this.redis.hdel(this.keys.notifySeq(account), ...ids),
    ]);
  }
}

function parse(raw: string): EventSubscription | undefined {
  try {
    const result = eventSubscriptionSchema.safeParse(JSON.parse(raw));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}
