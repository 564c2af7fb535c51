import type { Logger } from '@switchboard/config';
import { NgClient, rtpengineInstalled, startRtpengine, type RtpengineProcess } from '@switchboard/rtpengine';
import { ProcessMetrics } from '@switchboard/metrics';
import { parseMessage, type SipRequest } from '@switchboard/sip';
import { SystemClock } from '@switchboard/transactions';
import dgram from 'node:dgram';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BodyRelay } from '../src/calls/bridge/session-body-relay.js';
import { CallMedia, type MediaAnchorDeps, type MediaMode } from '../src/calls/media/call-media.js';
import { MediaMetrics } from '../src/calls/media/media-metrics.js';
import { calleeMedia, callerMedia } from '../src/calls/media/nat-detection.js';
import { restoreUnrelayedMedia } from '../src/calls/media/relayed-media-lines.js';

const sdp = (address: string, port: number, extra = ''): string =>
  `v=0\r\no=- 1 1 IN IP4 ${address}\r\ns=-\r\nc=IN IP4 ${address}\r\nt=0 0\r\n` +
  `m=audio ${port} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n${extra}`;
const MSRP =
  'm=message 2855 TCP/MSRP *\r\na=accept-types:text/plain\r\na=path:msrp://10.0.0.2:2855/s;tcp\r\n';
const body = (text: string) => ({ contentType: 'application/sdp', content: Buffer.from(text) });

function invite(contactHost: string): SipRequest {
  const text =
    'INVITE sip:201@pbx.test SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.2:5060;branch=z9hG4bK1\r\n' +
    'From: <sip:100@pbx.test>;tag=a\r\nTo: <sip:201@pbx.test>\r\nCall-ID: c1\r\nCSeq: 1 INVITE\r\n' +
    `Contact: <sip:100@${contactHost}:5060>\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`;
  return parseMessage(Buffer.from(text)) as SipRequest;
}

describe('NAT detection (source address against Contact and SDP)', () => {
  it('a caller whose Contact or SDP names another address than its source is behind NAT', () => {
    expect(callerMedia(invite('10.0.0.2'), '203.0.113.5', undefined)).toEqual({
      sourceHost: '203.0.113.5',
      behindNat: true,
    });
    expect(callerMedia(invite('203.0.113.5'), '203.0.113.5', body(sdp('10.0.0.2', 4000))).behindNat).toBe(
      true,
    );
    expect(callerMedia(invite('203.0.113.5'), '203.0.113.5', body(sdp('203.0.113.5', 4000))).behindNat).toBe(
      false,
    );
    // A host name says nothing; 0.0.0.0 is hold (RFC 3264 §8.4).
    expect(callerMedia(invite('phone.example'), '203.0.113.5', body(sdp('0.0.0.0', 4000))).behindNat).toBe(
      false,
    );
  });

  it("a callee is behind NAT when its registration's source differs from its Contact", () => {
    expect(calleeMedia('sip:201@10.0.0.3:5060', '203.0.113.9')).toEqual({
      sourceHost: '203.0.113.9',
      behindNat: true,
    });
    expect(calleeMedia('sip:201@203.0.113.9:5060', '203.0.113.9').behindNat).toBe(false);
    expect(calleeMedia('sip:201@10.0.0.3', undefined).behindNat).toBe(false);
  });
});

describe('m-lines rtpengine does not relay (RFC 3264: passed through as written)', () => {
  it('puts a TCP stream back with its own address, keeping the relayed audio', () => {
    const original = sdp('10.0.0.2', 4000, MSRP);
    const rewritten = sdp('192.0.2.1', 30000, MSRP.replace('2855 TCP', '30020 TCP'));
    const out = restoreUnrelayedMedia(original, rewritten);
    expect(out).toContain('m=audio 30000 RTP/AVP 0');
    expect(out).toContain('c=IN IP4 192.0.2.1');
    expect(out).toContain('m=message 2855 TCP/MSRP *\r\nc=IN IP4 10.0.0.2\r\n');
  });
});

describe.skipIf(!rtpengineInstalled())('CallMedia against a real rtpengine', () => {
  let rtpengine: RtpengineProcess;
  let client: NgClient;
  const logs: string[] = [];
  const record = (obj: Record<string, unknown>, msg: string): void =>
    void logs.push(`${msg} ${JSON.stringify(obj)}`);
  const logger = { error: record, warn: record, debug: record } as unknown as Logger;

  beforeAll(async () => {
    rtpengine = await startRtpengine({ interfaces: ['127.0.0.1'], portMin: 45400, portMax: 45499 });
    client = new NgClient({ address: rtpengine.address, port: rtpengine.ngPort, clock: new SystemClock() });
  });
  afterAll(async () => {
    client.close();
    await rtpengine?.stop();
  });

  const deps = (mode: MediaMode, c: NgClient | undefined = client): MediaAnchorDeps => ({
    mode,
    client: c,
    hasExternalInterface: false,
    logger,
  });
  const cross = (media: CallMedia, kind: 'offer' | 'answer', text: string): Promise<BodyRelay> =>
    new Promise((resolve) =>
      media.cross(
        kind === 'offer'
          ? { kind, from: 'caller', to: { branch: 'leg-1' } }
          : { kind, from: { branch: 'leg-1' }, to: 'caller' },
        body(text),
        resolve,
      ),
    );
  const textOf = (r: BodyRelay): string => (r.ok && r.body ? r.body.content.toString() : '');
  const local = { sourceHost: '127.0.0.1', behindNat: false };

  it('relay: offer and answer get rtpengine ports; a TCP/MSRP stream passes untouched', async () => {
    const media = new CallMedia(deps('relay'), 'unit-relay', local);
    expect(media.openBranch('leg-1', local)).toBe(true);
    const offer = textOf(await cross(media, 'offer', sdp('127.0.0.1', 4000, MSRP)));
    expect(offer).toMatch(/m=audio 454\d\d RTP\/AVP 0/);
    expect(offer).toContain('m=message 2855 TCP/MSRP *');
    const answer = textOf(await cross(media, 'answer', sdp('127.0.0.1', 5000)));
    expect(answer).toMatch(/m=audio 454\d\d RTP\/AVP 0/);
    expect((await client.query({ callId: 'unit-relay' })).tags.size).toBe(2);
    media.end();
    await expect
      .poll(() =>
        client.query({ callId: 'unit-relay' }).then(
          () => 'live',
          () => 'gone',
        ),
      )
      .toBe('gone');
  });

  it('direct, and auto without NAT: the body crosses unchanged, at once', () => {
    for (const mode of ['direct', 'auto'] as const) {
      const media = new CallMedia(deps(mode), `unit-${mode}`, local);
      expect(media.openBranch('leg-1', local)).toBe(false);
      let delivered: BodyRelay | undefined;
      media.cross(
        { kind: 'offer', from: 'caller', to: { branch: 'leg-1' } },
        body(sdp('127.0.0.1', 4000)),
        (r) => {
          delivered = r;
        },
      );
      expect(delivered && textOf(delivered)).toBe(sdp('127.0.0.1', 4000));
    }
  });

  it('auto relays a branch when the caller is behind NAT', () => {
    const media = new CallMedia(deps('auto'), 'unit-auto-nat', { sourceHost: '127.0.0.1', behindNat: true });
    expect(media.openBranch('leg-1', local)).toBe(true);
    media.end();
  });

  it('rtpengine not answering: the SDP goes on unchanged (direct media) and the failure is logged', async () => {
    const dead = new NgClient({ address: '127.0.0.1', port: 9, clock: new SystemClock(), timeoutMs: 100 });
    try {
      const media = new CallMedia(deps('relay', dead), 'unit-dead', local);
      media.openBranch('leg-1', local);
      expect(textOf(await cross(media, 'offer', sdp('127.0.0.1', 4000)))).toBe(sdp('127.0.0.1', 4000));
      expect(logs.join('')).toContain('rtpengine failed: SDP relayed unchanged (direct media)');
      expect(logs.join('')).toContain('"call":"unit-dead"');
      expect(logs.join('')).toContain('"code":"timeout"');
    } finally {
      dead.close();
    }
  });

  it('metrics: a relayed call, its ng commands and its RTP at the end; a dead relay counts the direct fallback', async () => {
    const registry = new ProcessMetrics('signalling');
    const metrics = new MediaMetrics(registry, () => true);
    const counting = new NgClient({
      address: rtpengine.address,
      port: rtpengine.ngPort,
      clock: new SystemClock(),
      onSettled: (command, result, ms) => metrics.ngCommand(command, result, ms),
    });
    const dead = new NgClient({ address: '127.0.0.1', port: 9, clock: new SystemClock(), timeoutMs: 100 });
    const a = dgram.createSocket('udp4');
    const b = dgram.createSocket('udp4');
    a.bind(0, '127.0.0.1');
    b.bind(0, '127.0.0.1');
    await Promise.all([once(a, 'listening'), once(b, 'listening')]);
    const value = async (name: string, labels: Record<string, string> = {}) => {
      const found = (await registry.registry.getSingleMetric(name)?.get())?.values ?? [];
      const match = found.filter(
        (v) =>
          !('metricName' in v && typeof v.metricName === 'string' && !v.metricName.endsWith('_count')) &&
          Object.entries(labels).every(([k, x]) => v.labels[k] === x),
      );
      return match.reduce((n, v) => n + v.value, 0);
    };
    try {
      const media = new CallMedia({ ...deps('relay', counting), metrics }, 'unit-metrics', local);
      media.openBranch('leg-1', local);
      const offer = textOf(
        await cross(media, 'offer', sdp('127.0.0.1', (b.address() as { port: number }).port)),
      );
      const answer = textOf(
        await cross(media, 'answer', sdp('127.0.0.1', (a.address() as { port: number }).port)),
      );
      const toB = Number(/m=audio (\d+)/.exec(offer)?.[1]);
      const toA = Number(/m=audio (\d+)/.exec(answer)?.[1]);
      for (let seq = 0; seq < 5; seq++) {
        const packet = Buffer.alloc(172);
        packet.writeUInt8(0x80, 0);
        packet.writeUInt16BE(seq, 2);
        packet.writeUInt32BE(seq * 160, 4);
        a.send(packet, toA, '127.0.0.1');
        b.send(packet, toB, '127.0.0.1');
      }
      await expect
        .poll(async () => (await client.query({ callId: 'unit-metrics' })).totals.rtp.packets)
        .toBe(10);
      media.end();
      await expect.poll(() => value('switchboard_media_relayed_packets_total', { protocol: 'rtp' })).toBe(10);
      expect(await value('switchboard_media_relayed_bytes_total', { protocol: 'rtp' })).toBe(10 * 172);
      expect(await value('switchboard_media_relayed_calls_total')).toBe(1);
      await expect.poll(() => value('switchboard_media_ng_requests_total', { command: 'delete' })).toBe(1);
      for (const command of ['offer', 'answer', 'query'])
        expect(await value('switchboard_media_ng_requests_total', { command, result: 'ok' })).toBe(1);
      expect(await value('switchboard_media_ng_request_seconds', { command: 'offer' })).toBe(1);
      expect(await value('switchboard_media_relay_up')).toBe(1);

      const lost = new CallMedia({ ...deps('relay', dead), metrics }, 'unit-metrics-dead', local);
      lost.openBranch('leg-1', local);
      await cross(lost, 'offer', sdp('127.0.0.1', 4000));
      expect(await value('switchboard_media_fallbacks_total', { fallback: 'direct' })).toBe(1);
      expect(await value('switchboard_media_relayed_calls_total')).toBe(2);
    } finally {
      a.close();
      b.close();
      counting.close();
      dead.close();
    }
  });
});
