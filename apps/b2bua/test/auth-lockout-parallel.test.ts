import { DigestClient } from '@switchboard/dialog';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SecurityMetrics } from '../src/security/security-metrics.js';
import { SECURITY_METRICS } from '../src/tokens.js';
import {
  type RequestSpec,
  startSignalling,
  type SignallingHarness,
  UdpSipClient,
} from './support/sip-test-kit.js';

// Issue #17 item 1: svcrack-style parallel guesses must not all be verified before the lock-out lands.
const LIMIT = 10;
const GUESSES = 200;
// UDP as a UA sends it: resent until answered (§17.1.2.2), so a datagram lost on a busy machine does
// not fail the test; a resend matches its server transaction and gets the same answer.
const TIMEOUT_MS = 15_000;
const RESEND_MS = 500;

let h: SignallingHarness;
let attacker: UdpSipClient;

beforeAll(async () => {
  h = await startSignalling({ SWITCHBOARD_AUTH_MAX_FAILURES: String(LIMIT) });
  await h.addExtension('2001', 'right-password');
  attacker = await new UdpSipClient({ host: '127.0.0.1', port: h.port }).open();
});

afterAll(async () => {
  attacker?.close();
  await h?.close();
});

function register(callId: string, cseq: number, headers: [string, string][] = []): RequestSpec {
  return {
    method: 'REGISTER',
    uri: `sip:${h.domain}`,
    from: `<sip:2001@${h.domain}>`,
    to: `<sip:2001@${h.domain}>`,
    callId,
    cseq,
    headers: [['Contact', `<sip:2001@127.0.0.1:${attacker.port}>`], ...headers],
  };
}

describe('digest lock-out under parallel guesses', () => {
  it(`verifies at most ${LIMIT} of ${GUESSES} simultaneous guesses; the right password among the rest is refused`, async () => {
    // Each guess answers its own challenge (fresh nonce, nc=1), as svcrack does.
    const callIds = Array.from({ length: GUESSES }, (_, i) => `guess-${i}-${crypto.randomUUID()}`);
    const challenges = await Promise.all(
      callIds.map((id) => attacker.request(register(id, 1), TIMEOUT_MS, RESEND_MS)),
    );
    expect(challenges.every((c) => c.status === 401)).toBe(true);
    const guesses = challenges.map((challenge, i) => {
      // The last guess carries the right password: it arrives after the limit was reached.
      const password = i === GUESSES - 1 ? 'right-password' : `wrong-${i}`;
      const [auth] = new DigestClient({ username: '2001', password }).answer(
        401,
        challenge.getHeaders('WWW-Authenticate'),
        { method: 'REGISTER', uri: `sip:${h.domain}` },
      );
      if (!auth) throw new Error('no digest answer');
      return attacker.build(register(callIds[i] ?? '', 2, [[auth.name, auth.value]]));
    });
    const answers = await Promise.all(
      guesses.map((g) => attacker.sendRaw(g.text, g.callId, g.cseq, TIMEOUT_MS, RESEND_MS)),
    );
    const statuses = answers.map((a) => a.status);
    const verified = statuses.filter((s) => s === 401).length;
    expect(verified).toBeGreaterThan(0);
    expect(verified).toBeLessThanOrEqual(LIMIT);
    expect(statuses.filter((s) => s === 403)).toHaveLength(GUESSES - verified);
    expect(statuses.at(-1)).toBe(403);
    const metrics = h.app.get<symbol, SecurityMetrics>(SECURITY_METRICS).snapshot();
    expect(metrics.authLockouts).toBe(1);
    expect(metrics.authFailures).toBe(verified);
    expect(metrics.authRefusedWhileLocked).toBe(GUESSES - verified);
    // Still locked for this source and user: the right password is refused when sent alone too.
    const callId = `after-${crypto.randomUUID()}`;
    const challenge = await attacker.request(register(callId, 1));
    expect(challenge.status).toBe(401);
    const [auth] = new DigestClient({ username: '2001', password: 'right-password' }).answer(
      401,
      challenge.getHeaders('WWW-Authenticate'),
      { method: 'REGISTER', uri: `sip:${h.domain}` },
    );
    if (!auth) throw new Error('no digest answer');
    expect((await attacker.request(register(callId, 2, [[auth.name, auth.value]]))).status).toBe(403);
  });
});
