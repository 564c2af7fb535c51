import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { encodeRtpPacket, toneAmplitude, ulawEncode, type CapturedDatagram } from '@switchboard/media';
import { parseSdp } from '@switchboard/sdp';
import { createResponse, type SipRequest } from '@switchboard/sip';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RtpScript } from './fixtures/voicemail-rtp-script.js';
import { isolatedRedisUrl } from './fixtures/voicemail-sipp.js';
import {
  bindContact,
  type CallsHarness,
  killAllSipp,
  seedExtensions,
  startCalls,
  startSipp,
} from './support/calls-harness.js';
import { LoopbackCapture } from './support/loopback-capture.js';
import { PbxRtp, rtpOf } from './support/pbx-rtp.js';
import { freeTcpPort, freeUdpPort } from './support/sip-test-kit.js';
import { StreamPhone } from './support/stream-phone.js';

/**
 * The phone's own "conference" button (RFC 4579): phone A (101, a hand-driven TCP phone) has calls
 * with B (102) and C (103), INVITEs the conference factory (SWITCHBOARD_CONFERENCE_FACTORY, here the
 * default `conference`), gets a 200 whose Contact is the new room's conference URI with `isfocus`
 * (§5.4), and REFERs B and C, each in its own call, to that URI (§5.5). The PBX moves both into the
 * room (transfer to a local application), NOTIFYs A 100/200 and ends A's two calls. All three talk
 * (A's RTP sent by the test, B and C play pcaps); the RTP the PBX sends is captured and checked with
 * Goertzel: each hears the other two, not itself.
 */
const REDIS_DB = 9;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-conf-factory-data-'));
const rtpBase = 30_000 + 2 * Math.floor(Math.random() * 5000);
const pbxRange = { min: rtpBase, max: rtpBase + 99 };
const TONE_HZ = { a: 500, b: 1100, c: 1700 } as const;
const SSRC = { a: 0x10a, b: 0x10b, c: 0x10c } as const;
let h: CallsHarness;
let tcpPort = 0;
vi.setConfig({ testTimeout: 60_000 });

beforeAll(async () => {
  tcpPort = await freeTcpPort();
  h = await startCalls(
    {
      SWITCHBOARD_PLUGINS: '@switchboard/plugin-extensions',
      SWITCHBOARD_DATA_DIR: dataDir,
      REDIS_URL: isolatedRedisUrl(REDIS_DB),
      SWITCHBOARD_SIP_TCP_PORT: String(tcpPort),
      SWITCHBOARD_RTP_PORT_MIN: String(pbxRange.min),
      SWITCHBOARD_RTP_PORT_MAX: String(pbxRange.max),
    },
    seedExtensions(['101', '102', '103']),
  );
}, 60_000);

afterAll(async () => {
  killAllSipp();
  await h?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function sdp(port: number): string {
  return [
    'v=0',
    'o=- 1 1 IN IP4 127.0.0.1',
    's=-',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `m=audio ${port} RTP/AVP 0`,
    'a=rtpmap:0 PCMU/8000',
    '',
  ].join('\r\n');
}

/** Phone A's side of one of its calls: INVITE (407, credentials), 200, ACK. */
async function call(a: StreamPhone, uri: string, mediaPort: number) {
  const callId = await a.invite(uri, sdp(mediaPort));
  const ok = await a.response(callId, 'INVITE');
  expect(ok.status).toBe(200);
  const remote = /<([^>]+)>/.exec(ok.getHeader('Contact') ?? '')?.[1] ?? '';
  const to = ok.getHeader('To') ?? '';
  a.send(a.build({ method: 'ACK', uri: remote, to, callId, cseq: 2 }));
  return { callId, ok, remote, to };
}

/**
 * A REFERs its call with `party` to the conference URI (RFC 4579, REFER of the other party): 202, NOTIFY 100 then a final
 * NOTIFY 200 (each answered 200), then the PBX's BYE for that call.
 */
async function referIntoRoom(a: StreamPhone, party: Awaited<ReturnType<typeof call>>, conferenceUri: string) {
  const { callId, remote, to } = party;
  a.send(
    a.build({
      method: 'REFER',
      uri: remote,
      to,
      callId,
      cseq: 3,
      headers: [
        ['Contact', a.contact],
        ['Refer-To', `<${conferenceUri}>`],
      ],
    }),
  );
  expect((await a.response(callId, 'REFER')).status).toBe(202);
  const frags: string[] = [];
  for (;;) {
    const notify = await a.request('NOTIFY', callId);
    a.send(createResponse(notify, 200).toBuffer());
    frags.push(notify.body.toString('utf8').split('\r\n')[0] ?? '');
    if ((notify.getHeader('Subscription-State') ?? '').startsWith('terminated')) break;
  }
  expect(frags).toEqual(['SIP/2.0 100 Trying', 'SIP/2.0 200 OK']);
  const bye: SipRequest = await a.request('BYE', callId);
  a.send(createResponse(bye, 200).toBuffer());
}

/** A's own RTP: PCMU frames of its tone every 20 ms to the room, until stopped. */
async function talk(to: { address: string; port: number }, from: number) {
  const socket = dgram.createSocket('udp4');
  socket.bind(from, '127.0.0.1');
  await once(socket, 'listening');
  let n = 0;
  const timer = setInterval(() => {
    const pcm = new Int16Array(160);
    for (let i = 0; i < 160; i++)
      pcm[i] = Math.round(8000 * Math.sin((2 * Math.PI * TONE_HZ.a * (n * 160 + i)) / 8000));
    const packet = encodeRtpPacket({
      payloadType: 0,
      marker: n === 0,
      sequenceNumber: n & 0xffff,
      timestamp: n * 160,
      ssrc: SSRC.a,
      payload: ulawEncode(pcm),
    });
    socket.send(packet, to.port, to.address);
    n++;
  }, 20);
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    socket.close();
  };
}

describe('phone-initiated conference (RFC 4579 conference factory)', () => {
  it('A calls B and C, INVITEs the factory (isfocus Contact), REFERs both to the conference URI: all three hear each other', async () => {
    const capture = await LoopbackCapture.start(`udp portrange ${pbxRange.min}-${pbxRange.max}`);
    let datagrams: CapturedDatagram[] = [];
    const a = await new StreamPhone({
      protocol: 'TCP',
      server: { host: '127.0.0.1', port: tcpPort },
      user: '101',
      password: 'pw-101',
      domain: h.domain,
    }).connect();
    let stopTalking = (): void => undefined;
    let conferenceUri = '';
    try {
      const partyArgs = async (): Promise<string[]> => [
        '-mi',
        '127.0.0.1',
        '-mp',
        String((await freeUdpPort()) & ~1),
        '-d',
        '4500',
      ];
      const b = await startSipp('confx-uas-party.xml', await partyArgs(), undefined, undefined, {
        'talk.pcap': new RtpScript(SSRC.b).tone(4000, TONE_HZ.b).toPcap(),
      });
      const c = await startSipp('confx-uas-party.xml', await partyArgs(), undefined, undefined, {
        'talk.pcap': new RtpScript(SSRC.c).tone(4000, TONE_HZ.c).toPcap(),
      });
      const redis = new Redis(isolatedRedisUrl(REDIS_DB));
      try {
        await bindContact({ ...h, redis }, '102', b.port);
        await bindContact({ ...h, redis }, '103', c.port);
      } finally {
        redis.disconnect();
      }
      const withB = await call(a, `sip:102@${h.domain}`, (await freeUdpPort()) & ~1);
      const withC = await call(a, `sip:103@${h.domain}`, (await freeUdpPort()) & ~1);
      const aPort = (await freeUdpPort()) & ~1;
      const focus = await call(a, `sip:conference@${h.domain}`, aPort);
      // RFC 4579 §4 / RFC 3840 §9: the Contact is the conference URI, marked as a focus.
      expect(focus.ok.getHeader('Contact')).toMatch(
        /^<sip:conference-[0-9a-f]+@127\.0\.0\.1:\d+;transport=tcp>;isfocus$/,
      );
      conferenceUri = focus.remote;
      const room = parseSdp(focus.ok.body);
      const roomPort = room.media[0]?.port ?? 0;
      stopTalking = await talk({ address: '127.0.0.1', port: roomPort }, aPort);
      await referIntoRoom(a, withB, conferenceUri);
      await referIntoRoom(a, withC, conferenceUri);
      const [rb, rc] = await Promise.all([b.done, c.done]);
      expect(rb.code, rb.output).toBe(0);
      expect(rc.code, rc.output).toBe(0);
      stopTalking();
      a.send(a.build({ method: 'BYE', uri: focus.remote, to: focus.to, callId: focus.callId, cseq: 3 }));
      expect((await a.response(focus.callId, 'BYE')).status).toBe(200);
      // The room ended with its last participant: its URI is now an unknown number (404).
      const roomUser = /^sip:([^@]+)@/.exec(conferenceUri)?.[1] ?? '';
      const late = await a.invite(`sip:${roomUser}@${h.domain}`, sdp(aPort));
      expect((await a.response(late, 'INVITE')).status).toBe(404);
    } finally {
      stopTalking();
      a.close();
      datagrams = await capture.stop();
    }
    const rtp = new PbxRtp(rtpOf(datagrams), pbxRange);
    const [bIn, cIn] = [rtp.sentBy(SSRC.b), rtp.sentBy(SSRC.c)];
    const window = [
      Math.max(bIn[0]?.d.timeMs ?? 0, cIn[0]?.d.timeMs ?? 0) + 300,
      Math.min(bIn.at(-1)?.d.timeMs ?? 0, cIn.at(-1)?.d.timeMs ?? 0) - 100,
    ] as const;
    expect(window[1] - window[0], 'B and C talked in the room together').toBeGreaterThan(1500);
    for (const who of ['a', 'b', 'c'] as const) {
      const audio = rtp.audioSentTo(SSRC[who], ...window);
      expect(audio.length, `${who} was sent the mix`).toBeGreaterThan(40 * 160);
      for (const from of ['a', 'b', 'c'] as const) {
        const level = toneAmplitude(audio, TONE_HZ[from]);
        if (from === who) expect(level, `${who} does not hear itself`).toBeLessThan(0.01);
        else expect(level, `${who} hears ${from}`).toBeGreaterThan(0.05);
      }
    }
    const records = await vi.waitFor(
      async () => {
        const rows = await h.prisma.callRecord.findMany({ where: { callerNumber: '101' } });
        // A's three calls and its late INVITE to the room's URI.
        if (rows.length !== 4) throw new Error(`expected 4 records, found ${rows.length}`);
        return rows;
      },
      { timeout: 10_000, interval: 50 },
    );
    const byCallee = Object.fromEntries(records.map((r) => [r.calleeNumber, r] as const));
    expect(byCallee['102']?.transfers).toMatchObject([
      {
        transferor: '101',
        transferee: '102',
        target: expect.stringMatching(/^conference:conference-/) as string,
        status: 200,
      },
    ]);
    expect(byCallee['conference']).toMatchObject({ disposition: 'answered' });
  });
});
