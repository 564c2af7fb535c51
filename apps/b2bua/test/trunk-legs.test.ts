import { PassThrough } from 'node:stream';
import { createLogger } from '@switchboard/config';
import type { TrunkSettings } from '@switchboard/db';
import { redisKeys } from '@switchboard/live-state';
import type { ResolvedTarget } from '@switchboard/transactions';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CallTrunkLegs } from '../src/calls/legs/call-trunk-legs.js';
import { TrunkTargetExpander, type TrunkLegDeps } from '../src/calls/legs/trunk-target-expander.js';
import { offerForTrunk } from '../src/calls/media/trunk-codecs.js';
import { TrunkCallLimits } from '../src/trunks/trunk-call-limits.js';
import { requiredEnv } from './support/test-env.js';

const logger = createLogger('test', { logLevel: 'warn' }, new PassThrough());

function trunk(over: Partial<TrunkSettings> = {}): TrunkSettings {
  const now = new Date();
  return {
    id: '00000000-0000-0000-0000-000000000001',
    name: 'carrier',
    enabled: true,
    host: 'sip.carrier.example',
    port: null,
    transport: 'udp',
    outboundProxy: null,
    authUsername: 'acct',
    password: 'secret',
    register: false,
    registerExpiry: 3600,
    fromUser: null,
    fromDomain: null,
    didSource: 'request_uri',
    callerIdMode: 'from',
    sendPrivacy: true,
    callerIdNumber: null,
    codecs: [],
    maxConcurrentCalls: null,
    inboundSources: [],
    createdAt: now,
    updatedAt: now,
    ...over,
  };
}

const targets: ResolvedTarget[] = [
  { host: '192.0.2.10', port: 5060, protocol: 'UDP' },
  { host: '192.0.2.11', port: 5060, protocol: 'UDP' },
];

/** An expander over one trunk row; `lookups` records what RFC 3263 was asked. */
function expanderFor(row: TrunkSettings | undefined) {
  const lookups: Array<{ host: string; port?: number; transport?: string }> = [];
  const deps: TrunkLegDeps = {
    port: {
      resolve: (input) => {
        lookups.push(input);
        return Promise.resolve(targets);
      },
    },
    logger,
    findTrunk: () => Promise.resolve(row),
    maxExternalCalls: () => Promise.resolve(0),
    mediaPolicy: { mode: 'relay', srtp: 'off' },
  };
  const expander = new TrunkTargetExpander(deps, {
    callId: 'call-1',
    callerExtension: '100',
    callerName: 'Ann',
  });
  return { expander, lookups };
}

describe('trunk legs: what the INVITE to the provider carries', () => {
  it('dials number@host from the trunk account, keeps the other RFC 3263 targets for failover', async () => {
    const { expander, lookups } = expanderFor(trunk({ fromUser: '4930100', fromDomain: 'carrier.example' }));
    const [spec] = await expander.expand({ kind: 'trunk', trunk: 'carrier', number: '+4930123456' });
    expect(spec).toMatchObject({
      targetKey: 'trunk:carrier:+4930123456',
      uri: 'sip:+4930123456@sip.carrier.example',
      destination: targets[0],
      mediaPolicy: { mode: 'relay', srtp: 'off' },
      trunk: {
        from: { uri: 'sip:4930100@carrier.example', displayName: 'Ann' },
        to: 'sip:+4930123456@sip.carrier.example',
        credentials: { username: 'acct', password: 'secret' },
        alternates: [targets[1]],
      },
    });
    expect(spec?.trunk?.assertedIdentity).toBeUndefined();
    expect(spec?.trunk?.privacy).toBeUndefined();
    expect(lookups).toEqual([{ host: 'sip.carrier.example', transport: 'udp', secure: false }]);
    expect(expander.outbound).toEqual({ trunk: 'carrier', number: '+4930123456' });
  });

  it('an outbound proxy is resolved and sent as a loose Route; an explicit port and TLS go into the URI', async () => {
    const { expander, lookups } = expanderFor(
      trunk({ outboundProxy: 'proxy.example:5070', port: 5061, transport: 'tls' }),
    );
    const [spec] = await expander.expand({ kind: 'trunk', trunk: 'carrier', number: '0301234' });
    expect(spec?.uri).toBe('sip:0301234@sip.carrier.example:5061;transport=tls');
    expect(spec?.trunk?.route).toBe('<sip:proxy.example:5070;lr>');
    expect(lookups).toEqual([{ host: 'proxy.example', port: 5070, transport: 'tls', secure: true }]);
  });

  it('caller ID in P-Asserted-Identity (mode pai); anonymous: anonymous From + Privacy: id (RFC 3323, 3325)', async () => {
    const { expander } = expanderFor(trunk({ callerIdMode: 'pai', fromDomain: 'carrier.example' }));
    const [shown] = await expander.expand({
      kind: 'trunk',
      trunk: 'carrier',
      number: '+4930123456',
      callerIdNumber: '+4930555100',
    });
    expect(shown?.trunk).toMatchObject({
      from: { uri: 'sip:+4930555100@carrier.example' },
      assertedIdentity: '<sip:+4930555100@carrier.example>',
    });
    const [hidden] = await expander.expand({
      kind: 'trunk',
      trunk: 'carrier',
      number: '+4930123456',
      callerIdNumber: '+4930555100',
      anonymous: true,
    });
    expect(hidden?.trunk).toMatchObject({
      from: { uri: 'sip:anonymous@anonymous.invalid', displayName: 'Anonymous' },
      privacy: 'id',
      assertedIdentity: '<sip:+4930555100@carrier.example>',
    });
    const [emergency] = await expander.expand({
      kind: 'trunk',
      trunk: 'carrier',
      number: '112',
      callerIdNumber: '+4930555100',
      anonymous: true,
      emergency: true,
    });
    expect(emergency?.trunk?.from.uri).toBe('sip:+4930555100@carrier.example');
    expect(emergency?.trunk?.privacy).toBeUndefined();
  });

  it('anonymous on a trunk without Privacy support: anonymous From, no identity sent at all', async () => {
    const { expander } = expanderFor(trunk({ callerIdMode: 'pai', sendPrivacy: false }));
    const [spec] = await expander.expand({ kind: 'trunk', trunk: 'carrier', number: '1', anonymous: true });
    expect(spec?.trunk?.from.uri).toBe('sip:anonymous@anonymous.invalid');
    expect(spec?.trunk?.privacy).toBeUndefined();
    expect(spec?.trunk?.assertedIdentity).toBeUndefined();
  });

  it('an unknown or disabled trunk gives no branch (the target is unavailable)', async () => {
    expect(await expanderFor(undefined).expander.expand({ kind: 'trunk', trunk: 'x', number: '1' })).toEqual(
      [],
    );
    const disabled = expanderFor(trunk({ enabled: false }));
    expect(await disabled.expander.expand({ kind: 'trunk', trunk: 'carrier', number: '1' })).toEqual([]);
  });
});

describe('trunk codecs', () => {
  const offer = (m: string, maps: string[]) => ({
    contentType: 'application/sdp',
    content: Buffer.from(
      ['v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=-', 'c=IN IP4 192.0.2.1', 't=0 0', m, ...maps, ''].join('\r\n'),
    ),
  });

  it('keeps the trunk’s codecs in its order, with telephone-event', () => {
    const result = offerForTrunk(
      offer('m=audio 4000 RTP/AVP 0 8 9 101', [
        'a=rtpmap:0 PCMU/8000',
        'a=rtpmap:8 PCMA/8000',
        'a=rtpmap:9 G722/8000',
        'a=rtpmap:101 telephone-event/8000',
      ]),
      ['PCMA', 'PCMU'],
    );
    expect('body' in result && result.body.content.toString()).toMatch(/^m=audio 4000 RTP\/AVP 8 0 101\r$/m);
  });

  it('an offer without any allowed audio codec is refused (488 for the branch)', () => {
    const result = offerForTrunk(offer('m=audio 4000 RTP/AVP 9', ['a=rtpmap:9 G722/8000']), ['PCMA']);
    expect(result).toEqual({ refused: 'no codec the trunk allows (PCMA)' });
  });

  it('no codec list: the offer passes as is', () => {
    const body = offer('m=audio 4000 RTP/AVP 9', ['a=rtpmap:9 G722/8000']);
    expect(offerForTrunk(body, [])).toEqual({ body });
  });
});

describe('trunk call limits (Redis)', () => {
  let redis: Redis;
  let now = 1_000_000;
  let limits: TrunkCallLimits;

  beforeAll(() => {
    redis = new Redis(`${requiredEnv('REDIS_URL')}/12`);
  });
  afterAll(async () => {
    await redis.flushdb();
    redis.disconnect();
  });
  beforeEach(async () => {
    await redis.flushdb();
    now = 1_000_000;
    limits = new TrunkCallLimits(redis, 60_000, () => now);
  });

  const slot = (callId: string, over: Partial<Parameters<TrunkCallLimits['reserve']>[0]> = {}) => ({
    callId,
    trunk: 'carrier',
    maxTrunkCalls: 1,
    extension: '100',
    maxExtensionCalls: 2,
    emergency: false,
    ...over,
  });

  it('refuses a second call on a full trunk, never an emergency call; the same call again keeps its slot', async () => {
    expect(await limits.reserve(slot('a'))).toEqual({ ok: true });
    expect(await limits.reserve(slot('a'))).toEqual({ ok: true });
    expect(await limits.reserve(slot('b'))).toEqual({ ok: false, limit: 'trunk', max: 1 });
    expect(await limits.reserve(slot('c', { emergency: true, extension: undefined }))).toEqual({ ok: true });
    expect(await redis.zcard(redisKeys.trunkCalls('carrier'))).toBe(2);
    expect(await redis.zrange(redisKeys.extensionExternalCalls('100'), 0, -1)).toEqual(['a']);
  });

  it('refuses a caller at its outside-call limit, and takes nothing when it does', async () => {
    await limits.reserve(slot('a', { maxTrunkCalls: null }));
    await limits.reserve(slot('b', { maxTrunkCalls: null }));
    expect(await limits.reserve(slot('c', { maxTrunkCalls: null }))).toEqual({
      ok: false,
      limit: 'extension',
      max: 2,
    });
    expect(await redis.zcard(redisKeys.trunkCalls('carrier'))).toBe(2);
  });

  it('a slot expires by itself (crashed process) and is given back by release', async () => {
    await limits.reserve(slot('a'));
    now += 60_001;
    expect(await limits.reserve(slot('b'))).toEqual({ ok: true });
    await limits.releaseTrunk('b', 'carrier');
    expect(await redis.zcard(redisKeys.trunkCalls('carrier'))).toBe(0);
    await limits.releaseAll('b', ['carrier'], '100');
    expect(await redis.zcard(redisKeys.extensionExternalCalls('100'))).toBe(0);
  });

  it('a transfer’s trunk legs count on the transferor’s limit under the transfer’s id, and are given back when it fails', async () => {
    const deps: TrunkLegDeps = {
      port: { resolve: () => Promise.resolve(targets) },
      logger,
      findTrunk: () => Promise.resolve(trunk()),
      maxExternalCalls: (ext) => Promise.resolve(ext === '201' ? 1 : 0),
      limits,
      mediaPolicy: { mode: 'relay', srtp: 'off' },
    };
    const call = new CallTrunkLegs(deps, { expand: () => Promise.resolve([]) }, 'call-1', {
      callerUri: 'sip:100@pbx.test',
      callerExtension: '100',
      destination: '201',
      requestUri: 'sip:201@pbx.test',
    });
    const target = { kind: 'trunk', trunk: 'carrier', number: '+4930123' } as const;
    const first = call.authorisedBy('call-1:transfer:1', {
      uri: 'sip:201@pbx.test',
      extension: '201',
      name: 'Bo',
    });
    const [leg] = await first.expander.expand(target);
    expect(leg?.trunk).toMatchObject({ from: { displayName: 'Bo' } });
    expect(leg?.trunk?.refusal).toBeUndefined();
    expect(await redis.zrange(redisKeys.extensionExternalCalls('201'), 0, -1)).toEqual(['call-1:transfer:1']);
    expect(await redis.zcard(redisKeys.extensionExternalCalls('100'))).toBe(0);
    expect(call.outbound).toEqual({ trunk: 'carrier', number: '+4930123' });
    // 201 at its limit of one: a second transfer's leg is refused 403.
    const second = call.authorisedBy('call-1:transfer:2', { uri: 'sip:201@pbx.test', extension: '201' });
    const [refused] = await second.expander.expand(target);
    expect(refused?.trunk?.refusal).toEqual({ status: 403, reason: 'Outside-call limit reached' });
    second.release();
    first.release(); // the transfer failed: the record is not outbound, 201's slot is back
    await expect.poll(() => redis.zcard(redisKeys.extensionExternalCalls('201'))).toBe(0);
    expect(call.outbound).toBeUndefined();
    await call.releaseAll();
  });
});
