import { type SipMessage, createRequest } from '@switchboard/sip';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type ResolvedTarget,
  StreamTransport,
  SwitchboardSipCodec,
  SystemClock,
  TransactionLayer,
  type Transport,
  UdpTransport,
  WsTransport,
  createSipFramer,
} from '../../src/index.js';
import { selfSignedCert } from '../transport/tls-cert.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

type Make = () => Transport;
const cert = selfSignedCert();
const tls = { server: { key: cert.key, cert: cert.cert }, client: { ca: [cert.cert] } };

const kinds: { name: string; make: Make }[] = [
  { name: 'UDP over IPv6', make: () => new UdpTransport({ host: '::1', port: 0 }) },
  { name: 'TCP', make: () => new StreamTransport({ port: 0, createFramer: createSipFramer }) },
  { name: 'TLS', make: () => new StreamTransport({ port: 0, createFramer: createSipFramer, tls }) },
  { name: 'WS', make: () => new WsTransport({ port: 0 }) },
  { name: 'WSS', make: () => new WsTransport({ port: 0, tls }) },
];

describe.each(kinds)('TransactionLayer over $name', ({ make }) => {
  it('completes OPTIONS -> 200 with the Via transport and received/rport right', async () => {
    const clock = new SystemClock();
    const codec = new SwitchboardSipCodec();
    const serverT = make();
    const clientT = make();
    const server = new TransactionLayer<SipMessage>({ codec, clock, transports: [serverT] });
    const client = new TransactionLayer<SipMessage>({ codec, clock, transports: [clientT] });
    closers.push(
      () => server.close(),
      () => client.close(),
    );
    await serverT.listen();
    await clientT.listen();
    const seenVia: string[] = [];
    server.setUser({
      onRequest: (req, tx) => {
        seenVia.push(req.getHeader('Via') ?? '');
        tx.reply(200);
      },
    });
    const target: ResolvedTarget = { protocol: serverT.protocol, ...serverT.address() };
    const request = createRequest({
      method: 'OPTIONS',
      uri: `sip:x@${target.host.includes(':') ? `[${target.host}]` : target.host}`,
      headers: {
        From: '<sip:a@example.com>;tag=1',
        To: '<sip:x@example.com>',
        'Call-ID': 'lt-1',
        CSeq: '1 OPTIONS',
      },
    });
    const status = await new Promise<number>((resolve, reject) => {
      client.sendRequest(request, target, {
        onResponse: (_r, s) => s >= 200 && resolve(s),
        onTimeout: () => reject(new Error('timeout')),
        onTransportError: reject,
      });
    });
    expect(status).toBe(200);
    expect(seenVia[0]).toMatch(new RegExp(`^SIP/2.0/${serverT.protocol} `));
    expect(seenVia[0]).toMatch(/;rport=\d+/);
  });
});
