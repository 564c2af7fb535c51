import { redisKeys, type DialogChange, type ExtensionDialog } from '@switchboard/live-state';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeDialogChanges } from '../src/lamps/dialog-change-message.js';
import { DialogStateStore } from '../src/lamps/dialog-state.store.js';
import { DialogWriteBatch } from '../src/lamps/dialog-write-batch.js';
import { requiredEnv } from './support/test-env.js';

function dialog(
  id: string,
  state: ExtensionDialog['state'],
  extra: Partial<ExtensionDialog> = {},
): ExtensionDialog {
  return { id, state, direction: 'recipient', remote: 'sip:100@pbx.test', startedAt: 1_000, ...extra };
}

/** The per-change part of the script's ARGV: [op, id, JSON] triples. */
function ops(args: readonly string[]): string[][] {
  const out: string[][] = [];
  for (let i = 3; i < args.length; i += 3) out.push(args.slice(i, i + 3));
  return out;
}

describe('DialogWriteBatch: the lamp changes of one turn, one script call', () => {
  it('keeps the last state of a dialog changed twice, at the place of its last change', () => {
    const batch = new DialogWriteBatch();
    batch.add('201', dialog('c-1', 'trying'));
    batch.add('100', dialog('c-2', 'early', { direction: 'initiator' }));
    batch.add('201', dialog('c-1', 'confirmed', { callId: 'leg-1' }));
    expect(batch.size).toBe(2);
    const { keys, args } = batch.scriptArgs(5000);
    expect(keys).toEqual([redisKeys.extensionDialogs('100'), redisKeys.extensionDialogs('201')]);
    expect(args.slice(0, 2)).toEqual(['5000', redisKeys.dialogChanges]);
    const message = JSON.parse(args[2] ?? '') as DialogChange[];
    expect(message.map((c) => [c.resource, c.dialog.id, c.dialog.state])).toEqual([
      ['100', 'c-2', 'early'],
      ['201', 'c-1', 'confirmed'],
    ]);
    expect(message[1]?.dialog.callId).toBe('leg-1');
    // The hash gets the same JSON the message carries (stringified once).
    expect(ops(args)).toEqual([
      ['s', 'c-2', JSON.stringify(message[0]?.dialog)],
      ['s', 'c-1', JSON.stringify(message[1]?.dialog)],
    ]);
  });

  it('one dialog per resource: the same id under two resources stays two changes', () => {
    const batch = new DialogWriteBatch();
    batch.add('201', dialog('c-1', 'early'));
    batch.add('202', dialog('c-1', 'early'));
    expect(batch.size).toBe(2);
  });

  it('a dialog tried and terminated in one turn is only deleted (and published terminated)', () => {
    const batch = new DialogWriteBatch();
    batch.add('202', dialog('c-3', 'trying'));
    batch.add('202', dialog('c-3', 'terminated', { event: 'cancelled', code: 487 }));
    const { args } = batch.scriptArgs(5000);
    expect(ops(args)).toEqual([['d', 'c-3', '']]);
    expect(JSON.parse(args[2] ?? '')).toEqual([
      { resource: '202', dialog: dialog('c-3', 'terminated', { event: 'cancelled', code: 487 }) },
    ]);
  });
});

describe('decodeDialogChanges: only what a local subscription watches is validated', () => {
  const wanted = (resource: string): boolean => resource === '201';

  it('reads a batch message and a lone change (older publisher), dropping unwatched resources', () => {
    const early = dialog('c-1', 'early');
    const batch = JSON.stringify([
      { resource: '201', dialog: early },
      { resource: '202', dialog: { nonsense: true } },
    ]);
    expect(decodeDialogChanges(batch, wanted)).toEqual({
      changes: [{ resource: '201', dialog: early }],
      malformed: false,
    });
    expect(decodeDialogChanges(JSON.stringify({ resource: '201', dialog: early }), wanted)).toEqual({
      changes: [{ resource: '201', dialog: early }],
      malformed: false,
    });
  });

  it('flags unreadable text, entries without a resource and invalid changes of watched resources', () => {
    expect(decodeDialogChanges('{nope', wanted)).toEqual({ changes: [], malformed: true });
    expect(decodeDialogChanges('[{"dialog":{}}]', wanted).malformed).toBe(true);
    const bad = decodeDialogChanges(
      JSON.stringify([
        { resource: '201', dialog: { ...dialog('c-1', 'early'), state: 'ringing' } },
        { resource: '201', dialog: dialog('c-2', 'trying') },
      ]),
      wanted,
    );
    expect(bad.malformed).toBe(true);
    expect(bad.changes.map((c) => c.dialog.id)).toEqual(['c-2']);
  });
});

// Database 9 of its own for the hashes; the channel is server-wide, so resources are this file's own.
describe('DialogStateStore against Redis', () => {
  let redis: Redis;
  let listener: Redis;
  const messages: DialogChange[][] = [];
  const A = 'wb-a';
  const B = 'wb-b';

  beforeAll(async () => {
    redis = new Redis(`${requiredEnv('REDIS_URL')}/9`, { enableAutoPipelining: true });
    listener = new Redis(requiredEnv('REDIS_URL'));
    await listener.subscribe(redisKeys.dialogChanges);
    listener.on('message', (_channel: string, text: string) => {
      const batch = JSON.parse(text) as DialogChange[];
      if (batch.some((c) => c.resource === A || c.resource === B)) messages.push(batch);
    });
  });

  afterAll(async () => {
    await redis.del(redisKeys.extensionDialogs(A), redisKeys.extensionDialogs(B));
    redis.disconnect();
    listener.disconnect();
  });

  it('writes the changes of one turn in one call: hashes, TTL pushed by a new dialog, one message', async () => {
    let flushes: Array<() => void> = [];
    const store = new DialogStateStore(redis, { schedule: (flush) => void flushes.push(flush) });
    const runTurn = async (writes: Array<Promise<void>>): Promise<void> => {
      expect(flushes).toHaveLength(1);
      const [flush] = flushes;
      flushes = [];
      flush?.();
      await Promise.all(writes);
    };

    // Turn 1: both dialogs start; nothing reaches Redis before the turn is over.
    const turn1 = [store.write(A, dialog('c-1', 'trying')), store.write(B, dialog('c-2', 'trying'))];
    expect(await redis.exists(redisKeys.extensionDialogs(A))).toBe(0);
    await runTurn(turn1);
    expect((await store.dialogs(A)).map((d) => d.state)).toEqual(['trying']);
    expect(await redis.pttl(redisKeys.extensionDialogs(A))).toBeGreaterThan(23 * 3600 * 1000);

    // Turn 2: A early (no new dialog: the TTL stays as it is), B early → confirmed coalesced, and a
    // second dialog of B (new: its TTL is pushed).
    await redis.pexpire(redisKeys.extensionDialogs(A), 60_000);
    await redis.pexpire(redisKeys.extensionDialogs(B), 60_000);
    await runTurn([
      store.write(A, dialog('c-1', 'early', { callId: 'leg-1' })),
      store.write(B, dialog('c-2', 'early')),
      store.write(B, dialog('c-2', 'confirmed')),
      store.write(B, dialog('c-4', 'trying', { startedAt: 2_000 })),
    ]);
    expect(await store.dialogs(A)).toEqual([dialog('c-1', 'early', { callId: 'leg-1' })]);
    expect(await redis.pttl(redisKeys.extensionDialogs(A))).toBeLessThanOrEqual(60_000);
    expect((await store.dialogs(B)).map((d) => `${d.id}:${d.state}`)).toEqual([
      'c-2:confirmed',
      'c-4:trying',
    ]);
    expect(await redis.pttl(redisKeys.extensionDialogs(B))).toBeGreaterThan(23 * 3600 * 1000);

    // Turn 3: both end; the hashes empty (gone).
    await runTurn([
      store.write(A, dialog('c-1', 'terminated', { event: 'cancelled', code: 487 })),
      store.write(B, dialog('c-2', 'terminated', { event: 'local-bye' })),
      store.write(B, dialog('c-4', 'terminated', { event: 'rejected', code: 486 })),
    ]);
    expect(await redis.exists(redisKeys.extensionDialogs(A), redisKeys.extensionDialogs(B))).toBe(0);

    // One message per turn, each change once, in order.
    await expect.poll(() => messages.length).toBe(3);
    expect(messages.map((m) => m.map((c) => `${c.resource}:${c.dialog.state}`))).toEqual([
      [`${A}:trying`, `${B}:trying`],
      [`${A}:early`, `${B}:confirmed`, `${B}:trying`],
      [`${A}:terminated`, `${B}:terminated`, `${B}:terminated`],
    ]);
  });

  it('a failed write rejects every write of its batch', async () => {
    const broken = new Redis(`${requiredEnv('REDIS_URL')}/9`, { lazyConnect: true, maxRetriesPerRequest: 0 });
    broken.disconnect();
    const store = new DialogStateStore(broken, { schedule: queueMicrotask });
    await expect(store.write(A, dialog('c-9', 'trying'))).rejects.toThrow();
  });
});
