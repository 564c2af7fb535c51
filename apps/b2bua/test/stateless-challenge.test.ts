import type { PrismaClient } from '@switchboard/db';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SipStackService } from '../src/sip/sip-stack.service.js';
import { PRISMA, REDIS } from '../src/tokens.js';
import {
  type RequestSpec,
  startSignalling,
  type SignallingHarness,
  UdpSipClient,
} from './support/sip-test-kit.js';

/**
 * Issue #17 item 2: an INVITE or REGISTER without credentials is challenged statelessly (RFC 3261
 * §8.2.7): no server transaction, no Redis command, and no database read once the caller's row (or
 * its absence) was read within the digest-row cache time — so a flood of them before the flood
 * guard's ban costs a nonce and a datagram each.
 */
let h: SignallingHarness;
let phone: UdpSipClient;

beforeAll(async () => {
  h = await startSignalling();
  await h.addExtension('300', 'pw-300');
  phone = await new UdpSipClient({ host: '127.0.0.1', port: h.port }).open();
});

afterAll(async () => {
  phone?.close();
  await h?.close();
});

function spec(method: 'INVITE' | 'REGISTER', user: string): RequestSpec {
  return {
    method,
    uri: method === 'REGISTER' ? `sip:${h.domain}` : `sip:301@${h.domain}`,
    from: `<sip:${user}@${h.domain}>`,
    to: method === 'REGISTER' ? `<sip:${user}@${h.domain}>` : `<sip:301@${h.domain}>`,
    headers: [['Contact', `<sip:${user}@127.0.0.1:${phone.port}>`]],
  };
}

const toTag = (r: { getHeader(n: string): string | undefined }): string | undefined =>
  /;tag=([^;]+)/.exec(r.getHeader('To') ?? '')?.[1];

describe('stateless digest challenges', () => {
  it('a retransmission that arrives while the first answer is made (digest row being read) gets none', async () => {
    const { text, callId } = phone.build(spec('REGISTER', 'new-user'));
    const bytes = Buffer.from(text, 'latin1');
    phone.socket.send(bytes, h.port, '127.0.0.1');
    phone.socket.send(bytes, h.port, '127.0.0.1');
    const answer = await phone.sendRaw(text, callId); // a third copy, after which the answer is awaited
    expect(answer.status).toBe(401);
    await phone.request({
      method: 'OPTIONS',
      uri: `sip:${h.domain}`,
      from: `<sip:x@${h.domain}>`,
      to: `<sip:${h.domain}>`,
    });
    // The three copies may get one to three identical answers (a copy read after the row is there gets
    // the first answer again), never two different challenges.
    const answers = phone.received.filter((r) => r.getHeader('Call-ID') === callId);
    expect(new Set(answers.map((r) => r.getHeader('WWW-Authenticate'))).size).toBe(1);
  });

  it('answers INVITE 407 and REGISTER 401 with no transaction, no Redis and (cached) no database work', async () => {
    const stack = h.app.get(SipStackService);
    // The first challenges read the rows (an extension and an unknown user); then they are known.
    expect((await phone.request(spec('REGISTER', '300'))).status).toBe(401);
    expect((await phone.request(spec('INVITE', '999'))).status).toBe(407);
    const redis = h.app.get<symbol, Redis>(REDIS);
    const prisma = h.app.get<symbol, PrismaClient>(PRISMA);
    const servers = stack.layer.size.servers; // an OPTIONS of another case may still be in Timer J
    const redisCommands = vi.spyOn(redis, 'sendCommand');
    const rowReads = vi.spyOn(prisma.extension, 'findUnique');
    try {
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          phone.request(spec(i % 2 === 0 ? 'INVITE' : 'REGISTER', i % 4 < 2 ? '300' : '999')),
        ),
      );
      expect(answers.map((a) => a.status)).toEqual(
        Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 407 : 401)),
      );
      expect(stack.layer.size.servers).toBe(servers);
      expect(redisCommands).not.toHaveBeenCalled();
      expect(rowReads).not.toHaveBeenCalled();
    } finally {
      redisCommands.mockRestore();
      rowReads.mockRestore();
    }
  });

  it('answers a retransmission with the same response (To tag, nonce), and absorbs the ACK', async () => {
    const { text, callId } = phone.build(spec('INVITE', '300'));
    const first = await phone.sendRaw(text, callId);
    const again = await phone.sendRaw(text, callId);
    expect([first.status, again.status]).toEqual([407, 407]);
    expect(toTag(first)).toMatch(/^[0-9a-f]{16}$/);
    expect(toTag(again)).toBe(toTag(first));
    expect(again.getHeaders('Proxy-Authenticate')).toEqual(first.getHeaders('Proxy-Authenticate'));
    // The ACK of the 407 (§17.1.1.3) finds no transaction and no dialog: dropped, nothing answered.
    const ack = text
      .replace(/^INVITE /, 'ACK ')
      .replace(/CSeq: 1 INVITE/, 'CSeq: 1 ACK')
      .replace(/^To: (.*)$/m, `To: $1;tag=${toTag(first)}`);
    phone.socket.send(Buffer.from(ack, 'latin1'), h.port, '127.0.0.1');
    const options = await phone.request({
      method: 'OPTIONS',
      uri: `sip:${h.domain}`,
      from: `<sip:300@${h.domain}>`,
      to: `<sip:${h.domain}>`,
    });
    expect(options.status).toBe(200);
    expect(phone.received.filter((r) => r.getHeader('Call-ID') === callId)).toHaveLength(2);
  });
});
