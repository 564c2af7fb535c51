import { DigestClient } from '@switchboard/dialog';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { checkWellFormed } from '../src/sip/request-checks.js';
import { SipStackService } from '../src/sip/sip-stack.service.js';
import { startSignalling, type SignallingHarness, UdpSipClient } from './support/sip-test-kit.js';

// The grammar check, counted (it behaves as ever): a request is checked once on its way in.
vi.mock('../src/sip/request-checks.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../src/sip/request-checks.js')>();
  return { ...actual, checkWellFormed: vi.fn(actual.checkWellFormed) };
});

let h: SignallingHarness;
let phone: UdpSipClient;

beforeAll(async () => {
  h = await startSignalling();
  phone = await new UdpSipClient({ host: '127.0.0.1', port: h.port }).open();
});

afterAll(async () => {
  phone?.close();
  await h?.close();
});

const us = (): string => `sip:${h.domain}`;
const from = (): string => `<sip:1001@${h.domain}>`;

describe('SIP stack: checks every request passes (RFC 3261 §8.2)', () => {
  it('answers 400 naming the problem for a request that fails the grammar check', async () => {
    const r = await phone.request({
      method: 'OPTIONS',
      uri: us(),
      from: from(),
      to: `<${us()}>`,
      maxForwards: 'seventy',
    });
    expect(r.status).toBe(400);
    expect(r.reason).toMatch(/Max-Forwards/);
  });

  it('answers 400 with the parser reason for a request whose CSeq cannot be read', async () => {
    const { text, callId } = phone.build({ method: 'OPTIONS', uri: us(), from: from(), to: `<${us()}>` });
    const broken = text.replace('CSeq: 1 OPTIONS', 'CSeq: one OPTIONS');
    const answer = await phone.sendRaw(broken, callId);
    expect(answer.status).toBe(400);
    expect(answer.reason).toMatch(/CSeq/);
    expect(answer.getHeader('CSeq')).toBe('one OPTIONS');
  });

  it('survives garbage and keeps answering', async () => {
    phone.socket.send(Buffer.from('\x00\x01garbage\r\n\r\n'), h.port, '127.0.0.1');
    const r = await phone.request({ method: 'OPTIONS', uri: us(), from: from(), to: `<${us()}>` });
    expect(r.status).toBe(200);
  });

  it('keeps answering after 300 mutated requests (seeded byte flips, truncations, header duplication)', async () => {
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const { text } = phone.build({
      method: 'REGISTER',
      uri: us(),
      from: from(),
      to: `<sip:1001@${h.domain}>`,
      headers: [
        ['Contact', `<sip:1001@127.0.0.1:${phone.port}>;expires=60;q=0.5`],
        [
          'Authorization',
          `Digest username="1001", realm="${h.domain}", nonce="n", uri="${us()}", response="0"`,
        ],
      ],
    });
    const base = Buffer.from(text, 'latin1');
    for (let i = 0; i < 300; i++) {
      const m = Buffer.from(base);
      const kind = i % 3;
      if (kind === 0) for (let k = 0; k < 4; k++) m[random(m.length)] = random(256);
      const out =
        kind === 1 ? m.subarray(0, random(m.length)) : kind === 2 ? Buffer.concat([m.subarray(0, 40), m]) : m;
      phone.socket.send(out, h.port, '127.0.0.1');
    }
    // A burst this size overflows the socket's receive buffer, so the OPTIONS may be dropped
    // once: it is retransmitted every 500 ms as a UA would (T1, RFC 3261 §17.1.2.2).
    const r = await phone.request(
      { method: 'OPTIONS', uri: us(), from: from(), to: `<${us()}>` },
      10_000,
      500,
    );
    expect(r.status).toBe(200);
    // The broken ones that could be answered got a 400 naming the problem.
    const rejected = phone.received.filter((m) => m.status === 400);
    expect(rejected.length).toBeGreaterThan(0);
    for (const m of rejected) expect(m.reason).toMatch(/\S/);
  });

  it('answers 483 to a request that would be relayed with Max-Forwards: 0', async () => {
    const r = await phone.request({
      method: 'INVITE',
      uri: `sip:1002@${h.domain}`,
      from: from(),
      to: `<sip:1002@${h.domain}>`,
      maxForwards: 0,
      headers: [['Contact', `<sip:1001@127.0.0.1:${phone.port}>`]],
    });
    expect(r.status).toBe(483);
    expect(r.reason).toBe('Too Many Hops');
  });

  it('still serves OPTIONS addressed to us with Max-Forwards: 0', async () => {
    const r = await phone.request({
      method: 'OPTIONS',
      uri: us(),
      from: from(),
      to: `<${us()}>`,
      maxForwards: 0,
    });
    expect(r.status).toBe(200);
  });

  it('answers 420 with Unsupported for an option tag we do not implement (§8.2.2.3)', async () => {
    const r = await phone.request({
      method: 'OPTIONS',
      uri: us(),
      from: from(),
      to: `<${us()}>`,
      headers: [['Require', 'foo, bar']],
    });
    expect(r.status).toBe(420);
    expect(r.unsupported).toEqual(['foo', 'bar']);
  });

  it('answers 405 with Allow for a method nobody handles (§8.2.1)', async () => {
    const r = await phone.request({ method: 'PUBLISH', uri: us(), from: from(), to: `<${us()}>` });
    expect(r.status).toBe(405);
    expect(r.allow).toEqual(expect.arrayContaining(['ACK', 'CANCEL', 'OPTIONS', 'REGISTER']));
    expect(r.allow).not.toContain('PUBLISH');
  });

  it('answers OPTIONS with 200, Allow, Accept and Supported (§11.2)', async () => {
    const r = await phone.request({ method: 'OPTIONS', uri: us(), from: from(), to: `<${us()}>` });
    expect(r.status).toBe(200);
    expect(r.allow).toEqual(h.app.get(SipStackService).allowedMethods);
    expect(r.allow).toEqual(expect.arrayContaining(['OPTIONS', 'REGISTER']));
    expect(r.getHeader('Accept')).toBe('application/sdp');
    expect(r.hasHeader('Supported')).toBe(true);
    expect(r.to.tag).toBeDefined();
  });

  it('answers a CANCEL for no transaction with 481 (§9.2)', async () => {
    const r = await phone.request({
      method: 'CANCEL',
      uri: `sip:1002@${h.domain}`,
      from: from(),
      to: `<sip:1002@${h.domain}>`,
    });
    expect(r.status).toBe(481);
  });

  it('exposes its listening points and a Contact URI for call legs', () => {
    const stack = h.app.get(SipStackService);
    expect(stack.listeningPoints).toEqual([{ protocol: 'UDP', host: '127.0.0.1', port: h.port }]);
    expect(stack.localUri('UDP', 'b2bua')).toBe(`sip:b2bua@127.0.0.1:${h.port}`);
  });

  it('checks a request its screen passes on to the handler once, not again before dispatch', async () => {
    await h.addExtension('1001', 'secret-1001');
    const register = {
      method: 'REGISTER',
      uri: us(),
      from: from(),
      to: from(),
      callId: `${crypto.randomUUID()}@127.0.0.1`,
      headers: [['Contact', `<sip:1001@127.0.0.1:${phone.port}>`]] as [string, string][],
    };
    const checksOf = (callId: string): number =>
      vi.mocked(checkWellFormed).mock.calls.filter(([request]) => request.callId === callId).length;
    const challenge = await phone.request({ ...register, cseq: 1 });
    expect(challenge.status).toBe(401);
    // The challenge is the screen's own (stateless) answer: one check.
    expect(checksOf(register.callId)).toBe(1);
    const [auth] = new DigestClient({ username: '1001', password: 'secret-1001' }).answer(
      401,
      challenge.getHeaders('WWW-Authenticate'),
      { method: 'REGISTER', uri: register.uri },
    );
    if (!auth) throw new Error('no digest answer');
    const ok = await phone.request({
      ...register,
      cseq: 2,
      headers: [...register.headers, [auth.name, auth.value]],
    });
    expect(ok.status).toBe(200);
    // Screened (passed on) and dispatched: checked once more, not twice.
    expect(checksOf(register.callId)).toBe(2);
  });
});
