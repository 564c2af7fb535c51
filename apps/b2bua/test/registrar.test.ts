import { DigestClient } from '@switchboard/dialog';
import { redisKeys, registrationBindingSchema } from '@switchboard/live-state';
import type { SipResponse } from '@switchboard/sip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistrationBindingStore } from '../src/registrar/registration-binding.store.js';
import {
  type RequestSpec,
  startSignalling,
  type SignallingHarness,
  UdpSipClient,
} from './support/sip-test-kit.js';

let h: SignallingHarness;
let phone: UdpSipClient;

beforeAll(async () => {
  h = await startSignalling({
    SWITCHBOARD_REGISTER_MIN_EXPIRES: '60',
    SWITCHBOARD_REGISTER_MAX_EXPIRES: '3600',
    SWITCHBOARD_AUTH_MAX_FAILURES: '3',
  });
  await h.addExtension('1001', 'secret-1001');
  await h.addExtension('1002', 'secret-1002');
  await h.addExtension('1009', 'secret-1009', false);
  phone = await new UdpSipClient({ host: '127.0.0.1', port: h.port }).open();
});

afterAll(async () => {
  phone?.close();
  await h?.close();
});

function register(user: string, extra: Partial<RequestSpec> = {}): RequestSpec {
  return {
    method: 'REGISTER',
    uri: `sip:${h.domain}`,
    from: `<sip:${user}@${h.domain}>`,
    to: `<sip:${user}@${h.domain}>`,
    headers: [['Contact', `<sip:${user}@127.0.0.1:${phone.port}>`]],
    ...extra,
  };
}

/** REGISTER, answer the 401 with the given credentials (optionally one algorithm only), return the final answer. */
async function registerWithAuth(
  spec: RequestSpec,
  credentials: { username: string; password: string },
  algorithm?: 'MD5' | 'SHA-256',
): Promise<{ challenge: SipResponse; response: SipResponse }> {
  const callId = spec.callId ?? `${crypto.randomUUID()}@127.0.0.1`;
  const cseq = spec.cseq ?? 1;
  const challenge = await phone.request({ ...spec, callId, cseq });
  expect(challenge.status).toBe(401);
  const offered = challenge
    .getHeaders('WWW-Authenticate')
    .filter((v) => algorithm === undefined || v.includes(`algorithm=${algorithm}`));
  const [auth] = new DigestClient(credentials).answer(401, offered, { method: 'REGISTER', uri: spec.uri });
  if (!auth) throw new Error('no digest answer');
  const response = await phone.request({
    ...spec,
    callId,
    cseq: cseq + 1,
    headers: [...(spec.headers ?? []), [auth.name, auth.value]],
  });
  return { challenge, response };
}

async function storedBindings(aor: string) {
  const raw = await h.redis.hgetall(redisKeys.registration(aor));
  return Object.fromEntries(
    Object.entries(raw).map(([k, v]) => [k, registrationBindingSchema.parse(JSON.parse(v))]),
  );
}

describe('registrar (RFC 3261 §10.3)', () => {
  it('challenges with SHA-256 first, then MD5, same nonce, qop=auth (RFC 8760)', async () => {
    const r = await phone.request(register('1001'));
    expect(r.status).toBe(401);
    const challenges = r.getHeaders('WWW-Authenticate');
    expect(challenges).toHaveLength(2);
    expect(challenges[0]).toMatch(/^Digest realm="[^"]+", nonce="[^"]+", algorithm=SHA-256, qop="auth"$/);
    expect(challenges[1]).toMatch(/algorithm=MD5/);
    expect(challenges[0]).toContain(`realm="${h.domain}"`);
    const nonce = (v: string | undefined) => /nonce="([^"]+)"/.exec(v ?? '')?.[1];
    expect(nonce(challenges[0])).toBe(nonce(challenges[1]));
  });

  it('binds the contact with SHA-256 digest, records where the REGISTER came from, and answers 200 with Date', async () => {
    const { response } = await registerWithAuth(
      register('1001', {
        headers: [
          ['Contact', `<sip:1001@10.0.0.5:5062>;expires=600`],
          ['User-Agent', 'TestPhone/1.0'],
        ],
      }),
      {
        username: '1001',
        password: 'secret-1001',
      },
    );
    expect(response.status).toBe(200);
    expect(response.date).toBeInstanceOf(Date);
    const contacts = response.contacts;
    expect(contacts === '*' ? [] : contacts.map((c) => [c.uriText, c.expires])).toEqual([
      ['sip:1001@10.0.0.5:5062', 600],
    ]);

    const aor = `sip:1001@${h.domain}`;
    const stored = await storedBindings(aor);
    const binding = stored['sip:1001@10.0.0.5:5062'];
    // The phone claims 10.0.0.5 in its Contact; the registrar records the real source (NAT).
    expect(binding).toMatchObject({
      aor,
      contact: 'sip:1001@10.0.0.5:5062',
      sourceAddress: `127.0.0.1:${phone.port}`,
      transport: 'UDP',
      userAgent: 'TestPhone/1.0',
      cseq: 2,
    });
    expect(binding?.expiresAt).toBeGreaterThan(Date.now() + 590_000);
    expect(binding?.expiresAt).toBeLessThanOrEqual(Date.now() + 600_000);
    expect(Number(await h.redis.zscore(redisKeys.registrations, aor))).toBe(binding?.expiresAt);
    // The hash expires with its last binding.
    const expireTime = await h.redis.pexpiretime(redisKeys.registration(aor));
    expect(expireTime).toBe(binding?.expiresAt);
  });

  it('stores the Path of a REGISTER relayed by a proxy and echoes it to a UA that supports path (RFC 3327 §5.3)', async () => {
    const path = ['<sip:127.0.0.2:5070;lr;received=sip:10.0.0.6:5062>', '<sip:127.0.0.3;lr>'];
    const { response } = await registerWithAuth(
      register('1002', {
        headers: [
          ['Contact', '<sip:1002@10.0.0.6:5062>'],
          ['Path', path[0] ?? ''],
          ['Path', path[1] ?? ''],
          ['Supported', 'path'],
          ['Require', 'path'],
        ],
      }),
      { username: '1002', password: 'secret-1002' },
    );
    expect(response.status).toBe(200);
    expect(response.getHeaders('Path')).toEqual(path);
    const stored = await storedBindings(`sip:1002@${h.domain}`);
    expect(stored['sip:1002@10.0.0.6:5062']?.path).toEqual(path);

    // A Path URI that is not a loose router is refused with its reason.
    const { response: refused } = await registerWithAuth(
      register('1002', {
        headers: [
          ['Contact', '<sip:1002@10.0.0.6:5062>'],
          ['Path', '<sip:127.0.0.2:5070>'],
        ],
      }),
      { username: '1002', password: 'secret-1002' },
    );
    expect([refused.status, refused.reason]).toEqual([
      400,
      'Invalid Path header: URI without lr (loose routing)',
    ]);
    await h.redis.del(redisKeys.registration(`sip:1002@${h.domain}`));
  });

  it('serves a phone that registers to an address of this host instead of the domain name (realm stays the domain)', async () => {
    const spec = register('1002', {
      uri: 'sip:127.0.0.1',
      from: '<sip:1002@127.0.0.1>',
      to: '<sip:1002@127.0.0.1>',
    });
    const { challenge, response } = await registerWithAuth(spec, {
      username: '1002',
      password: 'secret-1002',
    });
    expect(challenge.getHeaders('WWW-Authenticate')[0]).toContain(`realm="${h.domain}"`);
    expect(response.status).toBe(200);
    // One AOR per extension whatever address the phone used, so calls to 1002 find it.
    expect(Object.keys(await storedBindings(`sip:1002@${h.domain}`))).toHaveLength(1);
    const removed = await registerWithAuth(
      {
        ...spec,
        cseq: 5,
        headers: [
          ['Contact', '*'],
          ['Expires', '0'],
        ],
      },
      { username: '1002', password: 'secret-1002' },
    );
    expect(removed.response.status).toBe(200);
  });

  it('accepts MD5 digest and keeps several contacts per AOR with q-values', async () => {
    const spec = register('1002', {
      headers: [
        [
          'Contact',
          `<sip:1002@127.0.0.1:${phone.port};transport=udp>;q=0.5, <sip:1002-desk@192.0.2.7>;q=1.0`,
        ],
        ['Expires', '1200'],
      ],
    });
    const { response } = await registerWithAuth(spec, { username: '1002', password: 'secret-1002' }, 'MD5');
    expect(response.status).toBe(200);
    const contacts = response.contacts === '*' ? [] : response.contacts;
    expect(contacts.map((c) => [c.uriText, c.q, c.expires])).toEqual([
      ['sip:1002-desk@192.0.2.7', 1, 1200],
      [`sip:1002@127.0.0.1:${phone.port};transport=udp`, 0.5, 1200],
    ]);
    const stored = await storedBindings(`sip:1002@${h.domain}`);
    expect(Object.keys(stored).sort()).toEqual([
      `sip:1002-desk@192.0.2.7`,
      `sip:1002@127.0.0.1:${phone.port};transport=udp`,
    ]);
  });

  it('answers a REGISTER without Contact with the current bindings (a query)', async () => {
    const { response } = await registerWithAuth(register('1002', { headers: [] }), {
      username: '1002',
      password: 'secret-1002',
    });
    expect(response.status).toBe(200);
    expect(response.contacts === '*' ? -1 : response.contacts.length).toBe(2);
  });

  it('answers 423 with Min-Expires to an interval below the minimum', async () => {
    const { response } = await registerWithAuth(
      register('1001', {
        headers: [
          ['Contact', '<sip:1001@192.0.2.9>'],
          ['Expires', '10'],
        ],
      }),
      {
        username: '1001',
        password: 'secret-1001',
      },
    );
    expect(response.status).toBe(423);
    expect(response.minExpires).toBe(60);
  });

  it('caps an interval above the maximum', async () => {
    const { response } = await registerWithAuth(
      register('1001', { headers: [['Contact', '<sip:1001@192.0.2.10>;expires=999999']] }),
      { username: '1001', password: 'secret-1001' },
    );
    expect(response.status).toBe(200);
    const c =
      response.contacts === '*'
        ? undefined
        : response.contacts.find((x) => x.uriText === 'sip:1001@192.0.2.10');
    expect(c?.expires).toBe(3600);
  });

  it('refuses a REGISTER older than the stored binding of the same Call-ID (step 7)', async () => {
    const callId = `${crypto.randomUUID()}@127.0.0.1`;
    const contact: [string, string] = ['Contact', '<sip:1001@192.0.2.11>'];
    const first = await registerWithAuth(register('1001', { callId, cseq: 10, headers: [contact] }), {
      username: '1001',
      password: 'secret-1001',
    });
    expect(first.response.status).toBe(200); // stored with CSeq 11
    const stale = await registerWithAuth(register('1001', { callId, cseq: 5, headers: [contact] }), {
      username: '1001',
      password: 'secret-1001',
    });
    expect(stale.response.status).toBe(500);
    const stored = await storedBindings(`sip:1001@${h.domain}`);
    expect(stored['sip:1001@192.0.2.11']?.cseq).toBe(11);
  });

  it('gives a wrong password and an unknown user identical 401s', async () => {
    const wrong = await registerWithAuth(register('1001'), { username: '1001', password: 'not-it' });
    const unknown = await registerWithAuth(register('4040'), { username: '4040', password: 'not-it' });
    const disabled = await registerWithAuth(register('1009'), { username: '1009', password: 'secret-1009' });
    const shape = (r: SipResponse) => ({
      status: r.status,
      reason: r.reason,
      names: r.headers.map((f) => f.name),
      challenges: r.getHeaders('WWW-Authenticate').map((v) => v.replace(/nonce="[^"]+"/, 'nonce=…')),
    });
    expect(wrong.response.status).toBe(401);
    expect(shape(unknown.response)).toEqual(shape(wrong.response));
    expect(shape(disabled.response)).toEqual(shape(wrong.response));
    expect(shape(wrong.response)).toEqual(shape(wrong.challenge));
  });

  it('locks a source + user out after repeated failures, for existing and unknown users alike', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const { response } = await registerWithAuth(register('7777'), { username: '7777', password: 'guess' });
      statuses.push(response.status);
    }
    expect(statuses).toEqual([401, 401, 401]);
    const locked = await phone.request(
      register('7777', {
        headers: [
          [
            'Authorization',
            'Digest username="7777", realm="' +
              h.domain +
              '", nonce="x", uri="sip:' +
              h.domain +
              '", response="00"',
          ],
        ],
      }),
    );
    expect(locked.status).toBe(403);
    // Another extension from the same address is not affected.
    const other = await phone.request(register('1002'));
    expect(other.status).toBe(401);
  });

  it("refuses another user's AOR (403), a foreign domain (404) and a wildcard without Expires: 0 (400)", async () => {
    const foreign = await phone.request(register('1001', { uri: 'sip:other.example' }));
    expect(foreign.status).toBe(404);
    expect(foreign.reason).toBe('Domain Not Served Here');
    const hijack = await registerWithAuth(
      { ...register('1001'), to: `<sip:1002@${h.domain}>` },
      { username: '1001', password: 'secret-1001' },
    );
    expect(hijack.response.status).toBe(403);
    const wildcard = await registerWithAuth(register('1002', { headers: [['Contact', '*']] }), {
      username: '1002',
      password: 'secret-1002',
    });
    expect(wildcard.response.status).toBe(400);
    expect(wildcard.response.reason).toBe('Wildcard Contact requires Expires: 0');
  });

  it('removes one binding with expires=0 and every binding with Contact: * and Expires: 0', async () => {
    const aor = `sip:1002@${h.domain}`;
    const one = await registerWithAuth(
      register('1002', { headers: [['Contact', '<sip:1002-desk@192.0.2.7>;expires=0']] }),
      {
        username: '1002',
        password: 'secret-1002',
      },
    );
    expect(one.response.status).toBe(200);
    expect(Object.keys(await storedBindings(aor))).toEqual([
      `sip:1002@127.0.0.1:${phone.port};transport=udp`,
    ]);

    const all = await registerWithAuth(
      register('1002', {
        headers: [
          ['Contact', '*'],
          ['Expires', '0'],
        ],
      }),
      {
        username: '1002',
        password: 'secret-1002',
      },
    );
    expect(all.response.status).toBe(200);
    expect(all.response.hasHeader('Contact')).toBe(false);
    expect(await h.redis.exists(redisKeys.registration(aor))).toBe(0);
    expect(await h.redis.zscore(redisKeys.registrations, aor)).toBeNull();
  });

  it('one binding per +sip.instance (RFC 5627/5626 §6), and a closed flow takes its bindings with it', async () => {
    const aor = `sip:1004@${h.domain}`;
    const store = h.app.get(RegistrationBindingStore);
    const now = Date.now();
    const binding = (contact: string, flowId: string, callId: string) => ({
      aor,
      contact,
      expiresAt: now + 600_000,
      instance: '<urn:uuid:1>',
      node: 'n1',
      flowId,
      callId,
      cseq: 1,
    });
    const register = (contact: string, flowId: string, callId: string) =>
      store.apply(
        aor,
        { callId, cseq: 1 },
        {
          wildcard: false,
          changes: [{ contact, instance: '<urn:uuid:1>', binding: binding(contact, flowId, callId) }],
        },
        now,
      );
    await register('sip:1004@192.0.2.4:5001', 'tcp-a-1', 'c1');
    // The phone reconnected from another port (no reg-id): its new Contact replaces the old one.
    const replaced = await register('sip:1004@192.0.2.4:5002', 'tcp-a-2', 'c2');
    expect(replaced.ok && replaced.bindings.map((b) => b.contact)).toEqual(['sip:1004@192.0.2.4:5002']);
    // Its connection closes on this node: the binding goes, and with it the AOR.
    expect(await store.dropFlow(aor, 'n2', 'tcp-a-2', now)).toHaveLength(1);
    expect(await store.dropFlow(aor, 'n1', 'tcp-a-2', now)).toEqual([]);
    expect(await h.redis.zscore(redisKeys.registrations, aor)).toBeNull();
  });

  it('prunes expired bindings: reads skip them and the sweep drops the AOR from sb:regs', async () => {
    const aor = `sip:1001@${h.domain}`;
    const store = h.app.get(RegistrationBindingStore);
    const before = await store.current(aor);
    expect(before.length).toBeGreaterThan(0);
    const latest = Math.max(...before.map((b) => b.expiresAt));
    // Time is passed in, so no test waits for real expiry.
    expect((await store.current(aor, latest - 1)).length).toBeGreaterThan(0);
    expect(await store.current(aor, latest + 1)).toEqual([]);
    expect(await h.redis.exists(redisKeys.registration(aor))).toBe(0);
    expect(await h.redis.zscore(redisKeys.registrations, aor)).toBeNull();

    // An AOR whose only binding lapsed while nobody read it is swept out of sb:regs.
    const lapsed = `sip:1003@${h.domain}`;
    const past = Date.now() - 1000;
    const binding = { aor: lapsed, contact: 'sip:1003@192.0.2.3', expiresAt: past };
    await h.redis.hset(redisKeys.registration(lapsed), binding.contact, JSON.stringify(binding));
    await h.redis.zadd(redisKeys.registrations, past, lapsed);
    expect(await store.sweepExpired(Date.now())).toBeGreaterThanOrEqual(1);
    expect(await h.redis.zscore(redisKeys.registrations, lapsed)).toBeNull();
    expect(await h.redis.exists(redisKeys.registration(lapsed))).toBe(0);
  });
});
