import { createSocket } from 'node:dgram';
import { parkedCallSchema, redisKeys } from '@switchboard/live-state';
import { describe, expect, it, vi } from 'vitest';
import { enableExtensionsPlugin, startSipp } from './support/calls-harness.js';
import { callSuite, expectPassed } from './support/call-runner.js';

/**
 * Call park (test/sipp/park-*.xml): 100 calls 201, 201 transfers the call (REFER) to the park number
 * 700, the call waits in slot 701; 202 dials 701 and gets it, or after SWITCHBOARD_PARK_TIMEOUT_SECONDS
 * the parked call rings 201 again through the routing plugins.
 */
// Long enough for the parker to hear its slot and the retriever to dial it on a loaded machine.
const PARK_TIMEOUT_SECONDS = 8;
const suite = callSuite({ SWITCHBOARD_PARK_TIMEOUT_SECONDS: String(PARK_TIMEOUT_SECONDS) }, async (s) => {
  await s.addExtension('202', 'pw-202');
  await enableExtensionsPlugin(s);
});

/** RTP the PBX sends to the parker: PCMU packets (payload type 0) counted on a socket of the test. */
async function rtpListener() {
  const socket = createSocket('udp4');
  let pcmu = 0;
  socket.on('message', (packet) => {
    if (packet.length === 12 + 160 && (packet[1] ?? 0) % 128 === 0) pcmu += 1;
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { port: socket.address().port, packets: () => pcmu, close: () => socket.close() };
}

/**
 * 100 calls 201, 201 parks the call and hears the slot ("seven zero one": about 1.6 s of 20 ms PCMU
 * packets before the final NOTIFY); resolves once the parker's sipp is done (BYEd by the PBX).
 */
async function parkedCall() {
  const { h } = suite;
  const rtp = await rtpListener();
  const parker = await startSipp('park-uas-parker.xml', [
    '-key',
    'domain',
    h.domain,
    '-key',
    'target',
    '700',
    '-key',
    'rtp_port',
    String(rtp.port),
  ]);
  await h.bind('201', parker.port);
  const caller = await startSipp(
    'transfer-uac-transferee.xml',
    ['-s', '201', '-au', '100', '-ap', 'pw-100', '-key', 'domain', h.domain, '-key', 'caller', '100'],
    { host: '127.0.0.1', port: h.port },
    `sip:201@${h.domain}`,
  );
  const parked = await parker.done;
  rtp.close();
  if (parked.code !== 0) caller.kill();
  expectPassed(parked);
  expect(parked.messages).toMatch(/SIP\/2\.0 200 Parked at 701\b/); // the first slot of an empty lot
  expect(rtp.packets()).toBeGreaterThanOrEqual(60);
  return caller;
}

async function records() {
  return suite.h.prisma.callRecord.findMany({ orderBy: { startedAt: 'asc' } });
}

describe('call park (sipp)', () => {
  it('park: 202, NOTIFY 200 "Parked at 701", parker BYEd; 202 dials 701: the parked caller is re-INVITEd with its offer, 202 gets the answer; both records; the slot lamp and the Live page', async () => {
    // 202 watches slot 701's lamp (RFC 4235): empty, confirmed while parked, terminated once retrieved.
    const slotAccount = `sip:701@${suite.h.domain}`;
    const watcher = await startSipp(
      'park-slot-subscribe.xml',
      [
        '-s',
        '202',
        '-au',
        '202',
        '-ap',
        'pw-202',
        '-key',
        'domain',
        suite.h.domain,
        '-key',
        'watched',
        '701',
      ],
      { host: '127.0.0.1', port: suite.h.port },
      slotAccount,
    );
    await vi.waitFor(
      async () => expect(await suite.h.redis.hvals(redisKeys.dialogNotifySeq(slotAccount))).toEqual(['1']),
      { timeout: 10_000, interval: 50 },
    );
    const caller = await parkedCall();
    // The admin Live page's view of the slot (sb:parked), written by the process holding the call.
    const shown = parkedCallSchema.parse(
      JSON.parse((await suite.h.redis.hget(redisKeys.parkedCalls, '701')) ?? '{}'),
    );
    expect(shown).toMatchObject({ slot: 701, parked: '100', parker: '201' });
    expect(shown.timeoutAt - shown.since).toBe(PARK_TIMEOUT_SECONDS * 1000);
    const retriever = await startSipp(
      'call-uac-callee-hangup.xml',
      ['-s', '701', '-au', '202', '-ap', 'pw-202', '-key', 'domain', suite.h.domain, '-key', 'caller', '202'],
      { host: '127.0.0.1', port: suite.h.port },
      `sip:701@${suite.h.domain}`,
    );
    expectPassed(await caller.done);
    expectPassed(await retriever.done);
    const watched = await watcher.done;
    expectPassed(watched);
    // One body per NOTIFY version (sipp's trace also logs a NOTIFY the PBX retransmitted over UDP).
    const bodies = [
      ...new Set([...watched.messages.matchAll(/<dialog-info[\s\S]*?<\/dialog-info>/g)].map((m) => m[0])),
    ];
    expect(bodies, bodies.join('\n----\n')).toHaveLength(4);
    expect(bodies[0]).not.toContain('<dialog ');
    expect(bodies[1]).toMatch(/<state>confirmed<\/state>[\s\S]*<identity display="Ext 100">sip:100@/);
    expect(bodies[2]).toMatch(/<state>terminated<\/state>/);
    expect(await suite.h.redis.hexists(redisKeys.parkedCalls, '701')).toBe(0);
    await expect.poll(async () => (await records()).length, { timeout: 10_000 }).toBe(2);
    const [original, retrieval] = await records();
    expect(original).toMatchObject({ callerNumber: '100', calleeNumber: '201', disposition: 'answered' });
    expect(original?.hangupCause).toMatch(/parked at 701, retrieved by 202/);
    expect(original?.transfers).toMatchObject([
      { transferor: '201', transferee: '100', target: 'park 701', status: 200 },
      { transferor: 'park 701', transferee: '100', target: '202', status: 200 },
    ]);
    expect(retrieval).toMatchObject({
      callerNumber: '202',
      calleeNumber: '701',
      answeredBy: '100',
      disposition: 'answered',
    });
    await suite.run.expectNoLiveCalls();
  });

  it('an empty slot answers 404, the park number dialled alone 403; a parked call nobody takes rings the parker again after the timeout', async () => {
    const empty = await startSipp(
      'park-uac-empty-slot.xml',
      ['-s', '702', '-au', '202', '-ap', 'pw-202', '-key', 'domain', suite.h.domain, '-key', 'caller', '202'],
      { host: '127.0.0.1', port: suite.h.port },
      `sip:702@${suite.h.domain}`,
    );
    // The park number dialled with no call to park: refused, saying how parking works.
    const parkNumber = await startSipp(
      'park-uac-empty-slot.xml',
      ['-s', '700', '-au', '202', '-ap', 'pw-202', '-key', 'domain', suite.h.domain, '-key', 'caller', '202'],
      { host: '127.0.0.1', port: suite.h.port },
      `sip:700@${suite.h.domain}`,
    );
    // The park timer runs from the REFER: the announcement is part of the parked time.
    const parkedAt = Date.now();
    const caller = await parkedCall();
    const again = await startSipp('park-uas-parker-rung-again.xml', []);
    await suite.h.unbindAll('201');
    await suite.h.bind('201', again.port);
    expectPassed(await again.done);
    expect(Date.now() - parkedAt).toBeGreaterThanOrEqual(PARK_TIMEOUT_SECONDS * 1000 - 500);
    expectPassed(await caller.done);
    const emptyResult = await empty.done;
    expect(emptyResult.messages).toMatch(/SIP\/2.0 404 No Call Parked Here/);
    const parkNumberResult = await parkNumber.done;
    expectPassed(parkNumberResult);
    expect(parkNumberResult.messages).toMatch(/SIP\/2.0 403 Nothing To Park: Transfer A Call To 700/);
    await expect
      .poll(async () => (await records()).find((r) => r.calleeNumber === '201')?.transfers, {
        timeout: 10_000,
      })
      .toMatchObject([
        { transferor: '201', target: 'park 701', status: 200 },
        { transferor: 'park timeout', transferee: '100', target: '201', status: 200 },
      ]);
    await suite.run.expectNoLiveCalls();
  });

  it('a failed slot claim (Redis error) is a 500 failure NOTIFY and the call stays', async () => {
    const { h } = suite;
    await h.redis.set(redisKeys.parkedCalls, 'not a hash'); // the claim script fails: WRONGTYPE
    try {
      const r = await suite.run.call('201', 'transfer-uac-stays.xml', [
        {
          scenario: 'park-uas-parker-claim-fails.xml',
          args: ['-key', 'domain', h.domain, '-key', 'target', '700'],
        },
      ]);
      expectPassed(r.caller);
      r.callees.forEach(expectPassed);
    } finally {
      await h.redis.del(redisKeys.parkedCalls);
    }
    const record = await suite.run.onlyRecord();
    expect(record).toMatchObject({ answeredBy: '201', disposition: 'answered', hangupSide: 'caller' });
    expect(record.transfers).toMatchObject([
      { transferor: '201', transferee: '100', target: '700', status: 500 },
    ]);
    await suite.run.expectNoLiveCalls();
  });
});
