import { redisKeys } from '@switchboard/live-state';
import { describe, expect, it } from 'vitest';
import { enableExtensionsPlugin, startSipp } from './support/calls-harness.js';
import { callSuite, expectPassed, recordsInOrder } from './support/call-runner.js';

/**
 * Attended transfer (RFC 3515 REFER with Refer-To ...?Replaces=, RFC 3891 §7, RFC 5589 §7) through
 * the running B2BUA, sipp on every leg (test/sipp/attx-*.xml): 100 calls 201 (call A), 202 calls 201
 * (consultation call B), then 201 REFERs call A naming its dialog of call B; 100 and 202 end up talking.
 */
const suite = callSuite({}, async (s) => {
  await s.addExtension('202', 'pw-202');
  await enableExtensionsPlugin(s);
});

const records = (count: number) => recordsInOrder(suite.h, count);

/** A sipp calling 201 as `caller` (digest password `pw-<caller>`). */
function callTo201(scenario: string, caller: string, more: string[] = []) {
  const { h } = suite;
  return startSipp(
    scenario,
    [
      '-s',
      '201',
      '-au',
      caller,
      '-ap',
      `pw-${caller}`,
      '-key',
      'domain',
      h.domain,
      '-key',
      'caller',
      caller,
      ...more,
    ],
    { host: '127.0.0.1', port: h.port },
    `sip:201@${h.domain}`,
  );
}

describe('attended transfer (REFER with Replaces) through the B2BUA (sipp)', () => {
  it('joins the transferee (100) to the consultation target (202): 202, NOTIFY 100/200, target re-INVITEd without SDP, its offer to the transferee, the transferor BYEd on both calls, both records coherent', async () => {
    const { h } = suite;
    const transferor = await startSipp('attx-uas-transferor.xml', [
      '-m',
      '2',
      '-key',
      'domain',
      h.domain,
      '-key',
      'target',
      '202',
    ]);
    await h.bind('201', transferor.port);
    const transferee = await callTo201('attx-uac-transferee.xml', '100');
    const target = await callTo201('attx-uac-target.xml', '202');
    const runs = await Promise.all([transferee.done, target.done]);
    if (runs.some((r) => r.code !== 0)) transferor.kill();
    runs.forEach(expectPassed);
    expectPassed(await transferor.done);

    const [a, b] = await records(2);
    expect(a).toMatchObject({
      callerNumber: '100',
      calleeNumber: '201',
      answeredBy: '201',
      disposition: 'answered',
      hangupSide: 'caller',
    });
    expect(a!.transfers).toMatchObject([
      { transferor: '201', transferee: '100', target: '202', status: 200, kind: 'attended' },
    ]);
    expect(b).toMatchObject({
      callerNumber: '202',
      calleeNumber: '201',
      answeredBy: '201',
      disposition: 'answered',
      hangupSide: 'system',
    });
    expect(b!.hangupCause).toContain('attended transfer by 201: 202 joined');
    await suite.run.expectNoLiveCalls();
    for (const ext of ['201', '202']) expect(await h.redis.zcard(redisKeys.extensionCalls(ext))).toBe(0);
  });

  it('a Replaces naming no dialog of the PBX: 202, then NOTIFY 481, and call A stays until its caller hangs up', async () => {
    const { h } = suite;
    const transferee = await startSipp('call-uas-answer.xml', []);
    await h.unbindAll('100');
    await h.bind('100', transferee.port);
    const transferor = await startSipp(
      'attx-uac-unknown-dialog.xml',
      [
        '-s',
        '100',
        '-au',
        '201',
        '-ap',
        'pw-201',
        '-key',
        'domain',
        h.domain,
        '-key',
        'caller',
        '201',
        '-key',
        'target',
        '202',
      ],
      { host: '127.0.0.1', port: h.port },
      `sip:100@${h.domain}`,
    );
    const x = await transferor.done;
    if (x.code !== 0) transferee.kill();
    expectPassed(x);
    expectPassed(await transferee.done);
    const [a] = await records(1);
    expect(a).toMatchObject({ calleeNumber: '100', disposition: 'answered', hangupSide: 'caller' });
    expect(a!.transfers).toMatchObject([
      { transferor: '201', transferee: '100', target: '202', status: 481, kind: 'attended' },
    ]);
    await suite.run.expectNoLiveCalls();
  });
});
