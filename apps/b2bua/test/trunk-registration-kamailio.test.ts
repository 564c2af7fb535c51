import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type PrismaClient, SecretBox, sealTrunkPassword } from '@switchboard/db';
import { redisKeys, type TrunkRegistrationStatus } from '@switchboard/live-state';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TrunkRegistrationService } from '../src/trunks/trunk-registration.service.js';
import { type SignallingHarness, startSignalling } from './support/sip-test-kit.js';
import { startTestKamailio, type TestKamailio } from './support/test-kamailio.js';

/**
 * Outbound registration against a simulated carrier (Debian Kamailio: registrar + digest auth):
 * the signalling role registers its trunks, refreshes them, reports a refused password with the 403
 * and the back-off, and unregisters a trunk that is disabled.
 */
describe('trunk registration with a Kamailio carrier', () => {
  let carrier: TestKamailio;
  let pbx: SignallingHarness;
  let dataDir: string;
  let service: TrunkRegistrationService;

  beforeAll(async () => {
    carrier = await startTestKamailio({
      address: '127.0.0.1',
      algorithm: 'SHA-256',
      accounts: { '4930100': 'carrier-pw', '4930200': 'other-pw' },
    });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-trunk-data-'));
    pbx = await startSignalling({ SWITCHBOARD_DATA_DIR: dataDir });
    service = pbx.app.get(TrunkRegistrationService);
  });

  afterAll(async () => {
    await pbx?.close();
    await carrier?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function addTrunk(
    prisma: PrismaClient,
    name: string,
    user: string,
    password: string,
    expiry: number,
  ) {
    const box = SecretBox.fromDataDir(dataDir);
    return prisma.trunk.create({
      data: {
        name,
        host: carrier.address,
        port: carrier.port,
        fromDomain: carrier.realm,
        authUsername: user,
        passwordEncrypted: sealTrunkPassword(box, password),
        register: true,
        registerExpiry: expiry,
      },
    });
  }

  async function statusOf(id: string): Promise<TrunkRegistrationStatus | undefined> {
    const raw = await pbx.redis.hget(redisKeys.trunkRegistrations, id);
    return raw === null ? undefined : (JSON.parse(raw) as TrunkRegistrationStatus);
  }

  it('registers with SHA-256 digest (RFC 8760), refreshes before expiry, and unregisters when disabled', async () => {
    const trunk = await addTrunk(pbx.prisma, 'carrier', '4930100', 'carrier-pw', 2);
    await service.reload();
    await carrier.waitForLog(/SIM registered 4930100 expires=2 /);
    await vi.waitFor(
      async () =>
        expect(await statusOf(trunk.id)).toMatchObject({ state: 'registered', lastStatus: 200, expires: 2 }),
      {
        timeout: 5_000,
        interval: 50,
      },
    );
    // Granted 2 s: refreshed after 1 s, with credentials again (same Call-ID, higher CSeq).
    await vi.waitFor(
      () => expect(carrier.count(/SIM registered 4930100 expires=2 /)).toBeGreaterThanOrEqual(2),
      {
        timeout: 5_000,
        interval: 50,
      },
    );
    expect(carrier.count(/SIM auth-failed/)).toBe(0);

    await pbx.prisma.trunk.update({ where: { id: trunk.id }, data: { enabled: false } });
    await service.reload();
    await carrier.waitForLog(/SIM registered 4930100 expires=0 /);
    expect(await statusOf(trunk.id)).toMatchObject({ state: 'disabled' });
  });

  it('shows a refused password as failing with the 403, and backs off', async () => {
    const trunk = await addTrunk(pbx.prisma, 'wrong-password', '4930200', 'not-the-password', 60);
    await service.reload();
    await carrier.waitForLog(/SIM auth-failed REGISTER user=4930200/);
    await vi.waitFor(async () => expect((await statusOf(trunk.id))?.state).toBe('failing'), {
      timeout: 5_000,
      interval: 50,
    });
    const status = await statusOf(trunk.id);
    expect(status).toMatchObject({ state: 'failing', failures: 1, lastStatus: 403, lastReason: 'Forbidden' });
    // RFC 5626 §4.5 back-off after the first failure: 50–100 % of 30 s.
    const wait = (status?.nextAttemptAt ?? 0) - (status?.lastResponseAt ?? 0);
    expect(wait).toBeGreaterThanOrEqual(15_000);
    expect(wait).toBeLessThanOrEqual(30_000);
    expect(carrier.count(/SIM request REGISTER .*from=4930200/)).toBe(2); // challenge + one answer, no retry storm
  });
  it('registers with an MD5-only carrier too (RFC 2617 / RFC 3261 §22.4)', async () => {
    const md5Carrier = await startTestKamailio({
      algorithm: 'MD5',
      realm: 'md5.test',
      accounts: { '4930300': 'md5-pw' },
    });
    try {
      const trunk = await pbx.prisma.trunk.create({
        data: {
          name: 'md5-carrier',
          host: md5Carrier.address,
          port: md5Carrier.port,
          authUsername: '4930300',
          passwordEncrypted: sealTrunkPassword(SecretBox.fromDataDir(dataDir), 'md5-pw'),
          register: true,
          registerExpiry: 60,
        },
      });
      await service.reload();
      await md5Carrier.waitForLog(/SIM registered 4930300 expires=60 /);
      await vi.waitFor(async () => expect((await statusOf(trunk.id))?.state).toBe('registered'), {
        timeout: 5_000,
        interval: 50,
      });
      await pbx.prisma.trunk.delete({ where: { id: trunk.id } });
      await service.reload();
      await md5Carrier.waitForLog(/SIM registered 4930300 expires=0 /);
      expect(await statusOf(trunk.id)).toBeUndefined();
    } finally {
      await md5Carrier.stop();
    }
  });
});
