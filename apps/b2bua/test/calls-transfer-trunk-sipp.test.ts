import { redisKeys } from '@switchboard/live-state';
import { describe, expect, it } from 'vitest';
import { enableExtensionsPlugin, startSipp } from './support/calls-harness.js';
import { callSuite, expectPassed } from './support/call-runner.js';

/**
 * Blind transfer to an outside number (issue #19: trunks apply to the target): 100 calls 201, 201
 * REFERs the call to a number, the outbound-routes plugin routes it on 201's authority (its
 * dialling class, outside-call limit and external number, never the transferee's) and the B2BUA
 * dials it through trunk `carrier`, whose provider is a sipp.
 */
const suite = callSuite(
  { SWITCHBOARD_PLUGINS: '@switchboard/plugin-extensions,@switchboard/plugin-outbound-routes' },
  async (s) => {
    // The transferee may call abroad; the transferor only nationally: 201's class is the one applied.
    await s.prisma.extension.update({ where: { number: '100' }, data: { dialClass: 'international' } });
    await s.prisma.extension.update({
      where: { number: '201' },
      data: { dialClass: 'national', externalNumber: '+4930555201', maxExternalCalls: 1 },
    });
    await enableExtensionsPlugin(s);
    await s.prisma.pluginConfig.create({
      data: {
        pluginId: 'outbound-routes',
        enabled: true,
        config: {
          country: 'DE',
          areaCode: '30',
          routes: [{ name: 'outside', patterns: ['_0Z.', '_00Z.'], format: 'e164', trunks: ['carrier'] }],
        },
      },
    });
    // IP-authenticated; its port is set to the provider sipp by the test.
    await s.prisma.trunk.create({ data: { name: 'carrier', host: '127.0.0.1', port: 9 } });
  },
);

describe('blind transfer to an outside number (trunk, transferor’s authority)', () => {
  it('201 transfers the caller to 0301234567: out through the trunk with 201’s number, the record is outbound with the chain, 201’s slot given back', async () => {
    const { h } = suite;
    const provider = await startSipp('transfer-uas-trunk-target.xml', []);
    await h.prisma.trunk.update({ where: { name: 'carrier' }, data: { port: provider.port } });
    const r = await suite.run.call('201', 'transfer-uac-transferee.xml', [
      {
        scenario: 'transfer-uas-transferor.xml',
        args: ['-key', 'domain', h.domain, '-key', 'target', '0301234567'],
      },
    ]);
    if (r.caller.code !== 0) provider.kill();
    expectPassed(r.caller);
    r.callees.forEach(expectPassed);
    expectPassed(await provider.done);
    const record = await suite.run.onlyRecord();
    expect(record).toMatchObject({
      answeredBy: '201',
      disposition: 'answered',
      direction: 'outbound',
      trunk: 'carrier',
      externalNumber: '+49301234567',
    });
    expect(record.transfers).toMatchObject([
      { transferor: '201', transferee: '100', target: 'trunk:carrier:+49301234567', status: 200 },
    ]);
    await suite.run.expectNoLiveCalls();
    expect(await h.redis.zcard(redisKeys.extensionExternalCalls('201'))).toBe(0);
    expect(await h.redis.zcard(redisKeys.trunkCalls('carrier'))).toBe(0);
  });

  it('201 (national class) transfers the caller (international class) abroad: failure NOTIFY 403, the call stays', async () => {
    const r = await suite.run.call('201', 'transfer-uac-stays.xml', [
      {
        scenario: 'transfer-uas-transferor-refused.xml',
        args: ['-key', 'domain', suite.h.domain, '-key', 'target', '00442071234567'],
      },
    ]);
    expectPassed(r.caller);
    r.callees.forEach(expectPassed);
    const record = await suite.run.onlyRecord();
    expect(record).toMatchObject({ answeredBy: '201', disposition: 'answered', direction: 'internal' });
    expect(record.transfers).toMatchObject([
      { transferor: '201', transferee: '100', target: '00442071234567', status: 403 },
    ]);
    await suite.run.expectNoLiveCalls();
  });
});
