import { once } from 'node:events';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type InboundPacket, WsTransport } from '../../src/index.js';
import { msg } from './test-framer.js';

const open: WsTransport[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
});

async function ws(): Promise<WsTransport> {
  const t = new WsTransport({ port: 0 });
  open.push(t);
  await t.listen();
  return t;
}

describe('WsTransport (RFC 7118)', () => {
  it('exchanges one SIP message per WebSocket message and replies on the same flow', async () => {
    const a = await ws();
    const b = await ws();
    const atB = new Promise<InboundPacket>((resolve) => b.onPacket(resolve));
    await a.send(b.address(), msg(1));
    const p = await atB;
    expect(p.data.toString()).toContain('Call-ID: 1');
    expect(p.flowId).toMatch(/^ws-/);
    const atA = new Promise<InboundPacket>((resolve) => a.onPacket(resolve));
    await b.send(p.source, msg(2), p.flowId);
    expect((await atA).data.toString()).toContain('Call-ID: 2');
  });

  it('answers a CRLFCRLF keep-alive message with a CRLF pong and reports a closed flow', async () => {
    const b = await ws();
    const atB = new Promise<InboundPacket>((resolve) => b.onPacket(resolve));
    const client = new WebSocket(`ws://127.0.0.1:${b.address().port}`, 'sip');
    await once(client, 'open');
    client.send(msg(1));
    const { flowId } = await atB;
    const pong = once(client, 'message');
    client.send('\r\n\r\n');
    expect(String((await pong)[0])).toBe('\r\n');
    expect(b.flows.isOpen(flowId ?? '')).toBe(true);
    const gone = new Promise<string>((resolve) => b.flows.onClosed(resolve));
    client.close();
    expect(await gone).toBe(flowId);
    await expect(
      b.send({ host: '127.0.0.1', port: 1 }, msg(2), flowId, { flowOnly: true }),
    ).rejects.toMatchObject({ code: 'FLOW_FAILED' });
  });

  it('negotiates the sip subprotocol and refuses clients that do not offer it', async () => {
    const b = await ws();
    const url = `ws://127.0.0.1:${b.address().port}`;
    const good = new WebSocket(url, 'sip');
    await new Promise((resolve) => good.once('open', resolve));
    expect(good.protocol).toBe('sip');
    good.close();
    const bad = new WebSocket(url, 'chat');
    const err = await new Promise<Error>((resolve) => bad.once('error', resolve));
    expect(err.message).toMatch(/Unexpected server response: 400/);
  });

  it('answers a handshake without the sip subprotocol with HTTP 400 and a message (RFC 7118 §4.1)', async () => {
    const b = await ws();
    const port = b.address().port;
    const socket = net.connect(port, '127.0.0.1');
    await once(socket, 'connect');
    socket.write(
      [
        'GET / HTTP/1.1',
        `Host: 127.0.0.1:${port}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
        'Sec-WebSocket-Version: 13',
        '',
        '',
      ].join('\r\n'),
    );
    let answer = '';
    socket.on('data', (c: Buffer) => (answer += c.toString('latin1')));
    await once(socket, 'close');
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain('needs the "sip" subprotocol');
  });
});
