import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { callRunner, expectPassed } from './support/call-runner.js';
import { type CallsHarness, killAllSipp, startCalls } from './support/calls-harness.js';

/**
 * SWITCHBOARD_MAX_CALL_SECONDS through the real signalling role: an answered call that neither
 * side hangs up is ended by the B2BUA with BYE on both legs (the caller and callee scenarios
 * wait for that BYE and answer it 200), and the record says the system hung up.
 */
let h: CallsHarness;
let run: ReturnType<typeof callRunner>;
vi.setConfig({ testTimeout: 40_000 });

beforeAll(async () => {
  h = await startCalls({ SWITCHBOARD_MAX_CALL_SECONDS: '2' }, async (s) => {
    await s.addExtension('100', 'pw-100');
    await s.addExtension('201', 'pw-201');
  });
  run = callRunner(h);
}, 60_000);

afterAll(async () => {
  killAllSipp();
  await h?.close();
});

beforeEach(async () => {
  run.reset();
  await h.prisma.callRecord.deleteMany();
  await h.unbindAll('201');
});

describe('maximum call duration (sipp)', () => {
  it('ends an answered call after SWITCHBOARD_MAX_CALL_SECONDS with BYE on both legs', async () => {
    const r = await run.call('201', 'call-uac-callee-hangup.xml', ['call-uas-answer.xml']);
    expectPassed(r.caller);
    r.callees.forEach(expectPassed);
    const rec = await run.onlyRecord();
    expect(rec).toMatchObject({
      disposition: 'answered',
      answeredBy: '201',
      hangupSide: 'system',
      hangupCause: 'max call duration',
    });
    const heldMs = rec.endedAt!.getTime() - rec.answeredAt!.getTime();
    expect(heldMs).toBeGreaterThanOrEqual(1900);
    expect(heldMs).toBeLessThan(10_000);
    await run.expectNoLiveCalls();
  });
});
