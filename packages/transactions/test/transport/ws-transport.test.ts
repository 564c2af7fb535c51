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

  it('negotiates the sip subprotocol and refuses clients that do not offer it', async () => {
    const b = await ws();
    const url = `ws://127.0.0.1:${b.address().port}`;
    const good = new WebSocket(url, 'sip');
    await new Promise((resolve) => good.once('open', resolve));
    expect(good.protocol).toBe('sip');
    good.close();
    const bad = new WebSocket(url, 'chat');
    const err = await new Promise<Error>((resolve) => bad.once('error', resolve));
    expect(err.message).toMatch(/401|400|Unexpected server response/);
  });
});
