import net from 'node:net';
import { DigestClient } from '@switchboard/dialog';
import { redisKeys, registrationBindingSchema } from '@switchboard/live-state';
import { type SipResponse, StreamFramer } from '@switchboard/sip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freeTcpPort,
  startSignalling,
  type SignallingHarness,
  UdpSipClient,
} from './support/sip-test-kit.js';

// Two signalling processes of one deployment (same database, Redis and domain), as behind a SIP load balancer.
let a: SignallingHarness;
let b: SignallingHarness;
let tcpPort: number;
let phone: UdpSipClient;
let toB: UdpSipClient;

beforeAll(async () => {
  tcpPort = await freeTcpPort();
  a = await startSignalling({ SWITCHBOARD_SIP_TCP_PORT: String(tcpPort) });
  b = await startSignalling({}, a);
  await a.addExtension('3001', 'pw-3001');
  phone = await new UdpSipClient({ host: '127.0.0.1', port: a.port }).open();
  toB = await new UdpSipClient({ host: '127.0.0.1', port: b.port }).open();
});

afterAll(async () => {
  phone?.close();
  toB?.close();
  await b?.close();
  await a?.close();
});

const spec = (client: UdpSipClient, cseq: number, callId: string, headers: [string, string][] = []) => ({
  method: 'REGISTER',
  uri: `sip:${a.domain}`,
  from: `<sip:3001@${a.domain}>`,
  to: `<sip:3001@${a.domain}>`,
  callId,
  cseq,
  headers: [['Contact', `<sip:3001@127.0.0.1:${client.port}>`] as [string, string], ...headers],
});

describe('several signalling processes', () => {
  it('accept each other nonces, and a nonce count used on one is refused on the other (stale)', async () => {
    const callId = `${crypto.randomUUID()}@127.0.0.1`;
    const challenge = await phone.request(spec(phone, 1, callId));
    expect(challenge.status).toBe(401);
    const [auth] = new DigestClient({ username: '3001', password: 'pw-3001' }).answer(
      401,
      challenge.getHeaders('WWW-Authenticate'),
      { method: 'REGISTER', uri: `sip:${a.domain}` },
    );
    if (!auth) throw new Error('no digest answer');
    const onB = await toB.request(spec(toB, 2, callId, [[auth.name, auth.value]]));
    expect(onB.status).toBe(200);
    // The same credentials (same nc) replayed to the first process.
    const replay = await phone.request(spec(phone, 3, callId, [[auth.name, auth.value]]));
    expect(replay.status).toBe(401);
    expect(replay.getHeaders('WWW-Authenticate')[0]).toContain('stale=true');
  });

  it('record a registration over TCP with its transport and the connection source address', async () => {
    const socket = net.connect(tcpPort, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const local = socket.localPort ?? 0;
    const framer = new StreamFramer();
    const responses: SipResponse[] = [];
    const waiters: ((r: SipResponse) => void)[] = [];
    socket.on('data', (chunk: Buffer) => {
      for (const m of framer.push(chunk)) {
        if (m.kind !== 'response') continue;
        const w = waiters.shift();
        if (w) w(m);
        else responses.push(m);
      }
    });
    const send = (text: string): Promise<SipResponse> =>
      new Promise((resolve) => {
        waiters.push(resolve);
        socket.write(text);
      });
    const callId = `${crypto.randomUUID()}@127.0.0.1`;
    const build = (cseq: number, extra = ''): string =>
      [
        `REGISTER sip:${a.domain};transport=tcp SIP/2.0`,
        `Via: SIP/2.0/TCP 127.0.0.1:${local};branch=z9hG4bK${crypto.randomUUID().slice(0, 8)}${cseq}`,
        'Max-Forwards: 70',
        `From: <sip:3001@${a.domain}>;tag=tcp1`,
        `To: <sip:3001@${a.domain}>`,
        `Call-ID: ${callId}`,
        `CSeq: ${cseq} REGISTER`,
        `Contact: <sip:3001@192.0.2.44:5070;transport=tcp>`,
        ...(extra ? [extra] : []),
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n');
    const challenge = await send(build(1));
    expect(challenge.status).toBe(401);
    const [auth] = new DigestClient({ username: '3001', password: 'pw-3001' }).answer(
      401,
      challenge.getHeaders('WWW-Authenticate'),
      { method: 'REGISTER', uri: `sip:${a.domain};transport=tcp` },
    );
    if (!auth) throw new Error('no digest answer');
    const ok = await send(build(2, `${auth.name}: ${auth.value}`));
    socket.destroy();
    expect(ok.status).toBe(200);
    const raw = await a.redis.hget(
      redisKeys.registration(`sip:3001@${a.domain}`),
      'sip:3001@192.0.2.44:5070;transport=tcp',
    );
    const binding = registrationBindingSchema.parse(JSON.parse(raw ?? 'null'));
    expect(binding.transport).toBe('TCP');
    expect(binding.sourceAddress).toBe(`127.0.0.1:${local}`);
    expect(responses).toEqual([]);
  });
});
