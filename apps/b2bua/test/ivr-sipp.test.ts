import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { menuGreetingPath, writeDataFile } from '@switchboard/db';
import {
  generateTone,
  pcm16Bytes,
  telephonyWav,
  toneAmplitude,
  ulawDecode,
  writeWav,
  type CapturedDatagram,
} from '@switchboard/media';
import type { RouteDestination } from '@switchboard/plugin-sdk';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { MENU_GREETING_HZ, MENU_INVALID_HZ } from '../src/ivr/menu-tones.js';
import { RtpScript } from './fixtures/voicemail-rtp-script.js';
import { isolatedRedisUrl, runVoicemailCaller } from './fixtures/voicemail-sipp.js';
import {
  bindContact,
  type CallsHarness,
  killAllSipp,
  seedExtensions,
  startCalls,
  startSipp,
} from './support/calls-harness.js';
import { rtpOf, type RtpSeen } from './support/captured-rtp.js';
import { LoopbackCapture } from './support/loopback-capture.js';
import { freeUdpPort } from './support/sip-test-kit.js';

/**
 * Auto attendant through the running B2BUA: the ivr plugin routes a menu number to menu(id), the
 * B2BUA answers with the menu's (built-in, tone) greeting and reads the caller's key by RFC 4733 or
 * SIP INFO. A key hands the answered caller over to its destination (ring group 600 → sipp phone 102,
 * extension 103), no key or wrong keys lead to the menu's voicemail destinations. RTP is captured on
 * loopback: the greeting's tones, the invalid tone, and after a hand-over each phone's tone at the other.
 */
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-ivr-data-'));
const rtpBase = 30_000 + 2 * Math.floor(Math.random() * 5000);
const REDIS_DB = 8;
const CALLER_HZ = 700;
const MEMBER_HZ = 1300;
const SSRC = { caller: 0x101, member: 0x102 } as const;
/** The uploaded greeting of menu 502: a tone none of the built-in prompts has. */
const UPLOADED_HZ = 1750;
let h: CallsHarness;
let testStart = new Date();
vi.setConfig({ testTimeout: 60_000 });

const menuOptions: Array<{ digit: string; destination: RouteDestination }> = [
  { digit: '1', destination: { kind: 'ring_group', target: '600' } },
  { digit: '2', destination: { kind: 'extension', target: '103' } },
  // No outbound-routes plugin runs here: only the named trunk can carry this number.
  { digit: '3', destination: { kind: 'trunk', trunk: 'carrier', target: '0301234567' } },
  { digit: '4', destination: { kind: 'trunk', trunk: 'gone', target: '0307654321' } },
];

beforeAll(async () => {
  h = await startCalls(
    {
      SWITCHBOARD_PLUGINS:
        '@switchboard/plugin-ivr,@switchboard/plugin-ring-group,@switchboard/plugin-extensions',
      SWITCHBOARD_DATA_DIR: dataDir,
      REDIS_URL: isolatedRedisUrl(REDIS_DB),
      SWITCHBOARD_RTP_PORT_MIN: String(rtpBase),
      SWITCHBOARD_RTP_PORT_MAX: String(rtpBase + 99),
    },
    async (s) => {
      await seedExtensions(['100', '101', '102', '103', '201', '202'], 10)(s);
      const ids = Object.fromEntries(
        (await s.prisma.extension.findMany()).map((e) => [e.number, e.id] as const),
      );
      for (const box of ['201', '202'])
        await s.prisma.voicemailBox.create({ data: { extensionId: ids[box] ?? '' } });
      await s.prisma.ringGroup.create({
        data: {
          number: '600',
          name: 'Sales',
          strategy: 'ringall',
          ringTimeSeconds: 10,
          members: { create: [{ extensionId: ids['102'] ?? '', position: 0 }] },
        },
      });
      // IP-authenticated; its port is set to the answering sipp by the trunk test.
      await s.prisma.trunk.create({ data: { name: 'carrier', host: '127.0.0.1', port: 9 } });
      const menu = {
        options: menuOptions,
        timeoutDestination: { kind: 'voicemail', target: '201' },
        invalidDestination: { kind: 'voicemail', target: '202' },
      };
      // 500: the front desk (one repeat); 501: the same without repeats and a short timeout.
      await s.prisma.ivrMenu.create({ data: { number: '500', name: 'Front desk', repeatCount: 1, ...menu } });
      await s.prisma.ivrMenu.create({
        data: { number: '501', name: 'Night', repeatCount: 0, responseTimeoutMs: 1000, ...menu },
      });
      // 502: a greeting uploaded as the admin stores it (16 kHz PCM converted, written under the data dir).
      const greeted = await s.prisma.ivrMenu.create({ data: { number: '502', name: 'Greeted', ...menu } });
      const upload = generateTone({ frequencyHz: UPLOADED_HZ, durationMs: 2000, sampleRate: 16_000 });
      const { wav } = telephonyWav(
        writeWav({ encoding: 'pcm16', sampleRate: 16_000, data: pcm16Bytes(upload) }),
      );
      const greetingPath = menuGreetingPath(greeted.id, Date.now());
      await writeDataFile(dataDir, greetingPath, wav);
      await s.prisma.ivrMenu.update({ where: { id: greeted.id }, data: { greetingPath } });
    },
  );
}, 60_000);

afterAll(async () => {
  killAllSipp();
  await h?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

beforeEach(() => {
  testStart = new Date();
});

async function recordOfThisTest() {
  return vi.waitFor(
    async () => {
      const row = await h.prisma.callRecord.findFirst({ where: { startedAt: { gte: testStart } } });
      if (!row) throw new Error('no call record yet');
      return row;
    },
    { timeout: 10_000, interval: 50 },
  );
}

/** PCMU audio of the packets `pick` selects, in capture order (the first `maxPackets` of them). */
function audioOf(rtp: readonly RtpSeen[], pick: (r: RtpSeen) => boolean, maxPackets = Infinity): Int16Array {
  const sent = rtp.filter((r) => r.p.payloadType === 0 && pick(r)).slice(0, maxPackets);
  const out = new Int16Array(sent.length * 160);
  sent.forEach(({ p }, i) => out.set(ulawDecode(p.payload).subarray(0, 160), i * 160));
  return out;
}

const fromPbx = (r: RtpSeen): boolean => r.d.source.port >= rtpBase && r.d.source.port <= rtpBase + 99;

/** A capture of the PBX's RTP ports and of the phones' own. */
async function captureMedia(...phonePorts: number[]): Promise<LoopbackCapture> {
  const phones = phonePorts.map((p) => ` or udp port ${p}`).join('');
  return LoopbackCapture.start(`udp portrange ${rtpBase}-${rtpBase + 99}${phones}`);
}

const evenPort = async (): Promise<number> => (await freeUdpPort()) & ~1;

/**
 * A sipp phone that answers `extension`'s calls and talks (ivr-uas-member.xml); `{ trunk }`: the
 * provider of that trunk (the trunk is pointed at the phone).
 */
async function memberPhone(extension: string | { trunk: string }, mediaPort: number) {
  const talk = new RtpScript(SSRC.member).tone(4000, MEMBER_HZ).toPcap();
  const phone = await startSipp(
    'ivr-uas-member.xml',
    ['-mi', '127.0.0.1', '-mp', String(mediaPort)],
    undefined,
    undefined,
    { 'talk.pcap': talk },
  );
  if (typeof extension !== 'string') {
    await h.prisma.trunk.update({ where: { name: extension.trunk }, data: { port: phone.port } });
    return phone;
  }
  const redis = new Redis(isolatedRedisUrl(REDIS_DB));
  try {
    await bindContact({ ...h, redis }, extension, phone.port);
  } finally {
    redis.disconnect();
  }
  return phone;
}

/** The caller heard the built-in greeting: its three notes in the first second the PBX sent it. */
function expectGreeting(rtp: readonly RtpSeen[], callerPort: number): void {
  const greeting = audioOf(rtp, (r) => fromPbx(r) && r.d.destination.port === callerPort, 50);
  expect(greeting.length, 'the PBX sent the greeting').toBeGreaterThan(20 * 160);
  for (const hz of MENU_GREETING_HZ)
    expect(toneAmplitude(greeting, hz), `${hz} Hz note`).toBeGreaterThan(0.02);
}

/** After the hand-over the two phones' RTP flows between them, each carrying its own tone. */
function expectBridged(rtp: readonly RtpSeen[], callerPort: number, memberPort: number): void {
  const toMember = audioOf(rtp, (r) => r.p.ssrc === SSRC.caller && r.d.destination.port === memberPort);
  const toCaller = audioOf(rtp, (r) => r.p.ssrc === SSRC.member && r.d.destination.port === callerPort);
  expect(toMember.length, 'the caller’s RTP reached the answering phone').toBeGreaterThan(40 * 160);
  expect(toCaller.length, 'the answering phone’s RTP reached the caller').toBeGreaterThan(40 * 160);
  expect(toneAmplitude(toMember, CALLER_HZ)).toBeGreaterThan(0.05);
  expect(toneAmplitude(toCaller, MEMBER_HZ)).toBeGreaterThan(0.05);
}

/**
 * 101 calls menu 500 and chooses (`how`: its scenario, keys pcap, sipp keys); `extension`'s phone
 * answers the hand-over and both talk (talk.pcap) until the caller hangs up. The RTP captured meanwhile.
 */
async function chooseAndTalk(
  extension: string | { trunk: string },
  how: { scenario: string; script: RtpScript; keys?: Record<string, string> },
): Promise<{ rtp: RtpSeen[]; callerPort: number; memberPort: number }> {
  const [callerPort, memberPort] = [await evenPort(), await evenPort()];
  const capture = await captureMedia(callerPort, memberPort);
  let datagrams: CapturedDatagram[] = [];
  try {
    const member = await memberPhone(extension, memberPort);
    const caller = await runVoicemailCaller({
      ...how,
      target: { host: '127.0.0.1', port: h.port },
      domain: h.domain,
      caller: { extension: '101', password: 'pw-101' },
      dialled: '500',
      files: { 'talk.pcap': new RtpScript(SSRC.caller).tone(3000, CALLER_HZ).toPcap() },
      mediaPort: callerPort,
      pauseMs: 2500,
    });
    expect(caller.code, caller.output).toBe(0);
    const m = await member.done;
    expect(m.code, m.output).toBe(0);
  } finally {
    datagrams = await capture.stop();
  }
  return { rtp: rtpOf(datagrams), callerPort, memberPort };
}

describe('auto attendant (sipp phones)', () => {
  it('a caller transferred into menu 500 (blind REFER) presses 2: extension 103 rings, answers and talks with it', async () => {
    const [callerPort, memberPort] = [await evenPort(), await evenPort()];
    const capture = await captureMedia(callerPort, memberPort);
    let datagrams: CapturedDatagram[] = [];
    try {
      const member = await memberPhone('103', memberPort);
      const transferor = await startSipp('xfer-local-uas-transferor.xml', [
        ...['-key', 'domain', h.domain, '-key', 'target', '500'],
      ]);
      const redis = new Redis(isolatedRedisUrl(REDIS_DB));
      try {
        await bindContact({ ...h, redis }, '201', transferor.port);
      } finally {
        redis.disconnect();
      }
      // 100 calls 201, which transfers it to the menu; in the menu 100 presses 2 after 1.2 s.
      const transferee = await runVoicemailCaller({
        scenario: 'xfer-menu-uac-transferee.xml',
        target: { host: '127.0.0.1', port: h.port },
        domain: h.domain,
        caller: { extension: '100', password: 'pw-100' },
        dialled: '201',
        script: new RtpScript(SSRC.caller).tone(1200, CALLER_HZ, 0).digit('2'),
        files: { 'talk.pcap': new RtpScript(SSRC.caller).tone(3000, CALLER_HZ).toPcap() },
        mediaPort: callerPort,
        pauseMs: 2500,
      });
      if (transferee.code !== 0) transferor.kill();
      expect(transferee.code, transferee.output).toBe(0);
      const t = await transferor.done;
      expect(t.code, t.output).toBe(0);
      const m = await member.done;
      expect(m.code, m.output).toBe(0);
    } finally {
      datagrams = await capture.stop();
    }
    const rtp = rtpOf(datagrams);
    expectGreeting(rtp, callerPort);
    expectBridged(rtp, callerPort, memberPort);
    const record = await recordOfThisTest();
    expect(record).toMatchObject({ callerNumber: '100', calleeNumber: '201', disposition: 'answered' });
    expect(record.transfers).toMatchObject([
      { transferor: '201', transferee: '100', status: 200 },
      { transferor: 'menu 500', target: '103', status: 200 },
    ]);
  });

  it('press 1 by RFC 4733 during the greeting: ring group 600 rings 102, which answers and talks with the caller', async () => {
    const { rtp, callerPort, memberPort } = await chooseAndTalk('102', {
      scenario: 'ivr-uac-choose-rtp.xml',
      // 1.2 s of silent packets first (sipp's pcap timing starts at the first packet), then the key.
      script: new RtpScript(SSRC.caller).tone(1200, CALLER_HZ, 0).digit('1'),
    });
    expectGreeting(rtp, callerPort);
    expectBridged(rtp, callerPort, memberPort);
    const record = await recordOfThisTest();
    expect(record).toMatchObject({
      callerNumber: '101',
      calleeNumber: '500',
      answeredBy: 'menu:500',
      disposition: 'answered',
      hangupSide: 'caller',
    });
    expect(record.transfers).toMatchObject([
      { transferor: 'menu 500', transferee: '101', target: '102', status: 200 },
    ]);
    expect(JSON.stringify(record.legs)).toContain('102');
  });

  it('press 2 by SIP INFO (application/dtmf-relay): extension 103 answers and the two talk', async () => {
    const { rtp, callerPort, memberPort } = await chooseAndTalk('103', {
      scenario: 'ivr-uac-choose-info.xml',
      script: new RtpScript(SSRC.caller).pause(100),
      keys: { info_key: '2' },
    });
    expectBridged(rtp, callerPort, memberPort);
    const record = await recordOfThisTest();
    expect(record).toMatchObject({ answeredBy: 'menu:500', disposition: 'answered' });
    expect(record.transfers).toMatchObject([{ transferor: 'menu 500', target: '103', status: 200 }]);
  });

  it('press 3 (a trunk destination): the number goes out through the named trunk, whose provider answers', async () => {
    const { rtp, callerPort, memberPort } = await chooseAndTalk(
      { trunk: 'carrier' },
      {
        scenario: 'ivr-uac-choose-info.xml',
        script: new RtpScript(SSRC.caller).pause(100),
        keys: { info_key: '3' },
      },
    );
    expectBridged(rtp, callerPort, memberPort);
    const record = await recordOfThisTest();
    expect(record).toMatchObject({ answeredBy: 'menu:500', disposition: 'answered', trunk: 'carrier' });
    expect(record.transfers).toMatchObject([
      { transferor: 'menu 500', target: 'trunk:carrier:0301234567', status: 200 },
    ]);
    expect(JSON.stringify(record.legs)).toContain('0301234567');
  });

  it('press 4 (a trunk that does not exist): 480 in the chain, the caller is back in the menu, whose timeout then leads to voicemail 201', async () => {
    const caller = await runVoicemailCaller({
      scenario: 'conference-uac-talk.xml',
      target: { host: '127.0.0.1', port: h.port },
      domain: h.domain,
      caller: { extension: '101', password: 'pw-101' },
      dialled: '501',
      script: new RtpScript(SSRC.caller).tone(500, CALLER_HZ, 0).digit('4').tone(9000, CALLER_HZ),
      pauseMs: 8000,
    });
    expect(caller.code, caller.output).toBe(0);
    const record = await recordOfThisTest();
    expect(record).toMatchObject({ answeredBy: 'menu:501', disposition: 'voicemail' });
    expect(record.transfers).toMatchObject([
      { transferor: 'menu 501', target: '0307654321', status: 480 },
      { transferor: 'menu 501', target: 'voicemail 201', status: 200 },
    ]);
  });

  it('menu 502 plays its uploaded greeting (its tone in the RTP the caller receives) instead of the built-in one', async () => {
    const callerPort = await evenPort();
    const capture = await captureMedia(callerPort);
    let datagrams: CapturedDatagram[] = [];
    try {
      const caller = await runVoicemailCaller({
        scenario: 'conference-uac-talk.xml',
        target: { host: '127.0.0.1', port: h.port },
        domain: h.domain,
        caller: { extension: '101', password: 'pw-101' },
        dialled: '502',
        script: new RtpScript(SSRC.caller).tone(1500, CALLER_HZ, 0),
        mediaPort: callerPort,
        pauseMs: 1500,
      });
      expect(caller.code, caller.output).toBe(0);
    } finally {
      datagrams = await capture.stop();
    }
    const heard = audioOf(rtpOf(datagrams), (r) => fromPbx(r) && r.d.destination.port === callerPort, 50);
    expect(heard.length, 'the PBX sent the greeting').toBeGreaterThan(30 * 160);
    expect(toneAmplitude(heard, UPLOADED_HZ), 'the uploaded tone').toBeGreaterThan(0.1);
    for (const hz of MENU_GREETING_HZ)
      expect(toneAmplitude(heard, hz), `no built-in ${hz} Hz note`).toBeLessThan(0.01);
  });

  it('no key: after the response timeout the caller leaves a message in voicemail 201', async () => {
    const caller = await runVoicemailCaller({
      scenario: 'conference-uac-talk.xml',
      target: { host: '127.0.0.1', port: h.port },
      domain: h.domain,
      caller: { extension: '101', password: 'pw-101' },
      dialled: '501',
      // The menu ignores the caller's audio; voicemail records it after its greeting and beep.
      script: new RtpScript(SSRC.caller).tone(13_000, CALLER_HZ),
      pauseMs: 12_000,
    });
    expect(caller.code, caller.output).toBe(0);
    const record = await recordOfThisTest();
    expect(record).toMatchObject({
      answeredBy: 'menu:501',
      disposition: 'voicemail',
      hangupSide: 'caller',
      hangupCause: 'voicemail: hangup',
    });
    expect(record.transfers).toMatchObject([
      { transferor: 'menu 501', target: 'voicemail 201', status: 200 },
    ]);
    const message = await vi.waitFor(
      async () => {
        const row = await h.prisma.voicemailMessage.findFirst({ where: { callId: record.id } });
        if (!row) throw new Error('no voicemail message yet');
        return row;
      },
      { timeout: 10_000, interval: 50 },
    );
    const box = await h.prisma.voicemailBox.findUnique({ where: { id: message.boxId } });
    const ext = await h.prisma.extension.findUnique({ where: { id: box?.extensionId ?? '' } });
    expect(ext?.number).toBe('201');
    expect(message.durationSeconds).toBeGreaterThanOrEqual(2);
  });

  it('a wrong key plays the invalid tone and the greeting again; a second wrong key goes to voicemail 202', async () => {
    const callerPort = await evenPort();
    const capture = await captureMedia(callerPort);
    let datagrams: CapturedDatagram[] = [];
    try {
      const caller = await runVoicemailCaller({
        scenario: 'conference-uac-talk.xml',
        target: { host: '127.0.0.1', port: h.port },
        domain: h.domain,
        caller: { extension: '101', password: 'pw-101' },
        dialled: '500',
        script: new RtpScript(SSRC.caller)
          .tone(500, CALLER_HZ, 0)
          .digit('9')
          .tone(1500, CALLER_HZ, 0)
          .digit('9')
          .tone(10_000, CALLER_HZ),
        mediaPort: callerPort,
        pauseMs: 11_000,
      });
      expect(caller.code, caller.output).toBe(0);
    } finally {
      datagrams = await capture.stop();
    }
    // The first 2 s the caller was sent: the greeting, cut by the first 9 at 0.5 s, the invalid tone.
    const heard = audioOf(rtpOf(datagrams), (r) => fromPbx(r) && r.d.destination.port === callerPort, 100);
    expect(toneAmplitude(heard, MENU_INVALID_HZ), 'the invalid-choice tone').toBeGreaterThan(0.02);
    const record = await recordOfThisTest();
    expect(record).toMatchObject({ answeredBy: 'menu:500', disposition: 'voicemail' });
    expect(record.transfers).toMatchObject([
      { transferor: 'menu 500', target: 'voicemail 202', status: 200 },
    ]);
  });
});
