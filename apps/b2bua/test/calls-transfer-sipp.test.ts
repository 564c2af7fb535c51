import { describe, expect, it } from 'vitest';
import { enableExtensionsPlugin, startSipp } from './support/calls-harness.js';
import { callSuite, expectPassed } from './support/call-runner.js';

/**
 * Blind transfer (RFC 3515 REFER, RFC 3892 Referred-By) through the running B2BUA, sipp on every leg
 * (test/sipp/transfer-*.xml): 100 calls 201, 201 refers the call to 202, which is routed by the
 * plugins (the extensions plugin) as a new call from 100.
 */
const suite = callSuite({}, async (s) => {
  await s.addExtension('202', 'pw-202');
  await enableExtensionsPlugin(s);
});

/** Starts the target (bound as 202) and the transferor (bound as 201), then the caller; waits for all. */
async function transfer(uac: string, transferor: string, target: string) {
  const { h } = suite;
  const targetSipp = await startSipp(target, []);
  await h.unbindAll('202');
  await h.bind('202', targetSipp.port);
  const result = await suite.run.call('201', uac, [
    { scenario: transferor, args: ['-key', 'domain', h.domain, '-key', 'target', '202'] },
  ]);
  if (result.caller.code !== 0) targetSipp.kill();
  return { ...result, target: await targetSipp.done };
}

describe('blind transfer (REFER) through the B2BUA (sipp)', () => {
  it('the callee transfers the caller to 202: 202, NOTIFY 100/180/200, target answered without SDP in the INVITE, the caller re-INVITEd, transferor BYEd, chain recorded', async () => {
    const r = await transfer(
      'transfer-uac-transferee.xml',
      'transfer-uas-transferor.xml',
      'transfer-uas-target.xml',
    );
    expectPassed(r.caller);
    r.callees.forEach(expectPassed);
    expectPassed(r.target);
    const record = await suite.run.onlyRecord();
    expect(record).toMatchObject({
      calleeNumber: '201',
      answeredBy: '201',
      disposition: 'answered',
      hangupSide: 'caller',
    });
    expect(record.transfers).toMatchObject([
      { transferor: '201', transferee: '100', target: '202', status: 200 },
    ]);
    expect(record.legs).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ target: expect.stringContaining('sip:201@') as string, answered: true }),
        expect.objectContaining({ target: expect.stringContaining('sip:202@') as string, answered: true }),
      ]),
    );
    await suite.run.expectNoLiveCalls();
  });

  it('REFERs without or with two Refer-To get 400; a busy target (486) gives a failure NOTIFY and the call stays', async () => {
    const r = await transfer(
      'transfer-uac-stays.xml',
      'transfer-uas-transferor-fails.xml',
      'call-uas-busy.xml',
    );
    expectPassed(r.caller);
    r.callees.forEach(expectPassed);
    expectPassed(r.target);
    const record = await suite.run.onlyRecord();
    expect(record).toMatchObject({ answeredBy: '201', disposition: 'answered', hangupSide: 'caller' });
    expect(record.transfers).toMatchObject([
      { transferor: '201', transferee: '100', target: '202', status: 486 },
    ]);
    await suite.run.expectNoLiveCalls();
  });
});
