import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventSubscription } from '../src/subscriptions/event-subscription.js';
import { HeldSubscriptions } from '../src/subscriptions/held-subscriptions.js';
import { SubscriptionStore } from '../src/subscriptions/subscription.store.js';
import { requiredEnv } from './support/test-env.js';

// A dialog change of an account this process holds no subscription for skips the Redis read
// (the lean signalling path, #21): these pin down when "holds" is true.

let redis: Redis;
beforeAll(() => {
  redis = new Redis(`${requiredEnv('REDIS_URL')}/12`);
});
afterAll(async () => {
  await redis.flushdb();
  redis.disconnect();
});

const prefix = `held-test-${randomUUID()}`;
const keys = {
  subscriptions: (account: string) => `${prefix}:subs:${account}`,
  notifySeq: (account: string) => `${prefix}:seq:${account}`,
};

function subscription(id: string, node: string, expiresAt: number): EventSubscription {
  return {
    id,
    event: 'dialog',
    extension: '201',
    account: 'sip:201@pbx.test',
    callId: id,
    localTag: 'l',
    remoteTag: 'r',
    localHeader: '<sip:201@pbx.test>;tag=l',
    remoteHeader: '<sip:100@pbx.test>;tag=r',
    remoteTarget: 'sip:100@127.0.0.1:5070',
    routeSet: [],
    localContact: 'sip:201@127.0.0.1:5060',
    destination: { host: '127.0.0.1', port: 5070, protocol: 'UDP' },
    remoteSeq: 1,
    expiresAt,
    createdAt: 0,
    node,
  };
}

describe('HeldSubscriptions', () => {
  it('holds an account until its last subscription is removed or expires', () => {
    const held = new HeldSubscriptions();
    expect(held.holdsAny('sip:201@pbx.test', 0)).toBe(false);
    held.add('sip:201@pbx.test', 'a', 1000);
    held.add('sip:201@pbx.test', 'b', 2000);
    expect(held.holdsAny('sip:201@pbx.test', 500)).toBe(true);
    held.remove('sip:201@pbx.test', 'b');
    expect(held.holdsAny('sip:201@pbx.test', 999)).toBe(true);
    expect(held.holdsAny('sip:201@pbx.test', 1000)).toBe(false);
    expect(held.size).toBe(0);
  });
});

describe('SubscriptionStore.holdsAny', () => {
  it('is true for what this node saved, false for another node, a removal or an unknown account', async () => {
    const now = Date.now();
    const store = new SubscriptionStore(redis, keys, 'node-a');
    await store.save(subscription('s1', 'node-a', now + 60_000), now);
    expect(store.holdsAny('sip:201@pbx.test', now)).toBe(true);
    expect(store.holdsAny('sip:202@pbx.test', now)).toBe(false);
    // A refresh accepted by another node moves the subscription there (its `node`).
    await store.save(subscription('s1', 'node-b', now + 60_000), now);
    expect(store.holdsAny('sip:201@pbx.test', now)).toBe(false);
    await store.save(subscription('s1', 'node-a', now + 60_000), now);
    await store.remove('sip:201@pbx.test', 's1');
    expect(store.holdsAny('sip:201@pbx.test', now)).toBe(false);
  });

  it('holdsNone (a dialog change is then not even parsed) until this node holds a subscription, again once removed', async () => {
    const now = Date.now();
    const store = new SubscriptionStore(redis, keys, 'node-f');
    expect(store.holdsNone()).toBe(true);
    // Another node's subscription is not held here.
    await store.save(subscription('s4', 'node-g', now + 60_000), now);
    expect(store.holdsNone()).toBe(true);
    await store.save(subscription('s5', 'node-f', now + 60_000), now);
    expect(store.holdsNone()).toBe(false);
    await store.remove('sip:201@pbx.test', 's5');
    expect(store.holdsNone()).toBe(true);
  });

  it('adopts at start what an earlier process with the same node id stored (a repeated container pid)', async () => {
    const now = Date.now();
    await new SubscriptionStore(redis, keys, 'node-c').save(subscription('s2', 'node-c', now + 60_000), now);
    await new SubscriptionStore(redis, keys, 'node-d').save(subscription('s3', 'node-d', now + 60_000), now);
    const restarted = new SubscriptionStore(redis, keys, 'node-c');
    expect(restarted.holdsAny('sip:201@pbx.test', now)).toBe(false);
    await restarted.adoptHeld(now);
    expect(restarted.holdsAny('sip:201@pbx.test', now)).toBe(true);
    const other = new SubscriptionStore(redis, keys, 'node-e');
    await other.adoptHeld(now);
    expect(other.holdsAny('sip:201@pbx.test', now)).toBe(false);
  });
});
