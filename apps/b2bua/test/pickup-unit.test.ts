import { createLogger, loadConfig } from '@switchboard/config';
import type { ExtensionDialog } from '@switchboard/live-state';
import { parseSdp } from '@switchboard/sdp';
import { describe, expect, it } from 'vitest';
import type { CallSipPort } from '../src/calls/call-sip-port.js';
import type { CallIdentity } from '../src/calls/call-routing.js';
import { CallPickup, type PickableCall } from '../src/calls/pickup/call-pickup.js';
import {
  MAX_RINGING_AGE_MS,
  mayPickUpDirected,
  ringingCalls,
  sessionOf,
  type PickupMember,
} from '../src/calls/pickup/pickup-candidates.js';
import { pickupRequestOf } from '../src/calls/pickup/pickup-code.js';
import type { PickupDirectory } from '../src/calls/pickup/pickup-directory.js';
import { crossOffers } from '../src/calls/pickup/pickup-sdp.js';
import type { IncomingSipRequest } from '../src/sip/sip-request-handler.js';

const S1 = '0b6c1f52-5f3e-4d7e-9a51-4c1c8f1f0001';
const S2 = '0b6c1f52-5f3e-4d7e-9a51-4c1c8f1f0002';
const NOW = 1_800_000_000_000;

function dialog(id: string, startedAt: number, extra: Partial<ExtensionDialog> = {}): ExtensionDialog {
  return { id, state: 'early', direction: 'recipient', remote: 'sip:100@pbx.test', startedAt, ...extra };
}

describe('pickup codes', () => {
  const codes = { groupCode: '*8', directedPrefix: '**' };
  it('recognises the group code and the directed prefix with an extension, nothing else', () => {
    expect(pickupRequestOf('*8', codes)).toEqual({ kind: 'group' });
    expect(pickupRequestOf('**201', codes)).toEqual({ kind: 'directed', extension: '201' });
    for (const other of ['**', '**abc', '*80', '8', '201', '***201'])
      expect(pickupRequestOf(other, codes)).toBeUndefined();
    expect(pickupRequestOf('#5201', { groupCode: '#4', directedPrefix: '#5' })).toEqual({
      kind: 'directed',
      extension: '201',
    });
  });
});

describe('ringing calls (injected clock)', () => {
  it('oldest first, one entry per call, only ringing inbound dialogs', () => {
    const lamps = new Map<string, ExtensionDialog[]>([
      [
        '201',
        [
          dialog(`${S2}-2`, NOW - 1000),
          dialog(`${S1}-3`, NOW - 5000, { state: 'confirmed' }),
          dialog(`${S1}-9`, NOW - 9000, { direction: 'initiator' }),
        ],
      ],
      ['202', [dialog(`${S1}-2`, NOW - 3000), dialog(`${S2}-3`, NOW - 1500)]],
    ]);
    expect(ringingCalls(lamps, 'sip:203@pbx.test', NOW)).toEqual([
      { extension: '202', session: S1, startedAt: NOW - 3000 },
      { extension: '202', session: S2, startedAt: NOW - 1500 },
    ]);
  });

  it('leaves out dialogs older than MAX_RINGING_AGE_MS (a dead process left them) and the picker’s own call', () => {
    const lamps = new Map([
      ['201', [dialog(`${S1}-2`, NOW - MAX_RINGING_AGE_MS - 1), dialog(`${S2}-2`, NOW - 10)]],
    ]);
    expect(ringingCalls(lamps, 'sip:203@pbx.test', NOW).map((c) => c.session)).toEqual([S2]);
    expect(ringingCalls(lamps, 'sip:100@pbx.test', NOW)).toEqual([]);
    // The same entries, seen a moment earlier: the old one was still ringing.
    expect(ringingCalls(lamps, 'sip:203@pbx.test', NOW - 2).map((c) => c.session)).toEqual([S1, S2]);
  });

  it('reads the session from a lamp dialog id', () => {
    expect(sessionOf(`${S1}-12`)).toBe(S1);
    expect(sessionOf('no-number-')).toBeUndefined();
    expect(sessionOf('plain')).toBeUndefined();
  });
});

describe('directed pickup rule', () => {
  const member = (number: string, groups: string[], directedPickup = true): PickupMember => ({
    number,
    pickupGroups: groups,
    directedPickup,
  });
  it('anyone may, unless the target opted out; then only a member of its groups', () => {
    expect(mayPickUpDirected(member('204', []), member('201', ['sales']))).toBe(true);
    expect(mayPickUpDirected(member('204', []), member('205', ['sales'], false))).toBe(false);
    expect(mayPickUpDirected(member('203', ['Sales']), member('205', ['sales'], false))).toBe(true);
  });
});

const sdp = (addr: string, port: number, formats: string, extra = '') =>
  ({
    contentType: 'application/sdp',
    content: Buffer.from(
      `v=0\r\no=${addr} 1 1 IN IP4 ${addr}\r\ns=-\r\nc=IN IP4 ${addr}\r\nt=0 0\r\n` +
        `m=audio ${port} RTP/AVP ${formats}\r\n${extra}`,
    ),
  }) as const;

describe('pickup offer/answer (RFC 3264)', () => {
  it('answers each offer from the other: its m-lines, the other address and port, common payload types', () => {
    const caller = sdp('127.0.0.10', 4000, '0 8 101', 'a=rtpmap:101 telephone-event/8000\r\n');
    const picker = sdp('127.0.0.20', 6000, '8 96', 'a=rtpmap:96 telephone-event/8000\r\n');
    const r = crossOffers(caller, picker);
    if (!r.ok) throw new Error(r.reason);
    const toCaller = parseSdp(r.toCaller.content.toString());
    expect(toCaller.media[0]?.port).toBe(6000);
    expect(toCaller.media[0]?.effectiveConnection(toCaller)?.address).toBe('127.0.0.20');
    // PCMA only: telephone-event is 101 for the caller and 96 for the picker, nothing renumbers it.
    expect(toCaller.media[0]?.formats).toEqual(['8']);
    const toPicker = parseSdp(r.toPicker.content.toString());
    expect(toPicker.media[0]?.port).toBe(4000);
    expect(toPicker.media[0]?.effectiveConnection(toPicker)?.address).toBe('127.0.0.10');
    expect(toPicker.media[0]?.formats).toEqual(['8']);
  });

  it('refuses without both offers or without a common codec', () => {
    expect(crossOffers(sdp('127.0.0.10', 4000, '0'), undefined)).toMatchObject({ ok: false });
    expect(crossOffers(undefined, sdp('127.0.0.10', 4000, '0'))).toMatchObject({ ok: false });
    expect(crossOffers(sdp('127.0.0.10', 4000, '0'), sdp('127.0.0.20', 6000, '8'))).toMatchObject({
      ok: false,
      reason: 'no common media with the same payload types',
    });
  });
});

describe('CallPickup across processes', () => {
  it('a ringing call held by another signalling process gets 480, not a pickup', async () => {
    const replies: Array<[number, string | undefined]> = [];
    const incoming = {
      request: { callId: 'picker-call' },
      tx: { state: 'proceeding', reply: (status: number, reason?: string) => replies.push([status, reason]) },
    } as unknown as IncomingSipRequest;
    const directory: PickupDirectory = {
      member: (number) =>
        Promise.resolve({ number, pickupGroups: ['sales'], directedPickup: true } satisfies PickupMember),
      groupMembers: () => Promise.resolve(['201']),
    };
    const picked: string[] = [];
    const local: PickableCall = {
      pickUp: () => {
        picked.push('local');
        return undefined;
      },
    };
    const config = loadConfig({
      DATABASE_URL: 'postgresql://unused@127.0.0.1:1/unused',
      REDIS_URL: 'redis://127.0.0.1:1',
      SWITCHBOARD_LOG_LEVEL: 'silent',
    });
    const pickup = new CallPickup({
      codes: config.calls.pickup,
      directory,
      dialogs: { dialogs: () => Promise.resolve([dialog(`${S1}-2`, NOW - 1000)]) },
      localCall: (id) => (id === S2 ? local : undefined),
      port: {} as CallSipPort,
      allow: 'INVITE',
      wallNow: () => NOW,
      logger: createLogger('pickup-unit', config),
    });
    const picker: CallIdentity = {
      callerUri: 'sip:203@pbx.test',
      callerExtension: '203',
      destination: '*8',
      requestUri: 'sip:*8@pbx.test',
    };
    await pickup.run(incoming, picker, { kind: 'group' });
    expect(replies).toEqual([[480, 'Ringing Call On Another Server']]);
    expect(picked).toEqual([]);
  });
});
