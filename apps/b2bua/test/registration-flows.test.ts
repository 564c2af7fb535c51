// Item 16.4: connection-oriented phones. A TCP phone that reconnects must not leave a binding on its
// dead connection (calls forked to it failed with 408), and an RFC 5626 outbound phone gets its
// binding tied to the flow it registered on: Require: outbound, Flow-Timer, CRLF keep-alive pong,
// one binding per instance and reg-id. Phones are hand-driven TCP connections (StreamPhone).
import crypto from 'node:crypto';
import { redisKeys, registrationBindingSchema } from '@switchboard/live-state';
import type { SipRequest, SipResponse } from '@switchboard/sip';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startCalls, type CallsHarness } from './support/calls-harness.js';
import { freeTcpPort } from './support/sip-test-kit.js';
import { StreamPhone, TEST_SDP } from './support/stream-phone.js';

let h: CallsHarness;
let tcpPort: number;
let caller: StreamPhone;
const phones: StreamPhone[] = [];

beforeAll(async () => {
  tcpPort = await freeTcpPort();
  h = await startCalls({ SWITCHBOARD_SIP_TCP_PORT: String(tcpPort) });
  await h.addExtension('1001', 'secret-1001');
  await h.addExtension('1002', 'secret-1002');
  await h.addExtension('1003', 'secret-1003');
  caller = await phone('1001');
}, 60_000);

afterAll(async () => {
  for (const p of phones) p.close();
  await h?.close();
});

async function phone(user: string): Promise<StreamPhone> {
  const p = await new StreamPhone({
    protocol: 'TCP',
    server: { host: '127.0.0.1', port: tcpPort },
    user,
    password: `secret-${user}`,
    domain: h.domain,
  }).connect();
  phones.push(p);
  return p;
}

function contactsOf(r: SipResponse): string[] {
  return r.contacts === '*' ? [] : r.contacts.map((c) => c.uriText);
}

async function bindingsOf(user: string) {
  const raw = await h.redis.hvals(redisKeys.registration(`sip:${user}@${h.domain}`));
  return raw.map((v) => registrationBindingSchema.parse(JSON.parse(v)));
}

/** The one call record of the one call to `user` (records are written in batches). */
async function recordOf(user: string) {
  return vi.waitFor(
    async () => {
      const rows = await h.prisma.callRecord.findMany({ where: { calleeNumber: user } });
      if (rows.length !== 1) throw new Error(`expected one call record, found ${rows.length}`);
      return rows[0]!;
    },
    { timeout: 10_000, interval: 50 },
  );
}

/** The caller calls `user`; `callee` answers; ACK, then the caller hangs up. Returns the caller's Call-ID. */
async function callAndAnswer(user: string, callee: StreamPhone): Promise<SipRequest> {
  const callId = await caller.invite(`sip:${user}@${h.domain}`, TEST_SDP);
  const invite = await callee.request('INVITE');
  callee.answer(invite);
  const ok = await caller.response(callId, 'INVITE');
  expect(ok.status).toBe(200);
  const to = ok.getHeader('To') ?? '';
  const target = contactsOf(ok)[0] ?? '';
  caller.send(caller.build({ method: 'ACK', uri: target, to, callId, cseq: 2 }));
  caller.send(caller.build({ method: 'BYE', uri: target, to, callId, cseq: 3 }));
  expect((await caller.response(callId, 'BYE')).status).toBe(200);
  return invite;
}

describe('connection-oriented phones (issue #16 item 4)', () => {
  it('a TCP phone that reconnects and re-registers: its old binding is gone and a call rings only the new connection', async () => {
    const first = await phone('1002');
    expect((await first.register()).status).toBe(200);
    first.close();
    await first.closed;
    const second = await phone('1002');
    const ok = await second.register();
    expect(ok.status).toBe(200);
    // §10.3 step 8 lists every current binding: only the new connection's Contact is left.
    expect(contactsOf(ok)).toEqual([`sip:1002@127.0.0.1:${second.localPort};transport=tcp`]);
    const invite = await callAndAnswer('1002', second);
    expect(invite.getHeader('Via')).toContain('SIP/2.0/TCP');
    // No branch toward the dead connection (it used to fail with 408 beside the answered one).
    expect((await recordOf('1002')).legs).toMatchObject([{ answered: true, status: 200 }]);
  });

  it('RFC 5626 outbound: Require: outbound + Flow-Timer, CRLF pong, and a new flow of the same instance and reg-id replaces the binding', async () => {
    const instance = `<urn:uuid:${crypto.randomUUID()}>`;
    const outbound = `;+sip.instance="${instance}";reg-id=1`;
    const supported: [string, string][] = [['Supported', 'outbound, path']];
    const first = await phone('1003');
    const ok = await first.register(outbound, 600, supported);
    expect(ok.status).toBe(200);
    expect(ok.require).toContain('outbound');
    expect(ok.getHeader('Flow-Timer')).toBe('90');
    expect(ok.getHeader('Contact')).toContain(`+sip.instance="${instance}";reg-id=1`);
    // §4.4.1: a double-CRLF ping on the flow gets a single CRLF pong.
    const pong = first.nextChunk();
    first.send('\r\n\r\n');
    expect((await pong).toString()).toBe('\r\n');
    const [bound] = await bindingsOf('1003');
    expect(bound).toMatchObject({ instance, regId: 1, transport: 'TCP' });
    expect(bound?.flowId).toMatch(/^tcp-/);

    // The phone moves to a new connection (the old one is still open): same instance and reg-id.
    const second = await phone('1003');
    const again = await second.register(outbound, 600, supported);
    expect(again.status).toBe(200);
    expect(contactsOf(again)).toEqual([`sip:1003@127.0.0.1:${second.localPort};transport=tcp`]);
    const bindings = await bindingsOf('1003');
    expect(bindings).toHaveLength(1);
    expect(bindings[0]?.flowId).not.toBe(bound?.flowId);

    // The call goes over the new flow only (§5.3): one leg, answered there.
    await callAndAnswer('1003', second);
    expect((await recordOf('1003')).legs).toMatchObject([{ answered: true, status: 200 }]);
  });
});
