import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SecretBox, sealTrunkPassword } from '@switchboard/db';
import { redisKeys } from '@switchboard/live-state';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TrunkRegistrationService } from '../src/trunks/trunk-registration.service.js';
import {
  type CallsHarness,
  enableExtensionsPlugin,
  killAllSipp,
  startCalls,
  startSipp,
} from './support/calls-harness.js';
import { UdpSipClient } from './support/sip-test-kit.js';
import { startTestKamailio, type TestKamailio } from './support/test-kamailio.js';

/** The "public network" phone: the only source the simulated carrier relays without credentials. */
const PUBLIC_PHONE = '127.0.0.50';
/** The SIP server of an IP-authenticated carrier (the trunk's inbound source allow-list). */
const IP_CARRIER = '127.0.0.60';
const CALLER_NUMBER = '+4930555';
/** A ring-all group of extensions 202 and 203, reached from the public network through DID 4930100600. */
const GROUP = '600';
const GROUP_DID = '4930100600';

/**
 * Inbound calls from SIP trunks (#18) with a simulated carrier (Debian Kamailio at 127.0.0.2: registrar
 * with digest, relaying calls from a sipp "public phone" to the Contact we registered) and the routing
 * chain inbound-routes → extensions: a DID rings its extension with the caller ID from the public
 * network and is recorded inbound; an unknown DID gets 404; an IP-authenticated trunk is recognised by
 * its source; an INVITE from anyone else is challenged and never reaches the carrier.
 */
describe('inbound trunk calls with a Kamailio carrier', () => {
  let carrier: TestKamailio;
  let h: CallsHarness;
  let dataDir: string;
  vi.setConfig({ testTimeout: 30_000 });

  beforeAll(async () => {
    carrier = await startTestKamailio({
      address: '127.0.0.2',
      accounts: { '4930100': 'carrier-pw' },
      trustedSources: [PUBLIC_PHONE],
      dids: { '4930100500': '4930100', '4930100999': '4930100', [GROUP_DID]: '4930100' },
    });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-trunk-in-'));
    h = await startCalls(
      {
        SWITCHBOARD_DATA_DIR: dataDir,
        SWITCHBOARD_PLUGINS:
          '@switchboard/plugin-inbound-routes,@switchboard/plugin-ring-group,@switchboard/plugin-extensions',
      },
      async (s) => {
        for (const ext of ['201', '202', '203']) await s.addExtension(ext, `pw-${ext}`);
        await enableExtensionsPlugin(s);
        await s.prisma.ringGroup.create({
          data: {
            number: GROUP,
            name: 'Reception',
            strategy: 'ringall',
            ringTimeSeconds: 20,
            members: {
              create: ['202', '203'].map((number, position) => ({
                position,
                extension: { connect: { number } },
              })),
            },
          },
        });
        await s.prisma.pluginConfig.create({
          data: {
            pluginId: 'inbound-routes',
            enabled: true,
            config: {
              routes: [
                { did: '4930100500', trunk: 'carrier', destination: { kind: 'extension', extension: '201' } },
                { did: '0301234', trunk: 'ip-carrier', destination: { kind: 'extension', extension: '201' } },
                { did: GROUP_DID, trunk: 'carrier', destination: { kind: 'ring-group', number: GROUP } },
              ],
            },
          },
        });
        await s.prisma.trunk.create({
          data: {
            name: 'carrier',
            host: carrier.address,
            port: carrier.port,
            fromDomain: carrier.realm,
            authUsername: '4930100',
            passwordEncrypted: sealTrunkPassword(SecretBox.fromDataDir(dataDir), 'carrier-pw'),
            register: true,
            registerExpiry: 60,
            maxConcurrentCalls: 2,
          },
        });
        await s.prisma.trunk.create({
          data: { name: 'ip-carrier', host: IP_CARRIER, inboundSources: [`${IP_CARRIER}/32`] },
        });
      },
    );
    await h.app.get(TrunkRegistrationService).reload();
    await carrier.waitForLog(/SIM registered 4930100 expires=60 /);
  });

  afterAll(async () => {
    killAllSipp();
    await h?.close();
    await carrier?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** A sipp "public phone" at `source` dialling `did` through `via`; the result once sipp exits. */
  async function publicCall(
    scenario: string,
    did: string,
    source: string,
    via: { host: string; port: number },
  ) {
    const sipp = await startSipp(
      scenario,
      ['-s', did, '-key', 'carrier', carrier.realm, '-key', 'number', CALLER_NUMBER, '-i', source],
      via,
    );
    return sipp.done;
  }

  async function recordOf(did: string) {
    return vi.waitFor(
      async () => {
        const row = await h.prisma.callRecord.findFirst({ where: { did } });
        if (!row) throw new Error(`no call record for DID ${did} yet`);
        return row;
      },
      { timeout: 10_000, interval: 50 },
    );
  }

  it('rings the extension of a DID on a registered trunk, with the caller ID, recorded inbound', async () => {
    const extension = await startSipp('trunk-uas-extension-answer.xml', []);
    await h.bind('201', extension.port);
    const caller = await publicCall('trunk-uac-public-call.xml', '4930100500', PUBLIC_PHONE, {
      host: carrier.address,
      port: carrier.port,
    });
    expect(caller.code, caller.output).toBe(0);
    const callee = await extension.done;
    expect(callee.code, callee.output).toBe(0);
    await carrier.waitForLog(/SIM inbound did=4930100500 to sip:4930100500@127\.0\.0\.1:/);
    const record = await recordOf('4930100500');
    expect(record).toMatchObject({
      direction: 'inbound',
      trunk: 'carrier',
      did: '4930100500',
      externalNumber: CALLER_NUMBER,
      callerNumber: CALLER_NUMBER,
      callerName: 'Alice Public',
      calleeNumber: '4930100500',
      answeredBy: '201',
      disposition: 'answered',
    });
    // The call was counted on the trunk while it lasted, and is no more.
    expect(await h.redis.zcard(redisKeys.trunkCalls('carrier'))).toBe(0);
  });

  it('rings both members of the ring group a DID routes to; one answers, the other is cancelled; recorded inbound', async () => {
    const winner = await startSipp('trunk-uas-extension-answer.xml', []);
    const loser = await startSipp('trunk-uas-member-cancelled.xml', []);
    await h.bind('202', winner.port);
    await h.bind('203', loser.port);
    const caller = await publicCall('trunk-uac-public-call.xml', GROUP_DID, PUBLIC_PHONE, {
      host: carrier.address,
      port: carrier.port,
    });
    expect(caller.code, caller.output).toBe(0);
    for (const member of [winner, loser]) {
      const result = await member.done;
      expect(result.code, result.output).toBe(0);
    }
    const record = await recordOf(GROUP_DID);
    expect(record).toMatchObject({
      direction: 'inbound',
      trunk: 'carrier',
      did: GROUP_DID,
      externalNumber: CALLER_NUMBER,
      answeredBy: '202',
      disposition: 'answered',
    });
    // Both members rang (one fork), only 202 answered.
    const legs = record.legs as Array<{ answered: boolean }>;
    expect(legs.map((l) => l.answered).sort()).toEqual([false, true]);
    expect(await h.redis.zcard(redisKeys.trunkCalls('carrier'))).toBe(0);
  });

  it('answers 404 to a DID that has no inbound route', async () => {
    const caller = await publicCall('trunk-uac-public-404.xml', '4930100999', PUBLIC_PHONE, {
      host: carrier.address,
      port: carrier.port,
    });
    expect(caller.code, caller.output).toBe(0);
    const record = await recordOf('4930100999');
    expect(record).toMatchObject({ direction: 'inbound', trunk: 'carrier', disposition: 'rejected' });
    expect(record.hangupCause).toMatch(/^404 /);
  });

  it('recognises an IP-authenticated trunk by its source allow-list', async () => {
    const extension = await startSipp('trunk-uas-extension-answer.xml', []);
    await h.bind('201', extension.port);
    const caller = await publicCall('trunk-uac-public-call.xml', '0301234', IP_CARRIER, {
      host: '127.0.0.1',
      port: h.port,
    });
    expect(caller.code, caller.output).toBe(0);
    expect((await extension.done).code).toBe(0);
    expect(await recordOf('0301234')).toMatchObject({
      direction: 'inbound',
      trunk: 'ip-carrier',
      externalNumber: CALLER_NUMBER,
      answeredBy: '201',
    });
  });

  it('counts inbound calls against the trunk’s limit, shared with its other calls: 503 when full', async () => {
    await h.prisma.trunk.update({ where: { name: 'ip-carrier' }, data: { maxConcurrentCalls: 1 } });
    await h.app.get(TrunkRegistrationService).reload();
    // A call on this trunk held by another signalling process (or an outbound leg); scored by the
    // time its slot expires (trunk-call-limits.ts).
    await h.redis.zadd(redisKeys.trunkCalls('ip-carrier'), Date.now() + 60_000, 'other-node-leg');
    const carrierServer = await new UdpSipClient({ host: '127.0.0.1', port: h.port }, IP_CARRIER).open();
    try {
      const full = await carrierServer.request({
        method: 'INVITE',
        uri: `sip:0301234@127.0.0.1:${h.port}`,
        from: `<sip:${CALLER_NUMBER}@${IP_CARRIER}>`,
        to: `<sip:0301234@127.0.0.1>`,
      });
      expect(full.status).toBe(503);
      expect(full.getHeader('Retry-After')).toBeUndefined();
    } finally {
      carrierServer.close();
      await h.redis.del(redisKeys.trunkCalls('ip-carrier'));
      await h.prisma.trunk.update({ where: { name: 'ip-carrier' }, data: { maxConcurrentCalls: null } });
    }
  });

  it('challenges an INVITE to an external number from a source that is no trunk, and never relays it', async () => {
    const stranger = await new UdpSipClient({ host: '127.0.0.1', port: h.port }).open();
    try {
      const answer = await stranger.request({
        method: 'INVITE',
        uri: `sip:004930777@${h.domain}`,
        from: `<sip:${CALLER_NUMBER}@${carrier.realm}>`,
        to: `<sip:004930777@${h.domain}>`,
      });
      expect(answer.status).toBe(407);
      // The same with the carrier's own From and our registered Contact user in the Request-URI.
      const posing = await stranger.request({
        method: 'INVITE',
        uri: `sip:4930100@127.0.0.1:${h.port}`,
        from: `<sip:4930100@${carrier.realm}>`,
        to: `<sip:004930777@${carrier.realm}>`,
      });
      expect(posing.status).toBe(407);
    } finally {
      stranger.close();
    }
    expect(carrier.count(/SIM request INVITE sip:004930777/)).toBe(0);
    expect(await h.prisma.callRecord.count({ where: { calleeNumber: '004930777' } })).toBe(0);
  });
});
