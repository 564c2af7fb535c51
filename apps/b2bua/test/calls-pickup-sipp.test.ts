import { redisKeys, type DialogChange, type ExtensionDialog } from '@switchboard/live-state';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enableExtensionsPlugin, sippDial, startSipp, type SippProcess } from './support/calls-harness.js';
import { untilRinging } from './support/ringing-lamps.js';
import { callSuite, expectPassed } from './support/call-runner.js';

/**
 * Call pickup (calls/pickup/): 100 calls the ring group 600 (201 and 202 ring together) or 201
 * directly; another phone dials `*8` (group pickup, SWITCHBOARD_PICKUP_GROUP_CODE) or `**201`
 * (directed pickup) and gets the call: the ringing phones get CANCEL with
 * `Reason: SIP;cause=200` (sipp checks it), the caller and the picker talk, the picker hangs up.
 * Pickup groups: 201, 202, 203 in `sales`; 204 in none; 205 opted out of directed pickup.
 */
const suite = callSuite(
  { SWITCHBOARD_PLUGINS: '@switchboard/plugin-ring-group,@switchboard/plugin-extensions' },
  async (s) => {
    for (const n of ['202', '203', '204', '205']) await s.addExtension(n, `pw-${n}`);
    await s.prisma.extension.updateMany({
      where: { number: { in: ['201', '202', '203'] } },
      data: { pickupGroups: ['sales'] },
    });
    await s.prisma.extension.update({ where: { number: '205' }, data: { directedPickup: false } });
    await enableExtensionsPlugin(s, 10);
    const members = await s.prisma.extension.findMany({ where: { number: { in: ['201', '202'] } } });
    await s.prisma.ringGroup.create({
      data: {
        number: '600',
        name: 'Sales',
        strategy: 'ringall',
        ringTimeSeconds: 10,
        fallbackKind: 'none',
        members: {
          create: members
            .sort((a, b) => a.number.localeCompare(b.number))
            .map((m, position) => ({ extensionId: m.id, position })),
        },
      },
    });
  },
);

/** Every busy-lamp change published while a test runs (RFC 4235 states per extension). */
let changes: DialogChange[] = [];
let stopWatching: (() => Promise<void>) | undefined;
beforeEach(async () => {
  changes = [];
  const sub = suite.h.redis.duplicate();
  await sub.subscribe(redisKeys.dialogChanges);
  sub.on('message', (_channel, message: string) => changes.push(...(JSON.parse(message) as DialogChange[])));
  stopWatching = async () => {
    await sub.quit();
  };
});
afterEach(async () => {
  await stopWatching?.();
  await suite.h.unbindAll('202');
});

/** The channel is server-wide: other test files' calls of the same numbers have another domain. */
function lampsOf(extension: string): ExtensionDialog[] {
  return changes
    .filter((c) => c.resource === extension && c.dialog.remote.endsWith(`@${suite.h.domain}`))
    .map((c) => c.dialog);
}

/** A sipp phone of `extension` that rings and expects CANCEL with cause=200. */
async function ringingPhone(extension: string): Promise<SippProcess> {
  const phone = await startSipp('call-uas-ring-elsewhere.xml', []);
  await suite.h.bind(extension, phone.port);
  return phone;
}

/** 100 calls `dialled` and waits for the BYE of whoever answers. */
function caller(dialled: string): Promise<SippProcess> {
  return sippDial(suite.h, '100', dialled, 'call-uac-callee-hangup.xml');
}

/** `extension` dials `code` with `scenario` (call-uac-basic: answered, then it hangs up). */
function dial(extension: string, code: string, scenario = 'call-uac-basic.xml'): Promise<SippProcess> {
  return sippDial(suite.h, extension, code, scenario);
}

async function recordOf(calleeNumber: string) {
  await expect
    .poll(() => suite.h.prisma.callRecord.count({ where: { calleeNumber } }), { timeout: 10_000 })
    .toBe(1);
  return suite.h.prisma.callRecord.findFirstOrThrow({ where: { calleeNumber } });
}

describe('call pickup (sipp)', () => {
  it('group pickup: 203 dials *8 while ring group 600 rings 201 and 202; both get CANCEL cause=200, 100 and 203 talk, 203 hangs up', async () => {
    const phones = [await ringingPhone('201'), await ringingPhone('202')];
    const calling = await caller('600');
    await untilRinging(suite.h.redis, '201', '202');
    const picker = await dial('203', '*8');
    expectPassed(await picker.done);
    for (const phone of phones) expectPassed(await phone.done);
    expectPassed(await calling.done);
    const record = await recordOf('600');
    expect(record).toMatchObject({
      callerNumber: '100',
      answeredBy: '203',
      disposition: 'answered',
      hangupSide: 'callee',
    });
    expect(record.transfers).toMatchObject([
      { transferor: 'group pickup', transferee: '100', target: '203', status: 200 },
    ]);
    // Lamps: the picker's dialog confirmed then ended by its BYE (it starts confirmed: its trying and
    // confirmed come in the same turn, one write); the rung phones' dialogs cancelled.
    await expect.poll(() => lampsOf('203').map((d) => d.state)).toEqual(['confirmed', 'terminated']);
    expect(lampsOf('203')[1]).toMatchObject({ event: 'local-bye', remote: `sip:100@${suite.h.domain}` });
    for (const ext of ['201', '202'])
      expect(lampsOf(ext).at(-1)).toMatchObject({ state: 'terminated', event: 'cancelled' });
    // The picker's INVITE never became a call of its own: one record.
    expect(await suite.h.prisma.callRecord.count()).toBe(1);
    await suite.run.expectNoLiveCalls();
  });

  it('directed pickup: 204 (in no group) dials **201 while 100 calls 201 directly', async () => {
    const phone = await ringingPhone('201');
    const calling = await caller('201');
    await untilRinging(suite.h.redis, '201');
    const picker = await dial('204', '**201');
    expectPassed(await picker.done);
    expectPassed(await phone.done);
    expectPassed(await calling.done);
    const record = await recordOf('201');
    expect(record).toMatchObject({ callerNumber: '100', answeredBy: '204', disposition: 'answered' });
    expect(record.transfers).toMatchObject([
      { transferor: 'directed pickup', transferee: '100', target: '204', status: 200 },
    ]);
    await suite.run.expectNoLiveCalls();
  });

  it('nothing ringing: *8 and **202 get 404 No Call To Pick Up', async () => {
    for (const code of ['*8', '**202']) {
      const picker = await dial('203', code, 'pickup-uac-refused.xml');
      const result = await picker.done;
      expectPassed(result);
      expect(result.messages).toMatch(/SIP\/2.0 404 No Call To Pick Up/);
    }
  });

  it('not allowed: *8 from 204 (no pickup group) and **205 (opted out) from 203 get 403', async () => {
    const group = await dial('204', '*8', 'pickup-uac-refused.xml');
    const groupResult = await group.done;
    expectPassed(groupResult);
    expect(groupResult.messages).toMatch(/SIP\/2.0 403 Not In A Pickup Group/);
    const directed = await dial('203', '**205', 'pickup-uac-refused.xml');
    const directedResult = await directed.done;
    expectPassed(directedResult);
    expect(directedResult.messages).toMatch(/SIP\/2.0 403 Pickup Not Allowed/);
  });
});
