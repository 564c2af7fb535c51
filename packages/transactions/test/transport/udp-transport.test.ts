import { afterEach, describe, expect, it } from 'vitest';
import { type InboundPacket, UdpTransport } from '../../src/index.js';
import { msg } from './test-framer.js';

const open: UdpTransport[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
});

async function udp(host: string): Promise<UdpTransport> {
  const t = new UdpTransport({ host, port: 0 });
  open.push(t);
  await t.listen();
  return t;
}

function next(t: UdpTransport): Promise<InboundPacket> {
  return new Promise((resolve) => t.onPacket(resolve));
}

describe('UdpTransport', () => {
  it.each(['127.0.0.1', '::1'])('delivers datagrams with their source over %s', async (host) => {
    const a = await udp(host);
    const b = await udp(host);
    const got = next(b);
    await a.send(b.address(), msg(1));
    const p = await got;
    expect(p.data.toString()).toContain('Call-ID: 1');
    expect(p.source).toEqual(a.address());
    expect(p.flowId).toBeUndefined();
    expect(b.address().host).toBe(host);
  });

  it('still resolves a host name given as the target', async () => {
    const a = await udp('127.0.0.1');
    const b = await udp('127.0.0.1');
    const got = next(b);
    await a.send({ host: 'localhost', port: b.address().port }, msg(3));
    expect((await got).data.toString()).toContain('Call-ID: 3');
  });

  it('ignores bare CRLF keep-alives', async () => {
    const a = await udp('127.0.0.1');
    const b = await udp('127.0.0.1');
    const seen: string[] = [];
    b.onPacket((p) => seen.push(p.data.toString()));
    const got = next(b);
    await a.send(b.address(), Buffer.from('\r\n\r\n'));
    await a.send(b.address(), msg(2));
    await got;
    expect(seen).toHaveLength(1);
    expect(seen[0]).toContain('Call-ID: 2');
  });

  it('rejects sends after close with a typed error', async () => {
    const a = await udp('127.0.0.1');
    await a.close();
    await expect(a.send({ host: '127.0.0.1', port: 9 }, msg(3))).rejects.toMatchObject({
      name: 'TransportError',
      code: 'CLOSED',
    });
  });
});
