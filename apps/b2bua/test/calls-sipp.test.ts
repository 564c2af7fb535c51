import { redisKeys } from '@switchboard/live-state';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type CallsHarness,
  killAllSipp,
  startCalls,
  startSipp,
  seedExtensions,
} from './support/calls-harness.js';

/**
 * Calls through the real signalling role (in-process, UDP loopback) with a routing worker, real
 * Redis and PostgreSQL, and sipp as caller and callees. Scenarios are in test/sipp/call-*.xml.
 */
let h: CallsHarness;
vi.setConfig({ testTimeout: 40_000 });

beforeAll(async () => {
  h = await startCalls({}, seedExtensions(['100', '201', '202', '203']));
}, 60_000);

afterAll(async () => {
  killAllSipp();
  await h?.close();
});

beforeEach(async () => {
  testStart = new Date();
  await h.prisma.callRecord.deleteMany();
  for (const ext of ['201', '202', '203']) await h.unbindAll(ext);
});

function callerArgs(dialled: string): string[] {
  return ['-s', dialled, '-au', '100', '-ap', 'pw-100', '-key', 'domain', h.domain, '-key', 'caller', '100'];
}

async function call(dialled: string, uac: string, uas: string[] = [], ext = dialled) {
  const callees = [];
  for (const scenario of uas) {
    const p = await startSipp(scenario, []);
    await h.bind(ext, p.port);
    callees.push(p);
  }
  const caller = await startSipp(
    uac,
    callerArgs(dialled),
    { host: '127.0.0.1', port: h.port },
    `sip:${dialled}@${h.domain}`,
  );
  const callerResult = await caller.done;
  if (callerResult.code !== 0) for (const c of callees) c.kill();
  const calleeResults = await Promise.all(callees.map((c) => c.done));
  return { caller: callerResult, callees: calleeResults };
}

let testStart = new Date();

/** The one record of this test's call (records of earlier tests may still be arriving). */
async function onlyRecord() {
  return vi.waitFor(
    async () => {
      const rows = await h.prisma.callRecord.findMany({ where: { startedAt: { gte: testStart } } });
      if (rows.length !== 1) throw new Error(`expected one call record, found ${rows.length}`);
      return rows[0]!;
    },
    { timeout: 10_000, interval: 50 },
  );
}

async function expectNoLiveCalls(): Promise<void> {
  await vi.waitFor(
    async () => {
      expect(await h.redis.zcard(redisKeys.calls)).toBe(0);
      expect(await h.redis.zcard(redisKeys.extensionCalls('100'))).toBe(0);
    },
    { timeout: 5000, interval: 50 },
  );
}

function expectPassed(r: { code: number | null; output: string }): void {
  expect(r.code, r.output).toBe(0);
}

describe('calls through the B2BUA (sipp)', () => {
  it('basic call: 407, 180, 200, ACK on both legs, caller hangs up; record answered by caller', async () => {
    const r = await call('201', 'call-uac-basic.xml', ['call-uas-answer.xml']);
    expectPassed(r.caller);
    r.callees.forEach(expectPassed);
    const rec = await onlyRecord();
    expect(rec).toMatchObject({
      callerNumber: '100',
      callerName: 'Ext 100', // from the extension's record, not the phone's From
      calleeNumber: '201',
      answeredBy: '201',
      disposition: 'answered',
      hangupSide: 'caller',
    });
    expect(rec.answeredAt!.getTime()).toBeGreaterThanOrEqual(rec.ringingAt!.getTime());
    expect(rec.endedAt!.getTime()).toBeGreaterThan(rec.answeredAt!.getTime());
    expect(rec.legs).toMatchObject([{ answered: true, status: 200 }]);
    await expectNoLiveCalls();
  });

  it("caller identity is the authenticated extension (From and P-Asserted-Identity), not the phone's From", async () => {
    // The phone authenticates as 100 but claims to be "The Boss" <sip:999@…> in From.
    const r = await call('201', 'call-uac-spoofed-from.xml', ['call-uas-check-identity.xml']);
    expectPassed(r.caller);
    r.callees.forEach(expectPassed);
    expect(await onlyRecord()).toMatchObject({
      callerNumber: '100',
      callerName: 'Ext 100',
      answeredBy: '201',
    });
    await expectNoLiveCalls();
  });

  it('the callee hangs up: BYE relayed to the caller; record hang-up side callee', async () => {
    const r = await call('201', 'call-uac-callee-hangup.xml', ['call-uas-answer-hangup.xml']);
    expectPassed(r.caller);
    r.callees.forEach(expectPassed);
    expect(await onlyRecord()).toMatchObject({ disposition: 'answered', hangupSide: 'callee' });
    await expectNoLiveCalls();
  });

  it('cancel while ringing: CANCEL reaches the callee, 487 to the caller; record cancelled', async () => {
    const r = await call('201', 'call-uac-cancel-ringing.xml', ['call-uas-ring.xml']);
    expectPassed(r.caller);
    r.callees.forEach(expectPassed);
    const rec = await onlyRecord();
    expect(rec).toMatchObject({ disposition: 'cancelled', hangupSide: 'caller' });
    expect(rec.answeredAt).toBeNull();
    await expectNoLiveCalls();
  });

  it('cancel while routing: 487 at once, the late plan is discarded', async () => {
    const started = Date.now();
    const r = await call('7001', 'call-uac-cancel-routing.xml');
    expectPassed(r.caller);
    // The plugin needs 1.5 s; the caller got its 487 well before.
    expect(Date.now() - started).toBeLessThan(1500 + 1000);
    const rec = await onlyRecord();
    expect(rec).toMatchObject({
      calleeNumber: '7001',
      disposition: 'cancelled',
      hangupSide: 'caller',
      legs: [],
    });
    await expectNoLiveCalls();
  });

  it('busy: the callee 486 is relayed; record busy', async () => {
    const r = await call('201', 'call-uac-busy.xml', ['call-uas-busy.xml']);
    expectPassed(r.caller);
    r.callees.forEach(expectPassed);
    expect(await onlyRecord()).toMatchObject({
      disposition: 'busy',
      legs: [{ status: 486, answered: false }],
    });
  });

  it('no answer: ring timeout (5 s) cancels the callee and answers 480; record no_answer', async () => {
    const r = await call('201', 'call-uac-no-answer.xml', ['call-uas-ring.xml']);
    expectPassed(r.caller);
    r.callees.forEach(expectPassed);
    const rec = await onlyRecord();
    expect(rec).toMatchObject({ disposition: 'no_answer' });
    const ringMs = rec.endedAt!.getTime() - rec.startedAt.getTime();
    expect(ringMs).toBeGreaterThanOrEqual(5000);
    expect(ringMs).toBeLessThan(8000);
  }, 40_000);

  it('re-INVITE adding video and removing it: every m-line crosses both ways', async () => {
    const r = await call('201', 'call-uac-reinvite-video.xml', ['call-uas-reinvite.xml']);
    expectPassed(r.caller);
    r.callees.forEach(expectPassed);
    expect(await onlyRecord()).toMatchObject({ disposition: 'answered', hangupSide: 'caller' });
  });

  it('parallel fork to two contacts of one extension: first 2xx wins, the other gets CANCEL with Reason cause=200', async () => {
    const r = await call('202', 'call-uac-basic.xml', ['call-uas-answer.xml', 'call-uas-ring-elsewhere.xml']);
    expectPassed(r.caller);
    r.callees.forEach(expectPassed);
    const rec = await onlyRecord();
    expect(rec).toMatchObject({ disposition: 'answered', answeredBy: '202' });
    expect(rec.legs).toHaveLength(2);
    expect((rec.legs as { answered: boolean }[]).filter((l) => l.answered)).toHaveLength(1);
  });

  it('redirect step: 302 with the plan contacts; record redirected', async () => {
    const r = await call('790', 'call-uac-redirect.xml');
    expectPassed(r.caller);
    expect(await onlyRecord()).toMatchObject({ calleeNumber: '790', disposition: 'redirected' });
  });
});
