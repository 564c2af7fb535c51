import { DigestClient, parseDigestChallenge } from '@switchboard/dialog';
import { FakeClock } from '@switchboard/transactions';
import type { SipResponse } from '@switchboard/sip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DigestChallengeWatch, type UnansweredChallenge } from '../src/sip/digest-challenge-watch.js';
import {
  type RequestSpec,
  startSignalling,
  type SignallingHarness,
  UdpSipClient,
} from './support/sip-test-kit.js';

/** Per-extension digest algorithms (issue #16 item 1): phones that cannot take SHA-256 get MD5 only. */
let h: SignallingHarness;
let phone: UdpSipClient;

beforeAll(async () => {
  h = await startSignalling(); // the shipped default: SHA-256, MD5
  await h.addExtension('1001', 'secret-1001');
  await h.prisma.extension.update({ where: { number: '1001' }, data: { digestAlgorithms: ['MD5'] } });
  await h.addExtension('1002', 'secret-1002');
  phone = await new UdpSipClient({ host: '127.0.0.1', port: h.port }).open();
});

afterAll(async () => {
  phone?.close();
  await h?.close();
});

function request(method: 'REGISTER' | 'INVITE', user: string, extra: Partial<RequestSpec> = {}): RequestSpec {
  return {
    method,
    uri: method === 'REGISTER' ? `sip:${h.domain}` : `sip:1002@${h.domain}`,
    from: `<sip:${user}@${h.domain}>`,
    to: method === 'REGISTER' ? `<sip:${user}@${h.domain}>` : `<sip:1002@${h.domain}>`,
    callId: `${crypto.randomUUID()}@127.0.0.1`,
    headers: [['Contact', `<sip:${user}@127.0.0.1:${phone.port}>`]],
    ...extra,
  };
}

const offered = (r: SipResponse, header = 'WWW-Authenticate') =>
  r.getHeaders(header).map((v) => parseDigestChallenge(v).algorithm);

describe('digest algorithms per extension', () => {
  it('an MD5-only extension is challenged with MD5 alone; the others get the global SHA-256, MD5', async () => {
    expect(offered(await phone.request(request('REGISTER', '1001')))).toEqual(['MD5']);
    expect(offered(await phone.request(request('REGISTER', '1002')))).toEqual(['SHA-256', 'MD5']);
    // An unknown extension looks like one on the global setting (no enumeration by challenge).
    expect(offered(await phone.request(request('REGISTER', '1099')))).toEqual(['SHA-256', 'MD5']);
  });

  it('the INVITE challenge (407) of an MD5-only caller offers MD5 alone', async () => {
    const r = await phone.request(request('INVITE', '1001', { cseq: 1 }));
    expect(r.status).toBe(407);
    expect(offered(r, 'Proxy-Authenticate')).toEqual(['MD5']);
  });

  it('registers with MD5, and refuses SHA-256 credentials for the MD5-only extension', async () => {
    const spec = request('REGISTER', '1001', { cseq: 1 });
    const challenge = await phone.request(spec);
    const client = new DigestClient({ username: '1001', password: 'secret-1001' });
    const [md5] = client.answer(401, challenge.getHeaders('WWW-Authenticate'), {
      method: 'REGISTER',
      uri: spec.uri,
    });
    const ok = await phone.request({
      ...spec,
      cseq: 2,
      headers: [...spec.headers!, [md5!.name, md5!.value]],
    });
    expect(ok.status).toBe(200);
    // Credentials computed for a SHA-256 challenge (as from a default challenge) are refused.
    const sha = new DigestClient({ username: '1001', password: 'secret-1001' }).answer(
      401,
      (await phone.request(request('REGISTER', '1002'))).getHeaders('WWW-Authenticate').slice(0, 1),
      { method: 'REGISTER', uri: spec.uri },
    );
    const refused = await phone.request({
      ...spec,
      cseq: 3,
      headers: [...spec.headers!, [sha[0]!.name, sha[0]!.value]],
    });
    expect(refused.status).toBe(401);
    expect(offered(refused)).toEqual(['MD5']);
  });
});

describe('DigestChallengeWatch (a phone that gives up on a challenge)', () => {
  function setup() {
    const clock = new FakeClock();
    const silent: UnansweredChallenge[] = [];
    const watch = new DigestChallengeWatch({
      clock,
      silenceMs: 10_000,
      maxEntries: 2,
      onSilent: (c) => silent.push(c),
    });
    return { clock, silent, watch };
  }
  const c = (extension: string, source = '127.0.0.1:5062'): UnansweredChallenge => ({
    extension,
    source,
    offered: ['SHA-256', 'MD5'],
  });

  it('reports a challenge with no credentials after it, once, with the algorithms offered', () => {
    const { clock, silent, watch } = setup();
    watch.challenged(c('1001'));
    clock.advance(5_000);
    watch.challenged(c('1001')); // a repeat keeps the first deadline
    clock.advance(5_000);
    expect(silent).toEqual([c('1001')]);
    clock.advance(60_000);
    expect(silent).toHaveLength(1);
    expect(watch.size).toBe(0);
  });

  it('stays quiet for a phone that answers, and is bounded', () => {
    const { clock, silent, watch } = setup();
    watch.challenged(c('1001'));
    watch.answered('1001', '127.0.0.1:5062');
    watch.challenged(c('1002'));
    watch.challenged(c('1003'));
    watch.challenged(c('1004')); // beyond maxEntries: not watched
    expect(watch.size).toBe(2);
    clock.advance(10_000);
    expect(silent.map((s) => s.extension)).toEqual(['1002', '1003']);
    watch.stop();
  });
});
