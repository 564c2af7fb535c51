// Item 16.3: with an IPv6 address as SIP domain, every URI and host the PBX writes has the address
// bracketed (RFC 3261 §19.1.1 IPv6reference, RFC 5118 §4.1): AORs of bindings, To/From/Contact/Via.
// Phones on real TCP connections over ::1.
import { computeDigestCredentials } from '@switchboard/db';
import { redisKeys } from '@switchboard/live-state';
import { validate } from '@switchboard/sip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCalls, type CallsHarness } from './support/calls-harness.js';
import { freeTcpPort } from './support/sip-test-kit.js';
import { StreamPhone, TEST_SDP } from './support/stream-phone.js';

let h: CallsHarness;
let caller: StreamPhone;
let callee: StreamPhone;
let domain: string;

beforeAll(async () => {
  const tcpPort = await freeTcpPort();
  h = await startCalls({
    SWITCHBOARD_SIP_BIND_ADDRESS: '::1',
    SWITCHBOARD_SIP_TCP_PORT: String(tcpPort),
    // Empty = unset: the domain defaults to the public address, ::1.
    SWITCHBOARD_SIP_DOMAIN: '',
  });
  domain = h.config.sip.domain;
  // The domain is not random here: clear what an earlier run left in the shared Redis.
  await h.redis.del(redisKeys.registration('sip:1002@[::1]'));
  // The harness's addExtension uses its random test domain as realm; here the realm is [::1].
  for (const n of ['1001', '1002'])
    await h.prisma.extension.create({
      data: { number: n, displayName: `Ext ${n}`, ...computeDigestCredentials(n, domain, `secret-${n}`) },
    });
  const server = { host: '::1', port: tcpPort };
  const phone = (user: string) =>
    new StreamPhone({ protocol: 'TCP', server, user, password: `secret-${user}`, domain, localHost: '::1' });
  caller = await phone('1001').connect();
  callee = await phone('1002').connect();
}, 60_000);

afterAll(async () => {
  caller?.close();
  callee?.close();
  await h?.redis.del(redisKeys.registration('sip:1002@[::1]'));
  await h?.close();
});

describe('IPv6 references are bracketed (RFC 5118)', () => {
  it('the domain is [::1] and bindings are stored under sip:1002@[::1]', async () => {
    expect(domain).toBe('[::1]');
    const ok = await callee.register();
    expect(ok.status).toBe(200);
    const stored = await h.redis.hgetall(redisKeys.registration('sip:1002@[::1]'));
    const binding = JSON.parse(Object.values(stored)[0] ?? '{}') as { aor?: string; contact?: string };
    expect(binding.aor).toBe('sip:1002@[::1]');
    expect(binding.contact).toBe(`sip:1002@[::1]:${callee.localPort};transport=tcp`);
  });

  it('the INVITE to the phone has bracketed hosts in its Request-URI, To, From, Contact and Via, and is valid', async () => {
    const callId = await caller.invite(`sip:1002@${domain}`, TEST_SDP);
    const invite = await callee.request('INVITE');
    expect(validate(invite)).toEqual({ ok: true });
    expect(invite.requestUri).toBe(`sip:1002@[::1]:${callee.localPort};transport=tcp`);
    expect(invite.to.uriText).toBe('sip:1002@[::1]');
    expect(invite.from.uri.kind === 'sip' && invite.from.uri.host).toBe('[::1]');
    expect(invite.contacts !== '*' && invite.contacts[0]?.uriText).toMatch(/^sip:\[::1\]:\d+;transport=tcp$/);
    expect(invite.topVia.host).toBe('[::1]');
    callee.answer(invite, 'v6callee');
    const ok = await caller.response(callId, 'INVITE');
    expect(ok.status).toBe(200);
    expect(validate(ok)).toEqual({ ok: true });
    expect(ok.contacts !== '*' && ok.contacts[0]?.uriText).toMatch(/^sip:\[::1\]:\d+;transport=tcp$/);
    caller.send(
      caller.build({
        method: 'ACK',
        uri: ok.contacts !== '*' ? (ok.contacts[0]?.uriText ?? '') : '',
        to: ok.getHeader('To') ?? '',
        callId,
        cseq: 2,
      }),
    );
    await callee.request('ACK', invite.callId);
    caller.send(
      caller.build({
        method: 'BYE',
        uri: ok.contacts !== '*' ? (ok.contacts[0]?.uriText ?? '') : '',
        to: ok.getHeader('To') ?? '',
        callId,
        cseq: 3,
      }),
    );
    await callee.request('BYE', invite.callId);
  });
});
