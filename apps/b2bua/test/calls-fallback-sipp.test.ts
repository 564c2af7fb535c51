import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { callSuite, expectPassed } from './support/call-runner.js';

/**
 * SWITCHBOARD_ROUTING_FALLBACK=extension:201 through the real signalling role and worker: a plugin
 * that throws, and a plugin slower than the routing wait, both end with 201 ringing and answering.
 */
const behaviourPlugin = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  'fixtures/behaviour-plugin.mjs',
);
const suite = callSuite(
  {
    SWITCHBOARD_PLUGINS: `${behaviourPlugin},@switchboard/plugin-extensions`,
    SWITCHBOARD_ROUTING_FALLBACK: 'extension:201',
    SWITCHBOARD_ROUTING_TIMEOUT_MS: '1000',
    // The plugin's own budget is larger than the routing wait: the worker is simply too slow.
    SWITCHBOARD_PLUGIN_TIMEOUT_MS: '10000',
  },
  async (s) => {
    await s.prisma.pluginConfig.create({
      data: { pluginId: 'behaviour', enabled: true, config: { delayMs: 4000 } },
    });
  },
);

describe('routing fallback (sipp)', () => {
  it('the plugin throws: the fallback extension rings and answers; record answered by 201', async () => {
    const r = await suite.run.call('7002', 'call-uac-basic.xml', ['call-uas-answer.xml'], '201');
    expectPassed(r.caller);
    r.callees.forEach(expectPassed);
    const rec = await suite.run.onlyRecord();
    expect(rec).toMatchObject({ calleeNumber: '7002', answeredBy: '201', disposition: 'answered' });
    const legs = rec.legs as Array<{ target: string; answered: boolean; status: number }>;
    expect(legs).toHaveLength(1);
    expect(legs[0]).toMatchObject({ answered: true, status: 200 });
    expect(legs[0]?.target).toMatch(/^sip:201@127\.0\.0\.1:/);
    await suite.run.expectNoLiveCalls();
  });

  it('the worker is slower than the routing wait: after 1 s the fallback rings, no hung call', async () => {
    const r = await suite.run.call('7001', 'call-uac-basic.xml', ['call-uas-answer.xml'], '201');
    expectPassed(r.caller);
    r.callees.forEach(expectPassed);
    const rec = await suite.run.onlyRecord();
    expect(rec).toMatchObject({ calleeNumber: '7001', answeredBy: '201', disposition: 'answered' });
    // Ringing started after the routing wait (1 s), not after the plugin's 4 s.
    const toRinging = rec.ringingAt!.getTime() - rec.startedAt.getTime();
    expect(toRinging).toBeGreaterThanOrEqual(1000);
    expect(toRinging).toBeLessThan(4000);
    await suite.run.expectNoLiveCalls();
  });
});
