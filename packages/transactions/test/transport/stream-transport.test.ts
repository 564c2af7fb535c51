import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  FakeClock,
  type InboundPacket,
  StreamTransport,
  type StreamTransportOptions,
  createSipFramer,
} from '../../src/index.js';
import { TestFramer, msg } from './test-framer.js';
import { selfSignedCert } from './tls-cert.js';

const open: StreamTransport[] = [];
const sockets: net.Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(open.splice(0).map((t) => t.close()));
});

async function stream(opts: Partial<StreamTransportOptions> = {}): Promise<StreamTransport> {
  const t = new StreamTransport({ createFramer: () => new TestFramer(), ...opts });
  open.push(t);
  await t.listen();
  return t;
}

function next(t: StreamTransport): Promise<InboundPacket> {
  return new Promise((resolve) => t.onPacket(resolve));
}

function rawClient(t: StreamTransport): Promise<net.Socket> {
  return new Promise((resolve) => {
    const s = net.connect(t.address().port, '127.0.0.1', () => resolve(s));
    sockets.push(s);
  });
}

function closed(s: net.Socket): Promise<void> {
  return new Promise((resolve) => s.once('close', () => resolve()));
}

function readSome(s: net.Socket): Promise<string> {
  return new Promise((resolve) => s.once('data', (d: Buffer) => resolve(d.toString())));
}

describe('StreamTransport (TCP)', () => {
  it('answers Content-Length: -5 with a 400 naming the header, then closes (RFC 3261 §18.3)', async () => {
    const t = await stream({ createFramer: createSipFramer });
    const s = await rawClient(t);
    let answer = '';
    s.on('data', (d: Buffer) => (answer += d.toString('latin1')));
    const gone = closed(s);
    s.write(
      'OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:5070;branch=z9hG4bKcl\r\nFrom: <sip:c@d>;tag=1\r\n' +
        'To: <sip:a@b>\r\nCall-ID: cl@x\r\nCSeq: 1 OPTIONS\r\nContent-Length: -5\r\n\r\n',
    );
    await gone;
    expect(answer).toMatch(/^SIP\/2\.0 400 Invalid Content-Length header/);
    expect(answer).toContain('Call-ID: cl@x');
  });

  it('closes a connection sending 64 KiB with no end of header section', async () => {
    const t = await stream({ createFramer: createSipFramer });
    const s = await rawClient(t);
    const gone = closed(s);
    s.write(`OPTIONS sip:a@b SIP/2.0\r\nX: ${'a'.repeat(70 * 1024)}`);
    await gone;
    expect(t.connectionCount).toBe(0);
  });

  it('frames messages split across and packed into TCP segments', async () => {
    const b = await stream();
    const got: string[] = [];
    const done = new Promise<void>((resolve) =>
      b.onPacket((p) => {
        got.push(p.data.toString());
        if (got.length === 3) resolve();
      }),
    );
    const s = await rawClient(b);
    const all = Buffer.concat([msg(1, 'abc'), msg(2), msg(3, 'xyz')]);
    s.write(all.subarray(0, 10));
    s.write(all.subarray(10, 70));
    s.write(all.subarray(70));
    await done;
    expect(got.map((g) => /Call-ID: (\d)/.exec(g)?.[1])).toEqual(['1', '2', '3']);
    expect(got[0]?.endsWith('abc')).toBe(true);
  });

  it('reuses one connection both ways: the reply goes back on the flow it came from', async () => {
    const a = await stream();
    const b = await stream();
    const atB = next(b);
    await a.send(b.address(), msg(1));
    const p = await atB;
    expect(p.flowId).toMatch(/^tcp-/);
    const atA = next(a);
    await b.send(p.source, msg(2), p.flowId);
    await a.send(b.address(), msg(3));
    expect((await atA).data.toString()).toContain('Call-ID: 2');
    expect(a.connectionCount).toBe(1);
    expect(b.connectionCount).toBe(1);
  });

  it('answers a double-CRLF ping with a single CRLF pong (RFC 5626 §4.4.1)', async () => {
    const b = await stream();
    const s = await rawClient(b);
    const reply = readSome(s);
    s.write('\r\n\r\n');
    expect(await reply).toBe('\r\n');
  });

  it('closes connections idle past the timeout', async () => {
    const clock = new FakeClock();
    const b = await stream({ clock, idleTimeoutMs: 1000 });
    const s = await rawClient(b);
    const gone = closed(s);
    const atB = next(b);
    s.write(msg(1));
    await atB;
    expect(b.connectionCount).toBe(1);
    clock.advance(1000);
    await gone;
    expect(b.connectionCount).toBe(0);
  });

  it('keeps a connection that carries a live binding open past the idle timeout, until the pin ends', async () => {
    const clock = new FakeClock();
    const b = await stream({ clock, idleTimeoutMs: 1000 });
    const s = await rawClient(b);
    let isClosed = false;
    const gone = closed(s).then(() => (isClosed = true));
    const atB = next(b);
    s.write(msg(1));
    const { flowId } = await atB;
    // The registrar pins the flow for the binding's lifetime (RFC 5626 §5.3 / issue #16 item 4).
    expect(b.flows.pin(flowId ?? '', 'sip:1001@pbx', { forMs: 5000 })).toBe(true);
    clock.advance(4000);
    await new Promise((resolve) => setImmediate(resolve));
    expect(isClosed).toBe(false);
    expect(b.flows.isOpen(flowId ?? '')).toBe(true);
    // The binding expired: the plain idle rule applies again.
    clock.advance(1250);
    await gone;
    expect(b.flows.isOpen(flowId ?? '')).toBe(false);
  });

  it('closes a pinned flow whose keep-alives stop (Flow-Timer, RFC 5626 §4.4.1), and reports it', async () => {
    const clock = new FakeClock();
    const b = await stream({ clock, idleTimeoutMs: 1000 });
    const s = await rawClient(b);
    const atB = next(b);
    s.write(msg(1));
    const { flowId } = await atB;
    const reported = new Promise<string>((resolve) => b.flows.onClosed(resolve));
    b.flows.pin(flowId ?? '', 'sip:1001@pbx', { forMs: 60_000, maxSilenceMs: 2000 });
    // A CRLF ping counts as life: it is answered and keeps the flow.
    clock.advance(1500);
    const pong = readSome(s);
    s.write('\r\n\r\n');
    expect(await pong).toBe('\r\n');
    clock.advance(1500);
    expect(b.flows.isOpen(flowId ?? '')).toBe(true);
    clock.advance(1000);
    expect(await reported).toBe(flowId);
  });

  it('never opens a new connection for a request bound to a closed flow (FLOW_FAILED)', async () => {
    const a = await stream();
    const b = await stream();
    const atB = next(b);
    await a.send(b.address(), msg(1));
    const p = await atB;
    const flowGone = new Promise<string>((resolve) => b.flows.onClosed(resolve));
    await a.close();
    expect(await flowGone).toBe(p.flowId);
    await expect(b.send(p.source, msg(2), p.flowId, { flowOnly: true })).rejects.toMatchObject({
      code: 'FLOW_FAILED',
    });
    expect(b.connectionCount).toBe(0);
  });

  it('refuses connections above the cap', async () => {
    const b = await stream({ maxConnections: 1 });
    const first = await rawClient(b);
    const second = await rawClient(b);
    await closed(second);
    expect(first.destroyed).toBe(false);
    expect(b.connectionCount).toBe(1);
  });

  it('drops a connection that buffers more than the cap without completing a message', async () => {
    const b = await stream({ maxBufferedBytes: 200 });
    const s = await rawClient(b);
    const gone = closed(s);
    s.write(`OPTIONS sip:x@y SIP/2.0\r\nX: ${'a'.repeat(500)}`);
    await gone;
    expect(b.connectionCount).toBe(0);
  });

  it('reports a refused connect as a typed transport error', async () => {
    const a = await stream();
    const spare = await stream();
    const port = spare.address().port;
    await spare.close();
    await expect(a.send({ host: '127.0.0.1', port }, msg(1))).rejects.toMatchObject({
      code: 'CONNECT_FAILED',
    });
  });

  it('rejects an outbound connection above the cap', async () => {
    const a = await stream({ maxConnections: 1 });
    const b = await stream();
    const c = await stream();
    await a.send(b.address(), msg(1));
    await expect(a.send(c.address(), msg(2))).rejects.toMatchObject({ code: 'CONNECTION_LIMIT' });
  });
});

describe('StreamTransport (TLS)', () => {
  it('carries messages over TLS with connection reuse', async () => {
    const { key, cert } = selfSignedCert();
    const tls = { server: { key, cert }, client: { ca: [cert] } };
    const a = await stream({ tls });
    const b = await stream({ tls });
    expect(a.protocol).toBe('TLS');
    const atB = next(b);
    await a.send(b.address(), msg(7));
    const p = await atB;
    expect(p.data.toString()).toContain('Call-ID: 7');
    const atA = next(a);
    await b.send(p.source, msg(8), p.flowId);
    expect((await atA).data.toString()).toContain('Call-ID: 8');
    expect(a.connectionCount).toBe(1);
  });
});
