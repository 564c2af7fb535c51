import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  decodeRtcpCompound,
  decodeRtpPacket,
  encodeRtpPacket,
  generateTone,
  pcm16Bytes,
  toneAmplitude,
  ulawDecode,
  writeWav,
} from '@switchboard/media';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { callSuite, expectPassed } from './support/call-runner.js';

/**
 * Music on hold through the running B2BUA with sipp on both legs (test/sipp/moh-*.xml); each phone's
 * RTP address is a UDP socket of the test. The caller (extension 100, class `sales`) holds by
 * re-INVITE a=sendonly for 1 s and resumes.
 */
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-moh-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));
const SALES_HZ = 1000;
for (const [cls, hz] of [
  ['sales', SALES_HZ],
  ['default', 600],
] as const) {
  fs.mkdirSync(path.join(dataDir, 'moh', cls), { recursive: true });
  // 16 kHz PCM: the PBX resamples it to the 8 kHz of G.711.
  const tone = generateTone({ frequencyHz: hz, durationMs: 2000, sampleRate: 16000, amplitude: 0.5 });
  fs.writeFileSync(
    path.join(dataDir, 'moh', cls, 'tone.wav'),
    writeWav({ encoding: 'pcm16', sampleRate: 16000, data: pcm16Bytes(tone) }),
  );
}

interface Heard {
  readonly kind: 'rtp' | 'bye';
  readonly from: string;
  readonly payloadType?: number;
  readonly payload?: Uint8Array;
}

/** A phone's RTP (and RTCP on port + 1) as the test sees it. */
class PhoneMedia {
  readonly heard: Heard[] = [];
  private constructor(
    readonly rtp: dgram.Socket,
    readonly rtcp: dgram.Socket | undefined,
  ) {
    rtp.on('message', (msg, from) => {
      const p = decodeRtpPacket(msg);
      this.heard.push({
        kind: 'rtp',
        from: `${from.address}:${from.port}`,
        payloadType: p.payloadType,
        payload: p.payload,
      });
    });
    rtcp?.on('message', (msg, from) => {
      if (decodeRtcpCompound(msg).some((x) => x.type === 'bye'))
        this.heard.push({ kind: 'bye', from: `${from.address}:${from.port}` });
    });
  }

  /** A socket on a free port, and (`withRtcp`) the next port for RTCP. */
  static async open(withRtcp: boolean): Promise<PhoneMedia> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const rtp = await bind(0);
      if (!withRtcp) return new PhoneMedia(rtp, undefined);
      const port = rtp.address().port;
      const rtcp = await bind(port + 1).catch(() => undefined);
      if (rtcp) return new PhoneMedia(rtp, rtcp);
      rtp.close();
    }
    throw new Error('no free UDP port pair');
  }

  get port(): number {
    return this.rtp.address().port;
  }

  rtpPackets(): Heard[] {
    return this.heard.filter((h) => h.kind === 'rtp');
  }

  close(): void {
    this.rtp.close();
    this.rtcp?.close();
  }
}

function bind(port: number): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket('udp4');
    s.once('error', reject);
    s.bind(port, '127.0.0.1', () => {
      s.off('error', reject);
      resolve(s);
    });
  });
}

/** The m=audio ports of the SDP bodies in a sipp message trace, in order. */
function audioPorts(trace: string): number[] {
  return [...trace.matchAll(/^m=audio (\d+) /gm)].map((m) => Number(m[1]));
}

async function holdCall(
  run: ReturnType<typeof callSuite>['run'],
  calleeScenario: string,
): Promise<{ caller: PhoneMedia; callee: PhoneMedia; calleeTrace: string }> {
  const caller = await PhoneMedia.open(false);
  const callee = await PhoneMedia.open(true);
  const r = await run.call(
    '201',
    'moh-uac-hold.xml',
    [{ scenario: calleeScenario, args: ['-key', 'bport', String(callee.port)] }],
    '201',
    ['-key', 'aport', String(caller.port)],
  );
  expectPassed(r.caller);
  r.callees.forEach(expectPassed);
  expect(await run.onlyRecord()).toMatchObject({
    answeredBy: '201',
    disposition: 'answered',
    hangupSide: 'caller',
  });
  return { caller, callee, calleeTrace: r.callees[0]?.messages ?? '' };
}

describe('music on hold (sipp)', () => {
  const suite = callSuite({ SWITCHBOARD_MUSIC_ON_HOLD: 'on', SWITCHBOARD_DATA_DIR: dataDir }, async (s) => {
    await s.prisma.extension.update({ where: { number: '100' }, data: { mohClass: 'sales' } });
  });

  it('the held callee is re-INVITEd to the PBX and hears the holder’s class until the resume points it back', async () => {
    const { caller, callee, calleeTrace } = await holdCall(suite.run, 'moh-uas-held.xml');
    try {
      // The callee's leg was offered: the caller (call, hold), the PBX's music source, the caller (resume).
      const offered = audioPorts(calleeTrace).filter((p) => p !== callee.port);
      expect(offered).toHaveLength(4);
      const musicPort = offered[2];
      expect([offered[0], offered[1], offered[3]]).toEqual([caller.port, caller.port, caller.port]);
      expect(musicPort).not.toBe(caller.port);

      // Music arrived at the held party: PCMU frames from the port its SDP named, the sales class's tone.
      const music = callee.rtpPackets();
      expect(music.length).toBeGreaterThanOrEqual(15);
      expect(new Set(music.map((h) => h.from))).toEqual(new Set([`127.0.0.1:${musicPort}`]));
      expect(music.every((h) => h.payloadType === 0 && h.payload?.length === 160)).toBe(true);
      const audio = ulawDecode(Buffer.concat(music.slice(2).map((h) => h.payload ?? new Uint8Array())));
      expect(toneAmplitude(audio, SALES_HZ)).toBeGreaterThan(0.2);
      expect(toneAmplitude(audio, 600)).toBeLessThan(0.02);

      // On resume the music source ends with RTCP BYE (RFC 3550 §6.6) and sends nothing after it.
      await vi.waitFor(() => expect(callee.heard.some((h) => h.kind === 'bye')).toBe(true), {
        timeout: 5000,
        interval: 20,
      });
      const bye = callee.heard.findIndex((h) => h.kind === 'bye');
      expect(callee.heard.slice(bye).filter((h) => h.kind === 'rtp')).toHaveLength(0);
      // The holder was never sent music.
      expect(caller.rtpPackets()).toHaveLength(0);

      // Media flows between the parties again: the callee sends to where the resume pointed it.
      const arrived = new Promise<void>((resolve) => caller.rtp.once('message', () => resolve()));
      callee.rtp.send(
        encodeRtpPacket({
          payloadType: 0,
          sequenceNumber: 1,
          timestamp: 160,
          ssrc: 7,
          payload: new Uint8Array(160).fill(0xff),
        }),
        caller.port,
        '127.0.0.1',
      );
      await arrived;
    } finally {
      caller.close();
      callee.close();
    }
  });
});

describe('music on hold off (sipp)', () => {
  const suite = callSuite({ SWITCHBOARD_MUSIC_ON_HOLD: 'off', SWITCHBOARD_DATA_DIR: dataDir });

  it('SWITCHBOARD_MUSIC_ON_HOLD=off: the hold and resume are relayed, no music re-INVITE, no RTP', async () => {
    const { caller, callee, calleeTrace } = await holdCall(suite.run, 'moh-uas-held-silence.xml');
    try {
      expect(audioPorts(calleeTrace).filter((p) => p !== callee.port)).toEqual([
        caller.port,
        caller.port,
        caller.port,
      ]);
      expect(callee.heard).toHaveLength(0);
    } finally {
      caller.close();
      callee.close();
    }
  });
});
