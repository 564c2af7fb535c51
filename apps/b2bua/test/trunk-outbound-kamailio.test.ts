import dgram from 'node:dgram';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SecretBox, sealTrunkPassword } from '@switchboard/db';
import { redisKeys } from '@switchboard/live-state';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type CallsHarness,
  enableExtensionsPlugin,
  killAllSipp,
  startCalls,
  startSipp,
} from './support/calls-harness.js';
import { startTestKamailio, type TestKamailio } from './support/test-kamailio.js';

/**
 * Outbound calls through SIP trunks: extension 100 (a sipp caller) dials outside numbers, the
 * `outbound-routes` plugin picks the trunks, the B2BUA places the trunk legs. Trunk `carrier-a` is
 * a simulated carrier (Debian Kamailio: digest on INVITE and in-dialog requests, relaying to a sipp
 * "public phone"); trunk `carrier-b` is IP-authenticated and points straight at a sipp (or at a bare
 * UDP socket that counts what reaches it).
 */
/** A phone of the carrier's own network (the far end of outbound calls that hangs up first). */
const PUBLIC_PHONE = '127.0.0.50';

describe('outbound calls through trunks (Kamailio carrier)', () => {
  let h: CallsHarness;
  let dataDir: string;
  let carrier: TestKamailio | undefined;
  let testStart = new Date();
  vi.setConfig({ testTimeout: 40_000 });

  const routes = {
    country: 'DE',
    areaCode: '30',
    emergencyNumbers: ['112'],
    routes: [
      { name: 'emergency', patterns: ['112'], trunks: ['carrier-a'] },
      { name: 'national', patterns: ['_0Z.', '_00Z.'], format: 'e164', trunks: ['carrier-a', 'carrier-b'] },
    ],
  };

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-trunk-out-'));
    h = await startCalls(
      {
        SWITCHBOARD_DATA_DIR: dataDir,
        SWITCHBOARD_PLUGINS: '@switchboard/plugin-extensions,@switchboard/plugin-outbound-routes',
      },
      async (s) => {
        await s.addExtension('100', 'pw-100');
        await s.prisma.extension.update({
          where: { number: '100' },
          data: { externalNumber: '+4930555100' },
        });
        await enableExtensionsPlugin(s);
        await s.prisma.pluginConfig.create({
          data: { pluginId: 'outbound-routes', enabled: true, config: routes },
        });
        const box = SecretBox.fromDataDir(dataDir);
        await s.prisma.trunk.create({
          data: {
            name: 'carrier-a',
            host: '127.0.0.1',
            port: 9, // set per test to the carrier's port
            fromDomain: 'carrier.test',
            authUsername: '4930100',
            passwordEncrypted: sealTrunkPassword(box, 'carrier-pw'),
            callerIdMode: 'pai',
          },
        });
        await s.prisma.trunk.create({ data: { name: 'carrier-b', host: '127.0.0.1', port: 9 } });
      },
    );
  }, 60_000);

  afterAll(async () => {
    killAllSipp();
    await h?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    testStart = new Date();
    await h.prisma.callRecord.deleteMany();
    await h.prisma.trunk.updateMany({ data: { maxConcurrentCalls: null } });
    await h.redis.del(redisKeys.trunkCalls('carrier-a'), redisKeys.trunkCalls('carrier-b'));
  });

  afterEach(async () => {
    killAllSipp();
    await carrier?.stop();
    carrier = undefined;
  });

  /**
   * Starts the carrier in front of `publicPort` (a sipp phone) and points carrier-a at it. A phone at
   * an address of its own (`publicHost`) is the carrier's network: its requests are not challenged.
   */
  async function carrierTo(publicPort: number, publicHost = '127.0.0.1'): Promise<TestKamailio> {
    carrier = await startTestKamailio({
      accounts: { '4930100': 'carrier-pw' },
      publicNetwork: { host: publicHost, port: publicPort },
      ...(publicHost === '127.0.0.1' ? {} : { trustedSources: [publicHost] }),
      authInDialog: true,
    });
    await h.prisma.trunk.update({ where: { name: 'carrier-a' }, data: { port: carrier.port } });
    return carrier;
  }

  async function pointTrunkB(port: number): Promise<void> {
    await h.prisma.trunk.update({ where: { name: 'carrier-b' }, data: { port } });
  }

  /** Extension 100 dials `number` with the sipp caller scenario `uac`. */
  async function dial(number: string, uac: string) {
    const caller = await startSipp(
      uac,
      ['-s', number, '-au', '100', '-ap', 'pw-100', '-key', 'domain', h.domain, '-key', 'caller', '100'],
      { host: '127.0.0.1', port: h.port },
      `sip:${number}@${h.domain}`,
    );
    return caller.done;
  }

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

  /** A UDP socket that only counts datagrams: a trunk that must never be tried. */
  async function silentTrunk(): Promise<{ port: number; received: () => number; close: () => void }> {
    const socket = dgram.createSocket('udp4');
    let count = 0;
    socket.on('message', () => (count += 1));
    socket.bind(0, '127.0.0.1');
    await once(socket, 'listening');
    return { port: socket.address().port, received: () => count, close: () => socket.close() };
  }

  async function expectSlotsFreed(): Promise<void> {
    await vi.waitFor(
      async () => {
        expect(await h.redis.zcard(redisKeys.trunkCalls('carrier-a'))).toBe(0);
        expect(await h.redis.zcard(redisKeys.trunkCalls('carrier-b'))).toBe(0);
        expect(await h.redis.zcard(redisKeys.extensionExternalCalls('100'))).toBe(0);
      },
      { timeout: 5_000, interval: 50 },
    );
  }

  it('answers the carrier’s 407 to INVITE and to BYE with the trunk’s credentials; caller ID in From and PAI', async () => {
    const phone = await startSipp('trunk-uas-answer.xml', []);
    const kam = await carrierTo(phone.port);
    const caller = await dial('03012345678', 'call-uac-basic.xml');
    const callee = await phone.done;
    expect(caller.code, caller.output).toBe(0);
    expect(callee.code, callee.output).toBe(0);
    // The INVITE was challenged, then accepted with our digest; so was the BYE (RFC 3261 §22.2).
    expect(kam.count(/SIM challenge INVITE/)).toBeGreaterThanOrEqual(1);
    await kam.waitForLog(/SIM authenticated INVITE user=4930100/);
    await kam.waitForLog(/SIM challenge BYE/);
    await kam.waitForLog(/SIM authenticated BYE user=4930100/);
    await kam.waitForLog(/SIM outbound INVITE \+493012345678 via/);
    // The public phone sees the extension's external number (From and P-Asserted-Identity, RFC 3325).
    const invite = callee.messages;
    expect(invite).toMatch(/^INVITE sip:\+493012345678@/m);
    expect(invite).toMatch(/^From: .*<sip:\+4930555100@carrier\.test>/m);
    expect(invite).toMatch(/^P-Asserted-Identity: <sip:\+4930555100@carrier\.test>/m);
    expect(invite).not.toMatch(/carrier-pw/);
    const record = await onlyRecord();
    expect(record).toMatchObject({
      direction: 'outbound',
      trunk: 'carrier-a',
      externalNumber: '+493012345678',
      disposition: 'answered',
    });
    await expectSlotsFreed();
  });

  it('a BYE from the far end comes back through the carrier to the caller; recorded answered outbound', async () => {
    const phone = await startSipp('trunk-uas-answer-hangup.xml', ['-i', PUBLIC_PHONE]);
    const kam = await carrierTo(phone.port, PUBLIC_PHONE);
    const caller = await dial('03012345678', 'call-uac-callee-hangup.xml');
    const callee = await phone.done;
    expect(callee.code, callee.output).toBe(0);
    expect(caller.code, caller.output).toBe(0);
    // The phone's BYE followed the carrier's Record-Route (RFC 3261 §16.12) to our Contact.
    await kam.waitForLog(/SIM in-dialog BYE/);
    expect(kam.count(/SIM challenge BYE/)).toBe(0);
    expect(await onlyRecord()).toMatchObject({
      direction: 'outbound',
      trunk: 'carrier-a',
      externalNumber: '+493012345678',
      disposition: 'answered',
      hangupSide: 'callee',
    });
    await expectSlotsFreed();
  });

  it('a re-INVITE relayed to the trunk and challenged by the carrier goes again with credentials', async () => {
    const phone = await startSipp('trunk-uas-reinvite.xml', []);
    const kam = await carrierTo(phone.port);
    const caller = await dial('03012345678', 'call-uac-reinvite-video.xml');
    const callee = await phone.done;
    expect(callee.code, callee.output).toBe(0);
    expect(caller.code, caller.output).toBe(0);
    // The initial INVITE and both re-INVITEs: each challenged once, each accepted with our digest.
    await vi.waitFor(() => expect(kam.count(/SIM authenticated INVITE user=4930100/)).toBe(3));
    expect(kam.count(/SIM challenge INVITE/)).toBe(3);
    await expectSlotsFreed();
  });

  it('fails over to the next trunk when the first answers 503', async () => {
    const down = await startSipp('trunk-uas-503.xml', []);
    await carrierTo(down.port);
    const phone = await startSipp('call-uas-answer.xml', []);
    await pointTrunkB(phone.port);
    const caller = await dial('03012345678', 'call-uac-basic.xml');
    expect(caller.code, caller.output).toBe(0);
    expect((await phone.done).code).toBe(0);
    expect((await down.done).code).toBe(0);
    const record = await onlyRecord();
    expect(record).toMatchObject({ direction: 'outbound', trunk: 'carrier-b', disposition: 'answered' });
    // The carrier (a proxy) passes the phone's 503 on as 500 (RFC 3261 §16.7 step 6): a 5xx either way.
    expect((record.legs as Array<{ status?: number }>).map((l) => l.status)).toEqual([500, 200]);
    await expectSlotsFreed();
  });

  it('does not fail over on 486: the number’s own answer reaches the caller', async () => {
    const busy = await startSipp('call-uas-busy.xml', []);
    const kam = await carrierTo(busy.port);
    const second = await silentTrunk();
    try {
      await pointTrunkB(second.port);
      const caller = await dial('03012345678', 'call-uac-busy.xml');
      expect(caller.code, caller.output).toBe(0);
      await kam.waitForLog(/SIM authenticated INVITE/);
      expect(second.received()).toBe(0);
      expect(await onlyRecord()).toMatchObject({
        direction: 'outbound',
        trunk: 'carrier-a',
        disposition: 'busy',
      });
    } finally {
      second.close();
    }
    await expectSlotsFreed();
  });

  it('refuses an international number to an extension of the default (national) class with 403; nothing reaches a trunk', async () => {
    const first = await silentTrunk();
    const second = await silentTrunk();
    try {
      await h.prisma.trunk.update({ where: { name: 'carrier-a' }, data: { port: first.port } });
      await pointTrunkB(second.port);
      const caller = await dial('00442079460000', 'trunk-uac-forbidden.xml');
      expect(caller.code, caller.output).toBe(0);
      expect(first.received() + second.received()).toBe(0);
    } finally {
      first.close();
      second.close();
    }
  });

  it('a trunk at its concurrent-call limit is skipped for the next; an emergency call still goes out on it', async () => {
    await h.prisma.trunk.update({ where: { name: 'carrier-a' }, data: { maxConcurrentCalls: 1 } });
    // Another call holds carrier-a's only slot (expires in a minute).
    await h.redis.zadd(redisKeys.trunkCalls('carrier-a'), Date.now() + 60_000, 'another-call');
    const phoneB = await startSipp('call-uas-answer.xml', []);
    await pointTrunkB(phoneB.port);
    const emergencyPhone = await startSipp('trunk-uas-answer.xml', []);
    const kam = await carrierTo(emergencyPhone.port);
    const caller = await dial('03012345678', 'call-uac-basic.xml');
    expect(caller.code, caller.output).toBe(0);
    expect((await phoneB.done).code).toBe(0);
    const record = await onlyRecord();
    expect(record).toMatchObject({ trunk: 'carrier-b', disposition: 'answered' });
    expect((record.legs as Array<{ status?: number }>).map((l) => l.status)).toEqual([503, 200]);
    expect(kam.count(/SIM request INVITE/)).toBe(0);

    await h.prisma.callRecord.deleteMany();
    const emergency = await dial('112', 'call-uac-basic.xml');
    expect(emergency.code, emergency.output).toBe(0);
    expect((await emergencyPhone.done).code).toBe(0);
    await kam.waitForLog(/SIM outbound INVITE 112 via/);
    expect(await onlyRecord()).toMatchObject({ trunk: 'carrier-a', externalNumber: '112' });
    // The other call's slot is untouched, ours is given back.
    await vi.waitFor(async () =>
      expect(await h.redis.zrange(redisKeys.trunkCalls('carrier-a'), 0, -1)).toEqual(['another-call']),
    );
  });
});
