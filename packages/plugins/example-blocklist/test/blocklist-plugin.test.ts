import { routeCall, simulatePlan, testCall } from '@switchboard/plugin-sdk/testkit';
import { describe, expect, it } from 'vitest';
import plugin, { callerNumber } from '../src/index.js';

const from = (uri: string) => testCall('201', { caller: { uri } });
const config = { numbers: ['+4930111222', '+4990*'] };

describe('blocklist plugin', () => {
  it('refuses a blocked number with 603 Decline and logs it', async () => {
    const r = await routeCall(plugin, from('sip:+4930111222@trunk.example'), { config });
    if (r.pass) throw new Error('expected a plan');
    expect(r.plan.steps).toEqual([{ type: 'reject', status: 603 }]);
    expect(simulatePlan(r.plan, {}).result).toEqual({ kind: 'reject', status: 603, reason: 'Decline' });
    expect(r.logs.map((l) => [l.level, l.msg, l.fields?.caller])).toEqual([
      ['info', 'blocked caller refused', '+4930111222'],
    ]);
  });

  it('matches prefixes ending in * and ignores visual separators in the caller number', async () => {
    const r = await routeCall(plugin, from('tel:+49-900-123'), { config });
    expect(r.pass).toBe(false);
  });

  it('passes every other caller to the next plugin', async () => {
    for (const uri of ['sip:+4930111223@trunk.example', 'sip:100@pbx.test', 'sip:+4991@x.example']) {
      expect((await routeCall(plugin, from(uri), { config })).pass).toBe(true);
    }
  });

  it('anonymous callers pass unless blockAnonymous is set', async () => {
    const anon = from('sip:anonymous@anonymous.invalid');
    expect((await routeCall(plugin, anon, { config })).pass).toBe(true);
    const r = await routeCall(plugin, anon, {
      config: { blockAnonymous: true, status: 403, reason: 'Anonymous' },
    });
    expect(r).toMatchObject({
      pass: false,
      plan: { steps: [{ type: 'reject', status: 403, reason: 'Anonymous' }] },
    });
  });

  it('refuses config a typo would silently break', async () => {
    await expect(routeCall(plugin, from('sip:1@x'), { config: { number: ['1'] } })).rejects.toThrow(/number/);
    await expect(routeCall(plugin, from('sip:1@x'), { config: { numbers: ['12a'] } })).rejects.toThrow(
      /prefix/,
    );
  });

  it('reads the number from sip:, sips: and tel: URIs', () => {
    expect(callerNumber('sips:%2B4930@pbx.test;transport=tls')).toBe('+4930');
    expect(callerNumber('tel:+49 (30) 12')).toBe('+493012');
    expect(callerNumber('sip:Anonymous@pbx.test')).toBeUndefined();
    expect(callerNumber('mailto:x')).toBeUndefined();
  });
});
