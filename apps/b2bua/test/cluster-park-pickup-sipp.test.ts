import { parkedCallSchema, redisKeys } from '@switchboard/live-state';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enableExtensionsPlugin, sippDial, startSipp } from './support/calls-harness.js';
import { callSuite, expectPassed } from './support/call-runner.js';
import { untilRinging } from './support/ringing-lamps.js';
import {
  freeUdpPort,
  startSignalling,
  UdpSipClient,
  type SignallingHarness,
} from './support/sip-test-kit.js';

/**
 * Park and pickup across two signalling nodes (calls/cluster/): node A (with the routing worker) and
 * node B share PostgreSQL and Redis and name each other in SWITCHBOARD_CLUSTER_PEERS. A call parked
 * or ringing on A is retrieved or picked up by a phone that dialled B: B relays the INVITE to A
 * (Switchboard-Node-Relay), A serves it from its own calls.
 */
const portA = await freeUdpPort();
const portB = await freeUdpPort();
/** A peer that is configured but not running (a dead node). */
const portDead = await freeUdpPort();
const nodeA = `127.0.0.1:${portA}`;
// sipp answers only the first challenge and only knows MD5 (startCalls sets the same for node A).
const common = { SWITCHBOARD_PARK_TIMEOUT_SECONDS: '20', SWITCHBOARD_SIP_DIGEST_ALGORITHMS: 'MD5,SHA-256' };
const suite = callSuite(
  { ...common, SWITCHBOARD_SIP_UDP_PORT: String(portA), SWITCHBOARD_CLUSTER_PEERS: `127.0.0.1:${portB}` },
  async (s) => {
    for (const n of ['202', '203']) await s.addExtension(n, `pw-${n}`);
    await s.prisma.extension.updateMany({
      where: { number: { in: ['201', '203'] } },
      data: { pickupGroups: ['sales'] },
    });
    await enableExtensionsPlugin(s, 10);
  },
);

let b: SignallingHarness;
beforeAll(async () => {
  b = await startSignalling(
    {
      ...common,
      SWITCHBOARD_SIP_UDP_PORT: String(portB),
      SWITCHBOARD_CLUSTER_PEERS: `${nodeA},127.0.0.1:${portDead}`,
      SWITCHBOARD_QUEUE_PREFIX: suite.h.config.queuePrefix,
    },
    suite.h,
  );
}, 60_000);
afterAll(async () => {
  await b.close();
});

/** `extension` dials `dialled` through node B with `scenario`. */
function dialViaB(extension: string, dialled: string, scenario: string) {
  return sippDial(b, extension, dialled, scenario);
}

/**
 * `caller` calls 201 through `pbx` (node A unless given); 201 parks the call (REFER to 700), is told
 * `slot` in the final NOTIFY and is BYEd.
 */
async function parkOn(slot: number, caller = '100', pbx: { domain: string; port: number } = suite.h) {
  const { h } = suite;
  const parker = await startSipp('park-uas-parker.xml', [
    '-key',
    'domain',
    h.domain,
    '-key',
    'target',
    '700',
    '-key',
    'rtp_port',
    String(portDead), // the announcement's RTP goes nowhere: not what this test checks
  ]);
  await h.bind('201', parker.port);
  const transferee = await startSipp(
    'transfer-uac-transferee.xml',
    ['-s', '201', '-au', caller, '-ap', `pw-${caller}`, '-key', 'domain', h.domain, '-key', 'caller', caller],
    { host: '127.0.0.1', port: pbx.port },
    `sip:201@${h.domain}`,
  );
  const parked = await parker.done;
  if (parked.code !== 0) transferee.kill();
  expectPassed(parked);
  expect(parked.messages).toMatch(new RegExp(`SIP/2\\.0 200 Parked at ${slot}\\b`));
  return transferee;
}

/**
 * 100 calls 201 on node A (201 rings and expects CANCEL with cause=200); `picker` dials `code` on
 * node B, gets the call and hangs up; every sipp passes.
 */
async function pickUpViaB(picker: string, code: string): Promise<void> {
  const phone = await startSipp('call-uas-ring-elsewhere.xml', []);
  await suite.h.bind('201', phone.port);
  const calling = await sippDial(suite.h, '100', '201', 'call-uac-callee-hangup.xml');
  await untilRinging(suite.h.redis, '201');
  const picking = await dialViaB(picker, code, 'call-uac-basic.xml');
  expectPassed(await picking.done);
  expectPassed(await phone.done);
  expectPassed(await calling.done);
}

describe('park and pickup across signalling nodes', () => {
  it('a call parked on A is retrieved by 202 dialling 701 on B; the slot names A; then 701 on B is empty (404)', async () => {
    const caller = await parkOn(701);
    const shown = parkedCallSchema.parse(
      JSON.parse((await suite.h.redis.hget(redisKeys.parkedCalls, '701')) ?? '{}'),
    );
    expect(shown).toMatchObject({ slot: 701, parked: '100', sipNode: nodeA });
    const retriever = await dialViaB('202', '701', 'call-uac-callee-hangup.xml');
    expectPassed(await retriever.done);
    expectPassed(await caller.done); // 100 was re-INVITEd with 202's offer (through B), then hung up
    expect(await suite.h.redis.hexists(redisKeys.parkedCalls, '701')).toBe(0);
    // B's record: 202's call, answered through A; A's: the retrieval of the parked 100.
    await expect
      .poll(() => suite.h.prisma.callRecord.count({ where: { calleeNumber: '701' } }), { timeout: 10_000 })
      .toBe(2);
    const retrievals = await suite.h.prisma.callRecord.findMany({ where: { calleeNumber: '701' } });
    expect(retrievals.map((r) => r.answeredBy).sort()).toEqual(['100', `node:${nodeA}`]);
    for (const r of retrievals) expect(r).toMatchObject({ callerNumber: '202', disposition: 'answered' });
    const again = await dialViaB('203', '701', 'park-uac-empty-slot.xml');
    const emptied = await again.done;
    expectPassed(emptied);
    expect(emptied.messages).toMatch(/SIP\/2.0 404 No Call Parked Here/);
  });

  it('one call parked on each node gets its own slot (701 on A, 702 on B), each retrieved via the other node', async () => {
    const onA = await parkOn(701);
    const onB = await parkOn(702, '203', b);
    const holders = await suite.h.redis.hgetall(redisKeys.parkedCalls);
    expect(
      Object.values(holders).map((raw) => {
        const { slot, parked, sipNode } = parkedCallSchema.parse(JSON.parse(raw));
        return { slot, parked, sipNode };
      }),
    ).toEqual(
      expect.arrayContaining([
        { slot: 701, parked: '100', sipNode: nodeA },
        { slot: 702, parked: '203', sipNode: `127.0.0.1:${portB}` },
      ]),
    );
    const fromB = await dialViaB('202', '701', 'call-uac-callee-hangup.xml');
    expectPassed(await fromB.done);
    expectPassed(await onA.done);
    const fromA = await sippDial(suite.h, '202', '702', 'call-uac-callee-hangup.xml');
    expectPassed(await fromA.done);
    expectPassed(await onB.done);
    expect(await suite.h.redis.hlen(redisKeys.parkedCalls)).toBe(0);
  });

  it('a slot held by a peer that does not answer (dead node) gives 480 within the relay bound', async () => {
    await suite.h.redis.hset(
      redisKeys.parkedCalls,
      '703',
      JSON.stringify({
        slot: 703,
        parked: '100',
        parker: '201',
        since: Date.now(),
        timeoutAt: Date.now() + 60_000,
        call: 'dead-call',
        sipNode: `127.0.0.1:${portDead}`,
      }),
    );
    try {
      const started = Date.now();
      const retriever = await dialViaB('202', '703', 'park-uac-empty-slot.xml');
      const result = await retriever.done;
      expectPassed(result);
      expect(result.messages).toMatch(/SIP\/2.0 480 Holding Node Not Answering/);
      expect(Date.now() - started).toBeLessThan(14_000);
    } finally {
      await suite.h.redis.hdel(redisKeys.parkedCalls, '703');
    }
  });

  it('the relay marker is no bypass from anywhere but a peer: a stranger asserting 202 is challenged (407)', async () => {
    const stranger = await new UdpSipClient({ host: '127.0.0.1', port: suite.h.port }).open();
    try {
      const answer = await stranger.request({
        method: 'INVITE',
        uri: `sip:701@${suite.h.domain}`,
        from: `<sip:202@${suite.h.domain}>;tag=stranger`,
        to: `<sip:701@${suite.h.domain}>`,
        headers: [
          ['Switchboard-Node-Relay', 'park'],
          ['P-Asserted-Identity', `<sip:202@${suite.h.domain}>`],
          ['Contact', `<sip:202@127.0.0.1:${stranger.port}>`],
        ],
      });
      expect(answer.status).toBe(407);
    } finally {
      stranger.close();
    }
  });

  it('directed pickup across nodes: 100 calls 201 on A, 202 dials **201 on B and gets the call (CANCEL cause=200 to 201)', async () => {
    await pickUpViaB('202', '**201');
    await expect
      .poll(() => suite.h.prisma.callRecord.count({ where: { calleeNumber: '201' } }), { timeout: 10_000 })
      .toBe(1);
    const picked = await suite.h.prisma.callRecord.findFirstOrThrow({ where: { calleeNumber: '201' } });
    expect(picked).toMatchObject({ callerNumber: '100', answeredBy: '202', disposition: 'answered' });
    expect(picked.transfers).toMatchObject([
      { transferor: 'directed pickup', transferee: '100', target: '202', status: 200 },
    ]);
    await suite.run.expectNoLiveCalls();
  });

  it('group pickup across nodes: 203 (group sales) dials *8 on B while 201 rings on A', async () => {
    await pickUpViaB('203', '*8');
    await expect
      .poll(
        async () =>
          (await suite.h.prisma.callRecord.findFirst({ where: { calleeNumber: '201' } }))?.answeredBy,
        { timeout: 10_000 },
      )
      .toBe('203');
    await suite.run.expectNoLiveCalls();
  });
});
