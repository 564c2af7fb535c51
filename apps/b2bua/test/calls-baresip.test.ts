import { redisKeys } from '@switchboard/live-state';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startBaresip } from './support/baresip.js';
import { type CallsHarness, startCalls, seedExtensions } from './support/calls-harness.js';
import { freeSipPort } from './support/sip-test-kit.js';

/**
 * Real clients: two baresip instances register to the B2BUA with digest auth, 301 calls 302
 * (auto answer), the call is established and hung up, and the call record is in PostgreSQL.
 */
let h: CallsHarness;

beforeAll(async () => {
  // baresip 1.0 (libre) gives up with ENOSYS when any challenge offers SHA-256: offer MD5 only.
  h = await startCalls({ SWITCHBOARD_SIP_DIGEST_ALGORITHMS: 'MD5' }, seedExtensions(['301', '302'], 10));
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe('baresip through the B2BUA', () => {
  it('two baresip phones register, one calls the other, answered and hung up, record in PostgreSQL', async () => {
    const proxy = { host: '127.0.0.1', port: h.port };
    const callee = startBaresip({
      user: '302',
      password: 'pw-302',
      domain: h.domain,
      proxy,
      listenPort: await freeSipPort(),
      seconds: 20,
      autoAnswer: true,
    });
    // The callee must be in the location service before the call.
    await vi
      .waitFor(
        async () => {
          expect(await h.redis.exists(redisKeys.registration(`sip:302@${h.domain}`))).toBe(1);
        },
        { timeout: 8000, interval: 100 },
      )
      .catch(async (err: unknown) => {
        callee.kill();
        throw new Error(`302 did not register: ${String(err)}\n${(await callee.done).output.slice(-4000)}`);
      });
    const caller = startBaresip({
      user: '301',
      password: 'pw-301',
      domain: h.domain,
      proxy,
      listenPort: await freeSipPort(),
      // Long enough to dial, authenticate and be answered on a loaded CI machine; it then hangs up.
      seconds: 10,
      commands: [`/dial sip:302@${h.domain}`],
    });
    // While the call is up the live view shows it.
    await vi
      .waitFor(
        async () => {
          expect(await h.redis.zcard(redisKeys.extensionCalls('302'))).toBe(1);
        },
        { timeout: 12_000, interval: 100 },
      )
      .catch(async (err: unknown) => {
        callee.kill();
        caller.kill();
        const [calleeRun, callerRun] = await Promise.all([callee.done, caller.done]);
        throw new Error(
          `the call 301 -> 302 never showed as active: ${String(err)}\n--- caller 301:\n${callerRun.output.slice(-4000)}\n--- callee 302:\n${calleeRun.output.slice(-3000)}`,
        );
      });
    const callerRun = await caller.done;
    const record = await vi.waitFor(
      async () => {
        const rows = await h.prisma.callRecord.findMany();
        if (rows.length !== 1) throw new Error(`expected one record, found ${rows.length}`);
        return rows[0]!;
      },
      { timeout: 10_000, interval: 100 },
    );
    callee.kill();
    await callee.done;
    expect(record, callerRun.output.slice(-3000)).toMatchObject({
      callerNumber: '301',
      calleeNumber: '302',
      answeredBy: '302',
      disposition: 'answered',
      hangupSide: 'caller',
    });
    expect(record.answeredAt).not.toBeNull();
    expect(await h.redis.zcard(redisKeys.calls)).toBe(0);
  }, 45_000);
});
