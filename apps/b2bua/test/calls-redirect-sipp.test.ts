import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { callSuite, expectPassed } from './support/call-runner.js';
import { startSipp } from './support/calls-harness.js';
import { freeUdpPort } from './support/sip-test-kit.js';

/**
 * A callee answering 302 (test/sipp/call-uas-redirect.xml), with the plan option onCalleeRedirect:
 * 7101 follows it (default: the B2BUA rings the 302's contact itself), 7102 relays it to the caller.
 */
const plugin = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  'fixtures/calls-redirect-plugin.mjs',
);
const suite = callSuite({ SWITCHBOARD_PLUGINS: `${plugin},@switchboard/plugin-extensions` });

describe("a callee's 3xx (sipp)", () => {
  it('followed (default): the B2BUA rings the contact of the 302, which answers; one call for the caller', async () => {
    const mobile = await startSipp('call-uas-answer.xml', []);
    const desk = await startSipp('call-uas-redirect.xml', [
      '-key',
      'contact',
      `sip:203@127.0.0.1:${mobile.port}`,
    ]);
    await suite.h.bind('201', desk.port);
    const r = await suite.run.call('7101', 'call-uac-basic.xml');
    expectPassed(r.caller);
    expectPassed(await desk.done);
    expectPassed(await mobile.done);
    const rec = await suite.run.onlyRecord();
    expect(rec).toMatchObject({ calleeNumber: '7101', answeredBy: '201', disposition: 'answered' });
    const legs = rec.legs as Array<{ target: string; status: number; answered: boolean }>;
    expect(legs.map((l) => [l.target, l.status, l.answered])).toEqual([
      [`sip:201@127.0.0.1:${desk.port}`, 302, false],
      [`sip:203@127.0.0.1:${mobile.port}`, 200, true],
    ]);
    await suite.run.expectNoLiveCalls();
  });

  it("relayed (onCalleeRedirect 'relay'): the caller gets the 302 with the callee's contact; nothing else rings", async () => {
    const unused = await freeUdpPort();
    const desk = await startSipp('call-uas-redirect.xml', ['-key', 'contact', `sip:203@127.0.0.1:${unused}`]);
    await suite.h.bind('201', desk.port);
    const r = await suite.run.call('7102', 'call-uac-callee-redirect.xml');
    expectPassed(r.caller);
    expectPassed(await desk.done);
    expect(r.caller.output).toContain(`sip:203@127.0.0.1:${unused}`);
    const rec = await suite.run.onlyRecord();
    expect(rec).toMatchObject({ calleeNumber: '7102', disposition: 'redirected' });
    expect(rec.answeredAt).toBeNull();
    expect(rec.legs).toMatchObject([{ status: 302, answered: false }]);
    await suite.run.expectNoLiveCalls();
  });
});
