import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NatKeepAliveService } from '../src/registrar/nat-keepalive.service.js';
import { startSignalling, type SignallingHarness } from './support/sip-test-kit.js';
import { requireSipp, runSipp } from './support/sipp.js';

/**
 * NAT keep-alives on loopback (issue #24): sipp registers over UDP with a private Contact address
 * (10.0.0.2:5060, as a phone behind NAT writes it), so its source differs from its Contact; the
 * signalling role then sends it an OPTIONS every SWITCHBOARD_NAT_KEEPALIVE_SECONDS to its source
 * address and port (sipp, run with -aa, answers them 200: only sipp listens there).
 */
let h: SignallingHarness;

beforeAll(async () => {
  requireSipp();
  h = await startSignalling({
    SWITCHBOARD_SIP_DIGEST_ALGORITHMS: 'MD5,SHA-256',
    SWITCHBOARD_NAT_KEEPALIVE: 'options',
    SWITCHBOARD_NAT_KEEPALIVE_SECONDS: '1',
  });
  await h.addExtension('2101', 'pw-2101');
});

afterAll(async () => {
  await h?.close();
});

describe('NAT keep-alive (sipp, UDP loopback)', () => {
  it('a phone registered from behind NAT gets an OPTIONS at its source address, for its Contact', async () => {
    const { stats } = h.app.get(NatKeepAliveService).keepAlive;
    const run = await runSipp('register-nat-options.xml', { host: '127.0.0.1', port: h.port }, [
      '-s',
      '2101',
      '-au',
      '2101',
      '-ap',
      'pw-2101',
      '-key',
      'domain',
      h.domain,
      '-key',
      'expires',
      '300',
      '-aa',
    ]);
    expect(run.code, `${run.output}\n${run.errors}`).toBe(0);
    // sipp's side: each OPTIONS it answered on its own (-aa) is one event in its error log.
    const autoAnswered = run.errors.match(/Automatic response mode for an unexpected INFO, NOTIFY, OPTIONS/g);
    expect(autoAnswered?.length ?? 0, run.errors).toBeGreaterThanOrEqual(2);
    // 3.5 s registered with a 1 s interval: at least two OPTIONS, each answered.
    expect(stats.answered, JSON.stringify(stats)).toBeGreaterThanOrEqual(2);
    expect(stats.unanswered).toBe(0);
  });
});
