import dgram from 'node:dgram';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SystemClock } from '@switchboard/clock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NgClient, rtpengineInstalled, startRtpengine, type RtpengineProcess } from '../src/index.js';

const live = rtpengineInstalled();

/** A party's RTP socket on loopback. */
async function rtpSocket(): Promise<{ socket: dgram.Socket; port: number; packets: Buffer[] }> {
  const socket = dgram.createSocket('udp4');
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  const packets: Buffer[] = [];
  socket.on('message', (m) => packets.push(m));
  return { socket, port: socket.address().port, packets };
}

function sdp(port: number, extra = ''): string {
  return (
    'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n' +
    `m=audio ${port} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n${extra}`
  );
}

function audioPort(body: string): number {
  return Number(/^m=audio (\d+) /m.exec(body)?.[1]);
}

/** An RTP packet (RFC 3550 §5.1): PCMU, 160 bytes of payload. */
function rtp(seq: number, ssrc: number): Buffer {
  const b = Buffer.alloc(12 + 160, 0xff);
  b[0] = 0x80;
  b[1] = 0;
  b.writeUInt16BE(seq, 2);
  b.writeUInt32BE(seq * 160, 4);
  b.writeUInt32BE(ssrc, 8);
  return b;
}

describe.skipIf(!live)('NgClient against a real rtpengine on loopback', () => {
  let rtpengine: RtpengineProcess;
  let client: NgClient;

  beforeAll(async () => {
    rtpengine = await startRtpengine({ interfaces: ['127.0.0.1'], portMin: 44600, portMax: 44699 });
    client = new NgClient({ address: rtpengine.address, port: rtpengine.ngPort, clock: new SystemClock() });
  });

  afterAll(async () => {
    client.close();
    await rtpengine?.stop();
  });

  it('answers ping', async () => {
    await expect(client.ping()).resolves.toBeUndefined();
  });

  it('anchors a call: offer and answer rewrite the SDP, RTP crosses both ways, query counts it, delete ends it', async () => {
    const a = await rtpSocket();
    const b = await rtpSocket();
    try {
      const offer = await client.offer({
        callId: 'live-1',
        fromTag: 'A',
        sdp: sdp(a.port),
        replace: ['origin'],
      });
      const toB = audioPort(offer.sdp);
      expect(toB).toBeGreaterThanOrEqual(44600);
      expect(toB).toBeLessThanOrEqual(44699);
      const answer = await client.answer({ callId: 'live-1', fromTag: 'A', toTag: 'B', sdp: sdp(b.port) });
      const toA = audioPort(answer.sdp);
      expect(toA).not.toBe(toB);
      for (let i = 0; i < 5; i++) {
        a.socket.send(rtp(i, 0xa), toA, '127.0.0.1');
        b.socket.send(rtp(i, 0xb), toB, '127.0.0.1');
      }
      await expect.poll(() => [a.packets.length, b.packets.length]).toEqual([5, 5]);
      expect(b.packets[0]!.readUInt32BE(8)).toBe(0xa);
      expect(a.packets[0]!.readUInt32BE(8)).toBe(0xb);
      const q = await client.query({ callId: 'live-1' });
      expect(q.totals.rtp.packets).toBe(10);
      const fromA = q.tags.get('A')?.[0]?.streams[0];
      expect(fromA?.stats.packets).toBe(5);
      expect(fromA?.endpoint).toEqual({ address: '127.0.0.1', port: a.port });
      await client.delete({ callId: 'live-1', deleteDelay: 0 });
      await expect(client.query({ callId: 'live-1' })).rejects.toMatchObject({ code: 'rejected' });
    } finally {
      a.socket.close();
      b.socket.close();
    }
  });

  it('gives each fork branch (via-branch) its own ports for early media', async () => {
    const offer1 = await client.offer({
      callId: 'live-fork',
      fromTag: 'A',
      viaBranch: 'z9hG4bK-1',
      sdp: sdp(4000),
    });
    const offer2 = await client.offer({
      callId: 'live-fork',
      fromTag: 'A',
      viaBranch: 'z9hG4bK-2',
      sdp: sdp(4000),
    });
    expect(audioPort(offer1.sdp)).not.toBe(audioPort(offer2.sdp));
    const ans1 = await client.answer({
      callId: 'live-fork',
      fromTag: 'A',
      toTag: 'B1',
      viaBranch: 'z9hG4bK-1',
      sdp: sdp(5000),
    });
    const ans2 = await client.answer({
      callId: 'live-fork',
      fromTag: 'A',
      toTag: 'B2',
      viaBranch: 'z9hG4bK-2',
      sdp: sdp(5002),
    });
    expect(audioPort(ans1.sdp)).not.toBe(audioPort(ans2.sdp));
    const q = await client.query({ callId: 'live-fork' });
    expect([...q.tags.keys()].sort()).toEqual(['A', 'B1', 'B2']);
    await client.delete({ callId: 'live-fork' });
  });

  it('bridges SDES-SRTP (RTP/SAVP) and plain RTP: transport-protocol, SDES and DTLS options', async () => {
    const key = 'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\r\n';
    // A plain offer to a SRTP-only answerer: rtpengine's own keys, no NULL suite, no DTLS lines.
    const offer = await client.offer({
      callId: 'live-sdes',
      fromTag: 'A',
      sdp: sdp(4000),
      transportProtocol: 'RTP/SAVP',
      sdes: ['no-NULL_HMAC_SHA1_80', 'no-NULL_HMAC_SHA1_32'],
      dtls: 'off',
    });
    expect(offer.sdp).toMatch(/^m=audio \d+ RTP\/SAVP 0/m);
    expect(offer.sdp).toMatch(/^a=crypto:\d+ AES_CM_128_HMAC_SHA1_80 inline:/m);
    expect(offer.sdp).not.toMatch(/NULL_HMAC|a=fingerprint|a=setup/);
    const answer = await client.answer({
      callId: 'live-sdes',
      fromTag: 'A',
      toTag: 'B',
      sdp: sdp(5000, key).replace('RTP/AVP', 'RTP/SAVP'),
    });
    // The plain offerer gets a plain answer.
    expect(answer.sdp).toMatch(/^m=audio \d+ RTP\/AVP 0/m);
    expect(answer.sdp).not.toContain('a=crypto');
    // The other way: a SRTP offer becomes plain towards a plain answerer.
    const back = await client.offer({
      callId: 'live-sdes-2',
      fromTag: 'A',
      sdp: sdp(4002, key).replace('RTP/AVP', 'RTP/SAVP'),
      transportProtocol: 'RTP/AVP',
    });
    expect(back.sdp).toMatch(/^m=audio \d+ RTP\/AVP 0/m);
    expect(back.sdp).not.toContain('a=crypto');
    await client.delete({ callId: 'live-sdes' });
    await client.delete({ callId: 'live-sdes-2' });
  });

  it('surfaces rtpengine refusals as rejected errors with its reason', async () => {
    await expect(
      client.answer({ callId: 'no-such-call', fromTag: 'A', toTag: 'B', sdp: sdp(4000) }),
    ).rejects.toMatchObject({ code: 'rejected', message: 'rtpengine answer: Unknown call-id' });
    await expect(client.offer({ callId: 'bad-sdp', fromTag: 'A', sdp: 'hello' })).rejects.toMatchObject({
      code: 'rejected',
    });
  });
});

/** A mono 16-bit PCM WAV of `ms` milliseconds of a 1 kHz tone at 8 kHz, for `play media`. */
function toneWav(ms: number): Buffer {
  const n = ms * 8;
  const b = Buffer.alloc(44 + 2 * n);
  b.write('RIFF', 0);
  b.writeUInt32LE(36 + 2 * n, 4);
  b.write('WAVEfmt ', 8);
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(8000, 24);
  b.writeUInt32LE(16000, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36);
  b.writeUInt32LE(2 * n, 40);
  for (let i = 0; i < n; i++)
    b.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 1000 * i) / 8000)), 44 + 2 * i);
  return b;
}

describe.skipIf(!live)('call recording in a real rtpengine (--recording-method=pcap)', () => {
  let rtpengine: RtpengineProcess;
  let client: NgClient;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rtpengine-rec-'));

  beforeAll(async () => {
    rtpengine = await startRtpengine({
      interfaces: ['127.0.0.1'],
      portMin: 44700,
      portMax: 44799,
      recordingDir: dir,
    });
    client = new NgClient({ address: rtpengine.address, port: rtpengine.ngPort, clock: new SystemClock() });
  });

  afterAll(async () => {
    client.close();
    await rtpengine?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('start recording writes the call to a pcap once deleted; play media plays a file to one party', async () => {
    const a = await rtpSocket();
    const b = await rtpSocket();
    try {
      const offer = await client.offer({ callId: 'rec-1', fromTag: 'A', sdp: sdp(a.port) });
      const answer = await client.answer({ callId: 'rec-1', fromTag: 'A', toTag: 'B', sdp: sdp(b.port) });
      await client.startRecording('rec-1');
      const wav = path.join(dir, 'tone.wav');
      fs.writeFileSync(wav, toneWav(200));
      expect(await client.playMedia({ callId: 'rec-1', fromTag: 'A', file: wav })).toBe(200);
      for (let i = 0; i < 5; i++) {
        a.socket.send(rtp(i, 0xa), audioPort(answer.sdp), '127.0.0.1');
        b.socket.send(rtp(i, 0xb), audioPort(offer.sdp), '127.0.0.1');
      }
      // A hears the 200 ms file (about 10 packets) besides what B sent.
      await expect.poll(() => a.packets.length).toBeGreaterThanOrEqual(10);
      await expect.poll(() => b.packets.length).toBe(5);
      await client.delete({ callId: 'rec-1', deleteDelay: 0 });
      const pcaps = fs.readdirSync(path.join(dir, 'pcaps')).filter((f) => f.startsWith('rec-1-'));
      expect(pcaps).toHaveLength(1);
      // The pcap header and the 10 packets both parties sent (each record: 16 + 20 IP + 8 UDP + 172 RTP).
      expect(fs.statSync(path.join(dir, 'pcaps', pcaps[0]!)).size).toBe(24 + 10 * 216);
      await expect(client.playMedia({ callId: 'rec-1', fromTag: 'A', file: wav })).rejects.toMatchObject({
        code: 'rejected',
      });
    } finally {
      a.socket.close();
      b.socket.close();
    }
  });
});
