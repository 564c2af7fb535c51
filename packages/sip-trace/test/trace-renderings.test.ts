import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  HEP_CHUNK_TYPES,
  encodeHep3,
  ladderOf,
  ladderText,
  summarizeSip,
  traceText,
  tracePcap,
  type CallTrace,
  type TraceEntry,
} from '../src/index.js';

const pbx = { host: '127.0.0.1', port: 5060 };
const alice = { host: '127.0.0.1', port: 5071 };
const bob = { host: '127.0.0.1', port: 5072 };

function msg(start: string, callId: string, cseq: string, body = ''): string {
  return `${start}\r\nVia: SIP/2.0/UDP x;branch=z9hG4bK1\r\nCall-ID: ${callId}\r\nCSeq: ${cseq}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

let t = 1_796_572_800_000;
function entry(
  dir: 'in' | 'out',
  remote: typeof pbx,
  text: string,
  proto: TraceEntry['proto'] = 'UDP',
): TraceEntry {
  t += 10;
  return { t, dir, proto, local: pbx, remote, msg: text };
}

const trace: CallTrace = {
  sipCallIds: ['a-leg', 'b-leg'],
  dropped: 0,
  entries: [
    entry('in', alice, msg('INVITE sip:200@pbx SIP/2.0', 'a-leg', '1 INVITE', 'v=0\r\n')),
    entry('out', alice, msg('SIP/2.0 100 Trying', 'a-leg', '1 INVITE')),
    entry('out', bob, msg('INVITE sip:200@127.0.0.1:5072 SIP/2.0', 'b-leg', '1 INVITE')),
    entry('in', bob, msg('SIP/2.0 180 Ringing', 'b-leg', '1 INVITE')),
    entry('in', bob, msg('SIP/2.0 200 OK', 'b-leg', '1 INVITE')),
    entry('out', alice, msg('SIP/2.0 200 OK', 'a-leg', '1 INVITE')),
    entry('in', alice, msg('BYE sip:pbx SIP/2.0', 'a-leg', '2 BYE'), 'TCP'),
    entry('out', alice, msg('SIP/2.0 200 OK', 'a-leg', '2 BYE'), 'TCP'),
  ],
};

describe('summarizeSip', () => {
  it('reads requests, responses, the compact Call-ID and refuses non-SIP', () => {
    expect(summarizeSip('OPTIONS sip:x SIP/2.0\r\ni: abc\r\nCSeq: 7 OPTIONS\r\n\r\n')).toEqual({
      kind: 'request',
      method: 'OPTIONS',
      callId: 'abc',
      cseq: '7 OPTIONS',
    });
    expect(summarizeSip(msg('SIP/2.0 486 Busy Here', 'x', '1 INVITE'))).toMatchObject({
      kind: 'response',
      method: 'INVITE',
      status: 486,
      reason: 'Busy Here',
    });
    expect(summarizeSip('GET / HTTP/1.1\r\n\r\n')).toBeUndefined();
  });
});

describe('ladderOf', () => {
  it('puts the caller left, the PBX next, callees after, with one labelled arrow per message', () => {
    const ladder = ladderOf(trace);
    expect(ladder.columns).toEqual([
      { role: 'caller', address: '127.0.0.1:5071' },
      { role: 'pbx', address: '127.0.0.1:5060' },
      { role: 'callee', address: '127.0.0.1:5072' },
    ]);
    expect(ladder.arrows.map((a) => [a.from, a.to, a.label])).toEqual([
      [0, 1, 'INVITE'],
      [1, 0, '100 Trying'],
      [1, 2, 'INVITE'],
      [2, 1, '180 Ringing'],
      [2, 1, '200 OK'],
      [1, 0, '200 OK'],
      [0, 1, 'BYE'],
      [1, 0, '200 OK (BYE)'],
    ]);
  });
});

describe('ladderText', () => {
  it('draws the columns and one arrow line per message, pointing from sender to receiver', () => {
    const lines = ladderText(ladderOf(trace)).trimEnd().split('\n');
    expect(lines[0]).toMatch(/CALLER\s+PBX\s+callee 1/);
    expect(lines[1]).toMatch(/127\.0\.0\.1:5071\s+127\.0\.0\.1:5060\s+127\.0\.0\.1:5072/);
    const arrows = lines.slice(2);
    expect(arrows).toHaveLength(trace.entries.length);
    expect(arrows[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} +\|-+ INVITE -+>\| +\|$/);
    expect(arrows[1]).toMatch(/\|<-+ 100 Trying -+\| +\|$/);
    expect(arrows[2]).toMatch(/\| +\|-+ INVITE -+>\|$/);
    expect(arrows[3]).toMatch(/\| +\|<-+ 180 Ringing -+\|$/);
    expect(arrows[7]).toContain('200 OK (BYE)');
  });
});

describe('traceText', () => {
  it('lists every message with time, transport and direction', () => {
    const text = traceText(trace, 'call 42');
    expect(text).toContain('# SIP Call-IDs: a-leg, b-leg');
    expect(text).toContain('UDP 127.0.0.1:5071 -> 127.0.0.1:5060\nINVITE sip:200@pbx SIP/2.0\nVia:');
    expect(text).toContain('TCP 127.0.0.1:5060 -> 127.0.0.1:5071\nSIP/2.0 200 OK');
    expect(text.match(/^\d{4}-\d\d-\d\dT/gm)).toHaveLength(trace.entries.length);
  });
});

describe('tracePcap', () => {
  it('opens in tshark -r, which decodes every message as SIP in order', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sb-pcap-'));
    try {
      const file = path.join(dir, 'call.pcap');
      writeFileSync(file, tracePcap(trace.entries));
      const out = execFileSync(
        'tshark',
        [
          '-r',
          file,
          '-d',
          'tcp.port==5060,sip',
          '-T',
          'fields',
          '-e',
          'frame.time_epoch',
          '-e',
          'sip.Call-ID',
          '-e',
          'sip.Method',
          '-e',
          'sip.Status-Code',
          '-e',
          'sip.CSeq.method',
        ],
        { encoding: 'utf8', env: { ...process.env, HOME: dir } },
      );
      const rows = out
        .trim()
        .split('\n')
        .map((l) => l.split('\t'));
      expect(rows.map((r) => [r[1], r[2] || r[3]])).toEqual([
        ['a-leg', 'INVITE'],
        ['a-leg', '100'],
        ['b-leg', 'INVITE'],
        ['b-leg', '180'],
        ['b-leg', '200'],
        ['a-leg', '200'],
        ['a-leg', 'BYE'],
        ['a-leg', '200'],
      ]);
      expect(Number(rows[0]?.[0])).toBeCloseTo((trace.entries[0]?.t ?? 0) / 1000, 3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('encodeHep3', () => {
  it('frames the message in HEP v3 chunks Homer reads', () => {
    const e = trace.entries[0] as TraceEntry;
    const packet = encodeHep3(e, { captureId: 2001, authKey: 'k', correlationId: 'a-leg' });
    expect(packet.subarray(0, 4).toString()).toBe('HEP3');
    expect(packet.readUInt16BE(4)).toBe(packet.length);
    const chunks = new Map<number, Buffer>();
    for (let at = 6; at < packet.length;) {
      const length = packet.readUInt16BE(at + 4);
      chunks.set(packet.readUInt16BE(at + 2), packet.subarray(at + 6, at + length));
      at += length;
    }
    expect(chunks.get(HEP_CHUNK_TYPES.ipFamily)?.[0]).toBe(2);
    expect(chunks.get(HEP_CHUNK_TYPES.ipProtocol)?.[0]).toBe(17);
    expect([...(chunks.get(HEP_CHUNK_TYPES.ipv4Src) ?? [])]).toEqual([127, 0, 0, 1]);
    expect(chunks.get(HEP_CHUNK_TYPES.srcPort)?.readUInt16BE(0)).toBe(5071);
    expect(chunks.get(HEP_CHUNK_TYPES.dstPort)?.readUInt16BE(0)).toBe(5060);
    expect(chunks.get(HEP_CHUNK_TYPES.seconds)?.readUInt32BE(0)).toBe(Math.floor(e.t / 1000));
    expect(chunks.get(HEP_CHUNK_TYPES.captureId)?.readUInt32BE(0)).toBe(2001);
    expect(chunks.get(HEP_CHUNK_TYPES.authKey)?.toString()).toBe('k');
    expect(chunks.get(HEP_CHUNK_TYPES.correlationId)?.toString()).toBe('a-leg');
    expect(chunks.get(HEP_CHUNK_TYPES.payload)?.toString()).toBe(e.msg);
  });
});
