import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { callTraceSchema, sipLabel, summarizeSip, tracePcap, type TraceEntry } from '@switchboard/sip-trace';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CallTraceService, TRACE_LINGER_MS } from '../src/calls/trace/call-trace.service.js';
import { CallTraceRepository } from '../src/repositories/call-trace.repository.js';
import { type CallsHarness, killAllSipp, startCalls, startSipp } from './support/calls-harness.js';

/**
 * Per-call SIP trace capture (issue #22): a call forked to two phones of one extension, one answers,
 * the other is CANCELled. The stored trace (call_traces, keyed by the call record's id) must hold every
 * message of the three legs — caller, winner, cancelled branch — in order, with addresses.
 */
let h: CallsHarness;
vi.setConfig({ testTimeout: 40_000 });

beforeAll(async () => {
  h = await startCalls({}, async (s) => {
    await s.addExtension('100', 'pw-100');
    await s.addExtension('202', 'pw-202');
  });
}, 60_000);

afterAll(async () => {
  killAllSipp();
  await h?.close();
});

/** `dir label` tokens of one leg, consecutive duplicates (UDP retransmissions) collapsed. */
function legTokens(entries: readonly TraceEntry[], sipCallId: string): string {
  const tokens: string[] = [];
  for (const e of entries) {
    const s = summarizeSip(e.msg);
    if (s?.callId !== sipCallId) continue;
    const token = `${e.dir} ${sipLabel(s)}`;
    if (tokens.at(-1) !== token) tokens.push(token);
  }
  return tokens.join(' | ');
}

describe('per-call SIP trace (sipp)', () => {
  it('a forked call with a CANCELled branch: every message of every leg, in order, stored with the call', async () => {
    const winner = await startSipp('call-uas-answer.xml', []);
    const loser = await startSipp('call-uas-ring-elsewhere.xml', []);
    await h.bind('202', winner.port);
    await h.bind('202', loser.port);
    const caller = await startSipp(
      'call-uac-basic.xml',
      ['-s', '202', '-au', '100', '-ap', 'pw-100', '-key', 'domain', h.domain, '-key', 'caller', '100'],
      { host: '127.0.0.1', port: h.port },
      `sip:202@${h.domain}`,
    );
    for (const p of [caller, winner, loser]) {
      const r = await p.done;
      expect(r.code, r.output).toBe(0);
    }
    const record = await vi.waitFor(
      async () => {
        const row = await h.prisma.callRecord.findFirst({ where: { calleeNumber: '202' } });
        if (!row) throw new Error('no call record yet');
        return row;
      },
      { timeout: 10_000, interval: 50 },
    );
    const row = await vi.waitFor(
      async () => {
        const found = await h.prisma.callTrace.findUnique({ where: { callId: record.id } });
        if (!found) throw new Error('no trace yet');
        return found;
      },
      { timeout: TRACE_LINGER_MS + 8_000, interval: 50 },
    );
    const trace = callTraceSchema.parse({ ...row, entries: row.entries });
    expect(trace.dropped).toBe(0);
    expect(trace.sipCallIds).toHaveLength(3);
    const [callerCallId, ...legCallIds] = trace.sipCallIds as [string, string, string];

    // Time order, and the PBX's own address on every message.
    const times = trace.entries.map((e) => e.t);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    for (const e of trace.entries) {
      expect(e.proto).toBe('UDP');
      expect(e.local).toEqual({ host: '127.0.0.1', port: h.port });
    }
    // Every message belongs to one of the call's legs; sizes add up.
    const ids = new Set(trace.entries.map((e) => summarizeSip(e.msg)?.callId));
    expect([...ids].sort()).toEqual([...trace.sipCallIds].sort());
    expect(row.sizeBytes).toBe(trace.entries.reduce((n, e) => n + Buffer.byteLength(e.msg), 0));

    // The caller's leg: the challenge exchange before the call existed, then the call, then the BYE.
    // On a loaded machine sipp may retransmit the first INVITE before its 407 arrives; the stateless
    // challenge answers each copy (RFC 3261 §8.2.7), and the trace shows them all.
    expect(legTokens(trace.entries, callerCallId)).toMatch(
      new RegExp(
        '^in INVITE( \\| out 100 Trying)? \\| out 407 Proxy Authentication Required ' +
          '(\\| in INVITE \\| out 407 Proxy Authentication Required )*\\| in ACK \\| ' +
          'in INVITE \\| out 100 Trying( \\| out 180 Ringing)* \\| out 200 OK \\| in ACK \\| ' +
          'in BYE \\| out 200 OK \\(BYE\\)$',
      ),
    );
    const byPort = (port: number) =>
      legCallIds.find((id) =>
        trace.entries.some((e) => summarizeSip(e.msg)?.callId === id && e.remote.port === port),
      ) ?? '';
    const winnerId = byPort(winner.port);
    const loserId = byPort(loser.port);
    expect(new Set([winnerId, loserId])).toEqual(new Set(legCallIds));
    // The call record names the same Call-IDs: the caller's, and each leg's with its outcome.
    expect(record).toMatchObject({ sipCallId: callerCallId, pluginId: 'extensions' });
    const legs = record.legs as { sipCallId?: string; status?: number; answered: boolean }[];
    expect(legs.map((l) => [l.sipCallId, l.status, l.answered]).sort()).toEqual(
      [
        [winnerId, 200, true],
        [loserId, 487, false],
      ].sort(),
    );
    expect(legTokens(trace.entries, winnerId)).toBe(
      'out INVITE | in 180 Ringing | in 200 OK | out ACK | out BYE | in 200 OK (BYE)',
    );
    expect(legTokens(trace.entries, loserId)).toBe(
      'out INVITE | in 180 Ringing | out CANCEL | in 200 OK (CANCEL) | in 487 Request Terminated | out ACK',
    );
    // Across legs: the caller's BYE comes in before ours goes to the winner.
    const at = (id: string, label: string, dir: 'in' | 'out') =>
      trace.entries.findIndex(
        (e) =>
          e.dir === dir && summarizeSip(e.msg)?.callId === id && sipLabel(summarizeSip(e.msg)!) === label,
      );
    expect(at(callerCallId, 'BYE', 'in')).toBeLessThan(at(winnerId, 'BYE', 'out'));
    expect(at(winnerId, '200 OK', 'in')).toBeLessThan(at(callerCallId, '200 OK', 'out'));

    // The pcap of the stored trace lists the same messages (tshark reads it back).
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-trace-'));
    try {
      const file = path.join(dir, 'call.pcap');
      fs.writeFileSync(file, tracePcap(trace.entries));
      const out = execFileSync('tshark', ['-r', file, '-T', 'fields', '-e', 'sip.Call-ID'], {
        encoding: 'utf8',
      });
      const pcapIds = out.trim().split('\n');
      expect(pcapIds).toEqual(trace.entries.map((e) => summarizeSip(e.msg)?.callId));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }

    // Nothing of the call is held any more (buffers and lingering timers).
    const service = h.app.get(CallTraceService);
    expect(service.sizes).toMatchObject({ calls: 0, sipCallIds: 0, lingering: 0, queued: 0 });
    if (process.env.SWITCHBOARD_TRACE_FIXTURE_OUT)
      fs.writeFileSync(process.env.SWITCHBOARD_TRACE_FIXTURE_OUT, JSON.stringify({ record, trace }, null, 2));
  });

  it('pruning: traces past the retention go, then the oldest beyond the total size cap', async () => {
    await h.prisma.callTrace.deleteMany();
    const day = 86_400_000;
    const rows = [
      { callId: 'old', age: 10 * day, size: 100 },
      { callId: 'older-kept', age: 3 * day, size: 600 },
      { callId: 'mid', age: 2 * day, size: 500 },
      { callId: 'new', age: 1_000, size: 400 },
    ];
    for (const r of rows)
      await h.prisma.callTrace.create({
        data: {
          callId: r.callId,
          sipCallIds: [r.callId],
          entries: [],
          sizeBytes: r.size,
          createdAt: new Date(Date.now() - r.age),
        },
      });
    const repository = h.app.get(CallTraceRepository);
    // 7 days' retention removes `old`; a 1000-byte cap keeps the newest that fit (400 + 500).
    expect(await repository.prune(7, 1000)).toBe(2);
    const left = await h.prisma.callTrace.findMany({ orderBy: { createdAt: 'desc' } });
    expect(left.map((r) => r.callId)).toEqual(['new', 'mid']);
  });
});
