import { NgClient, NgError, type NgQueryResult } from '@switchboard/rtpengine';
import { SystemClock } from '@switchboard/transactions';
import { redisKeys } from '@switchboard/live-state';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RtpScript } from './fixtures/voicemail-rtp-script.js';
import { enableExtensionsPlugin, startSipp, type SippProcess } from './support/calls-harness.js';
import { callSuite, expectPassed, recordsInOrder, type SippResult } from './support/call-runner.js';
import { NgFaultProxy } from './support/ng-fault-proxy.js';
import { freeUdpPort } from './support/sip-test-kit.js';
import { rtpengineAvailable, relayEnv, testRtpengine, type TestRtpengine } from './support/test-rtpengine.js';

/**
 * The take-over paths keep the media anchor on a relay-mode PBX (issue #19): park retrieval, attended
 * transfer (REFER with Replaces) and INVITE with Replaces. Each phone's SDP from the PBX carries
 * rtpengine's ports, never another phone's; a retrieved parked party and its retriever exchange RTP
 * through rtpengine; every rtpengine session of the calls is gone once they end. The PBX reaches
 * rtpengine through NgFaultProxy, which refuses chosen offers: the take-over then goes direct
 * (SWITCHBOARD_MEDIA_FALLBACK direct), the phones still get their answers and nothing is left in rtpengine.
 */
const env: Record<string, string> = {};
let rtpengine: TestRtpengine | undefined;
let proxy: NgFaultProxy | undefined;

beforeAll(async () => {
  if (!rtpengineAvailable) return;
  rtpengine = await testRtpengine({ min: 46900, max: 46999 });
  proxy = await NgFaultProxy.start({ address: rtpengine.address, port: rtpengine.ngPort });
  Object.assign(env, relayEnv(rtpengine), { SWITCHBOARD_RTPENGINE_NG_PORT: String(proxy.port) });
}, 20_000);
afterAll(async () => {
  proxy?.close();
  await rtpengine?.stop();
});

// Filled by the hook above, which runs before the harness starts (hooks run in order).
const suite = callSuite(env, async (s) => {
  for (const n of ['202', '203']) await s.addExtension(n, `pw-${n}`);
  await enableExtensionsPlugin(s, 10);
});
const evenPort = async (): Promise<number> => (await freeUdpPort()) & ~1;
const records = (count: number) => recordsInOrder(suite.h, count);

function ng(): NgClient {
  return new NgClient({ address: rtpengine!.address, port: rtpengine!.ngPort, clock: new SystemClock() });
}

/** Media ports of the SDP bodies in a sipp's message trace (its own and the ones it received). */
function mediaPorts(r: SippResult): number[] {
  return [...r.messages.matchAll(/^\s*m=audio (\d+) /gm)].map((m) => Number(m[1]));
}

function inRelayRange(port: number): boolean {
  return rtpengine !== undefined && port >= rtpengine.portMin && port <= rtpengine.portMax;
}

/** Every SDP the phone got names rtpengine's ports (at least one), never one of `others`. */
function expectAnchored(r: SippResult, own: number, others: number[]): void {
  const got = mediaPorts(r).filter((p) => p !== own);
  expect(got.length, r.messages).toBeGreaterThan(0);
  expect(got.every(inRelayRange), r.messages).toBe(true);
  for (const o of others) expect(got, r.messages).not.toContain(o);
}

/** rtpengine no longer knows these calls (their sessions were deleted). */
async function expectNoSessions(ids: string[]): Promise<void> {
  const client = ng();
  try {
    for (const id of ids) {
      const left = await client.query({ callId: id }).then(
        () => 'still there',
        (err: unknown) => (err instanceof NgError && err.code === 'rejected' ? 'gone' : String(err)),
      );
      expect(left, `rtpengine call ${id}`).toBe('gone');
    }
  } finally {
    client.close();
  }
}

/** RTP packets rtpengine received per tag of `callId`, once two tags sent 50 (1 s). */
async function packetsPerTag(callId: string): Promise<Map<string, number>> {
  const client = ng();
  const perTag = (q: NgQueryResult) =>
    new Map(
      [...q.tags].map(([tag, medias]) => [
        tag,
        medias.flatMap((m) => m.streams).reduce((n, st) => n + st.stats.packets, 0),
      ]),
    );
  let last = new Map<string, number>();
  try {
    await expect
      .poll(
        async () => {
          last = perTag(await client.query({ callId }));
          return [...last.values()].filter((n) => n >= 50).length;
        },
        { timeout: 6000, interval: 200 },
      )
      .toBeGreaterThanOrEqual(2);
  } finally {
    client.close();
  }
  return last;
}

/** `caller` (password pw-<caller>) dials `dialled` with `scenario`. */
function phone(
  scenario: string,
  caller: string,
  dialled: string,
  more: string[] = [],
  files: Record<string, Uint8Array> = {},
): Promise<SippProcess> {
  const { h } = suite;
  return startSipp(
    scenario,
    [
      ...['-s', dialled, '-au', caller, '-ap', `pw-${caller}`],
      ...['-key', 'domain', h.domain, '-key', 'caller', caller],
      ...more,
    ],
    { host: '127.0.0.1', port: h.port },
    `sip:${dialled}@${h.domain}`,
    files,
  );
}

/** 100 (media port `parkedPort`, echoing RTP) calls 201, which parks it at 701 and is BYEd. */
async function parked(parkedPort: number, more: string[] = []): Promise<SippProcess> {
  const { h } = suite;
  const parker = await startSipp('park-uas-parker.xml', [
    ...['-key', 'domain', h.domain, '-key', 'target', '700'],
    ...['-key', 'rtp_port', String(await freeUdpPort())],
  ]);
  await h.unbindAll('201');
  await h.bind('201', parker.port);
  const caller = await phone('park-uac-parked-stays.xml', '100', '201', [
    ...['-mp', String(parkedPort), '-rtp_echo'],
    ...more,
  ]);
  const parkerRun = await parker.done;
  if (parkerRun.code !== 0) caller.kill();
  expectPassed(parkerRun);
  return caller;
}

/** 202 dials 701 and talks (a 2 s tone from `retrieverPort`), then hangs up. */
async function retrieve(retrieverPort: number): Promise<SippProcess> {
  const talk = new RtpScript(7).tone(2000, 440, 12000).toPcap();
  return phone('rec-uac-talk.xml', '202', '701', ['-mp', String(retrieverPort)], { 'talk.pcap': talk });
}

/** 100 (port `transfereePort`) calls 201; 202 (`targetPort`) calls 201; 201 joins them (REFER with Replaces). */
async function attendedTransfer(transfereePort: number, targetPort: number, targetCallId = 'attx-target-%u') {
  const { h } = suite;
  const transferor = await startSipp('attx-uas-transferor.xml', [
    ...['-m', '2', '-key', 'domain', h.domain, '-key', 'target', '202'],
  ]);
  await h.unbindAll('201');
  await h.bind('201', transferor.port);
  const transferee = await phone('attx-uac-transferee.xml', '100', '201', ['-mp', String(transfereePort)]);
  const target = await phone('attx-uac-target.xml', '202', '201', [
    ...['-mp', String(targetPort), '-cid_str', targetCallId],
  ]);
  const runs = await Promise.all([transferee.done, target.done]);
  if (runs.some((r) => r.code !== 0)) transferor.kill();
  runs.forEach(expectPassed);
  expectPassed(await transferor.done);
  return { transferee: runs[0], target: runs[1] };
}

describe.skipIf(!rtpengineAvailable)('take-overs keep the media anchor (sipp + rtpengine)', () => {
  it("park retrieval: the parked caller is re-INVITEd with rtpengine's offer, the retriever answered from rtpengine; RTP crosses it both ways; no session left", async () => {
    const { h } = suite;
    const parkedPort = await evenPort();
    const caller = await parked(parkedPort);
    const [parkedCall] = await h.redis.zrange(redisKeys.calls, 0, -1);
    const retrieverPort = await evenPort();
    const retriever = await retrieve(retrieverPort);
    await expect
      .poll(async () => (await h.redis.zrange(redisKeys.calls, 0, -1)).filter((id) => id !== parkedCall), {
        timeout: 10_000,
      })
      .toHaveLength(1);
    const [retrieval] = (await h.redis.zrange(redisKeys.calls, 0, -1)).filter((id) => id !== parkedCall);
    // The retriever's tone reaches rtpengine from 202, and 100's echo of it from 100's leg.
    const packets = await packetsPerTag(retrieval!);
    const shown = JSON.stringify([...packets]);
    expect([...packets.keys()], shown).toContain('caller');
    expect(
      [...packets.values()].filter((n) => n >= 50),
      shown,
    ).toHaveLength(2);
    const [callerRun, retrieverRun] = await Promise.all([caller.done, retriever.done]);
    expectPassed(callerRun);
    expectPassed(retrieverRun);
    expectAnchored(callerRun, parkedPort, [retrieverPort]);
    expectAnchored(retrieverRun, retrieverPort, [parkedPort]);
    const [original, retrieved] = await records(2);
    expect(retrieved).toMatchObject({ callerNumber: '202', answeredBy: '100', disposition: 'answered' });
    await expectNoSessions([original!.id, retrieved!.id]);
    await suite.run.expectNoLiveCalls();
  });

  it("attended transfer: the target's offer reaches the transferee from rtpengine and the transferee's answer the target; no session left", async () => {
    const transfereePort = await evenPort();
    const targetPort = await evenPort();
    const runs = await attendedTransfer(transfereePort, targetPort);
    expectAnchored(runs.transferee, transfereePort, [targetPort]);
    expectAnchored(runs.target, targetPort, [transfereePort]);
    const [a, b] = await records(2);
    expect(a!.transfers).toMatchObject([{ transferor: '201', target: '202', status: 200, kind: 'attended' }]);
    await expectNoSessions([a!.id, b!.id]);
    await suite.run.expectNoLiveCalls();
  });

  it("INVITE with Replaces: 202 is re-INVITEd with rtpengine's offer for 201's new phone, which is answered from rtpengine; no session left", async () => {
    const { h } = suite;
    const farPort = await evenPort();
    const far = await startSipp('replaces-uas-far-party.xml', ['-mp', String(farPort)]);
    await h.unbindAll('202');
    await h.bind('202', far.port);
    const phonesPort = await evenPort();
    const phones = await phone(
      'replaces-uac-take-over.xml',
      '201',
      '202',
      [...['-m', '2', '-inf', 'roles.csv', '-cid_str', 'rep-%u-%p', '-mp', String(phonesPort)]],
      { 'roles.csv': Buffer.from('SEQUENTIAL\nold\nnew\n') },
    );
    const phonesRun = await phones.done;
    if (phonesRun.code !== 0) far.kill();
    expectPassed(phonesRun);
    const farRun = await far.done;
    expectPassed(farRun);
    expectAnchored(phonesRun, phonesPort, [farPort]);
    expectAnchored(farRun, farPort, [phonesPort]);
    const [old, taken] = await records(2);
    expect(taken!.transfers).toMatchObject([{ transferor: '201', transferee: '202', kind: 'replaces' }]);
    await expectNoSessions([old!.id, taken!.id]);
    await suite.run.expectNoLiveCalls();
  });

  it('rtpengine refuses the take-over offer: the retrieval and the attended transfer go direct, every phone is answered, no session left', async () => {
    // Park retrieval: the offer towards the parked party's leg (via-branch: its dialog's Call-ID).
    proxy!.refuseOffersWith('parked-fault-');
    const parkedPort = await evenPort();
    const caller = await parked(parkedPort, ['-cid_str', 'parked-fault-%u']);
    const retrieverPort = await evenPort();
    const retriever = await retrieve(retrieverPort);
    const [callerRun, retrieverRun] = await Promise.all([caller.done, retriever.done]);
    expectPassed(callerRun);
    expectPassed(retrieverRun);
    expect(proxy!.refusedCount).toBeGreaterThan(0);
    // Direct: the retriever's 200 carries 100's own port.
    expect(mediaPorts(retrieverRun)).toContain(parkedPort);
    const [original, retrieved] = await records(2);
    expect(retrieved).toMatchObject({ callerNumber: '202', answeredBy: '100', disposition: 'answered' });
    await expectNoSessions([original!.id, retrieved!.id]);
    await suite.run.expectNoLiveCalls();
    await suite.h.prisma.callRecord.deleteMany();

    // Attended transfer: the target's offer into call A (via-branch: its dialog's Call-ID).
    proxy!.refuseOffersWith('attx-fault-');
    const refusedBefore = proxy!.refusedCount;
    const transfereePort = await evenPort();
    const targetPort = await evenPort();
    const runs = await attendedTransfer(transfereePort, targetPort, 'attx-fault-%u');
    expect(proxy!.refusedCount).toBeGreaterThan(refusedBefore);
    expect(mediaPorts(runs.transferee)).toContain(targetPort);
    const [a, b] = await records(2);
    expect(a!.transfers).toMatchObject([{ target: '202', status: 200, kind: 'attended' }]);
    await expectNoSessions([a!.id, b!.id]);
    await suite.run.expectNoLiveCalls();
  });
});
