// bench:media (issue #24): concurrent G.711 calls, 20 ms packets both ways, through a private
// rtpengine (userspace forwarding) and direct (phone to phone) on loopback. For each step of
// concurrent calls: packet loss, one-way latency p50/p99 (send → receive in this process),
// jitter p99 (RFC 3550 §6.4.1 transit difference of consecutive packets) and rtpengine's CPU from
// /proc. Prints the highest number of relayed calls with < 0.1 % loss. A script, not a test.
import dgram from 'node:dgram';
import { once } from 'node:events';
import fs from 'node:fs';
import { SystemClock } from '@switchboard/clock';
import { NgClient } from '../src/ng-client.js';
import { startRtpengine } from '../src/rtpengine-process.js';

const STEPS = (process.env.BENCH_MEDIA_STEPS ?? '25,50,100,150,200,300').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_MEDIA_SECONDS ?? '5');
const PACKET_MS = 20;
const PAYLOAD = 160; // G.711, 20 ms at 8 kHz

interface Party {
  readonly socket: dgram.Socket;
  readonly port: number;
  /** Where this party sends (rtpengine's port for it, or the other party). */
  target: number;
  seq: number;
  received: number;
  lastTransit: number | undefined;
}

interface StepResult {
  calls: number;
  sent: number;
  received: number;
  latencies: number[];
  jitters: number[];
  cpuPercent: number | undefined;
}

async function party(): Promise<Party> {
  const socket = dgram.createSocket('udp4');
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  return { socket, port: socket.address().port, target: 0, seq: 0, received: 0, lastTransit: undefined };
}

function sdp(port: number): string {
  return `v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio ${port} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n`;
}

function audioPort(body: string): number {
  return Number(/^m=audio (\d+) /m.exec(body)?.[1]);
}

/** utime + stime of a process in clock ticks (/proc/PID/stat fields 14 and 15). */
function cpuTicks(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function runStep(
  calls: number,
  relay: { client: NgClient; pid: number } | undefined,
): Promise<StepResult> {
  const parties: [Party, Party][] = [];
  for (let i = 0; i < calls; i++) {
    const a = await party();
    const b = await party();
    if (relay) {
      const callId = `bench-${calls}-${i}`;
      const offer = await relay.client.offer({ callId, fromTag: 'a', sdp: sdp(a.port) });
      const answer = await relay.client.answer({ callId, fromTag: 'a', toTag: 'b', sdp: sdp(b.port) });
      b.target = audioPort(offer.sdp);
      a.target = audioPort(answer.sdp);
    } else {
      a.target = b.port;
      b.target = a.port;
    }
    parties.push([a, b]);
  }
  const latencies: number[] = [];
  const jitters: number[] = [];
  const all = parties.flat();
  for (const p of all) {
    p.socket.on('message', (msg: Buffer) => {
      const now = performance.now();
      const transit = now - msg.readDoubleBE(12);
      p.received += 1;
      latencies.push(transit);
      if (p.lastTransit !== undefined) jitters.push(Math.abs(transit - p.lastTransit));
      p.lastTransit = transit;
    });
  }
  const packet = Buffer.alloc(12 + PAYLOAD, 0xff);
  packet[0] = 0x80;
  const ticks = Math.round((SECONDS * 1000) / PACKET_MS);
  const cpuBefore = relay ? cpuTicks(relay.pid) : 0;
  const started = performance.now();
  let sent = 0;
  for (let t = 0; t < ticks; t++) {
    // Tick n at start + n·20 ms (no drift); every party sends one packet per tick.
    const wait = started + t * PACKET_MS - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    for (const p of all) {
      packet.writeUInt16BE(p.seq++ & 0xffff, 2);
      packet.writeUInt32BE((p.seq * PAYLOAD) >>> 0, 4);
      packet.writeUInt32BE(p.port, 8);
      packet.writeDoubleBE(performance.now(), 12);
      p.socket.send(packet, p.target, '127.0.0.1');
      sent += 1;
    }
  }
  await new Promise((r) => setTimeout(r, 300)); // the last packets in flight
  const elapsed = (performance.now() - started) / 1000;
  const cpuPercent = relay ? ((cpuTicks(relay.pid) - cpuBefore) / 100 / elapsed) * 100 : undefined;
  const received = all.reduce((n, p) => n + p.received, 0);
  for (const p of all) p.socket.close();
  if (relay)
    for (let i = 0; i < calls; i++)
      await relay.client.delete({ callId: `bench-${calls}-${i}`, deleteDelay: 0 });
  return { calls, sent, received, latencies, jitters, cpuPercent };
}

function report(label: string, r: StepResult): boolean {
  const loss = (1 - r.received / r.sent) * 100;
  const cpu =
    r.cpuPercent === undefined
      ? ''
      : `, rtpengine CPU ${r.cpuPercent.toFixed(1)} % of a core (${(r.cpuPercent / r.calls).toFixed(3)} %/call)`;
  console.log(
    `${label} ${String(r.calls).padStart(4)} calls: loss ${loss.toFixed(3)} %, latency p50 ${percentile(r.latencies, 50).toFixed(3)} ms p99 ${percentile(r.latencies, 99).toFixed(3)} ms, jitter p99 ${percentile(r.jitters, 99).toFixed(3)} ms${cpu}`,
  );
  return loss < 0.1;
}

async function main(): Promise<void> {
  console.log(
    `bench:media: ${SECONDS} s per step, 20 ms G.711 packets both ways, loopback; load ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`,
  );
  const rtpengine = await startRtpengine({ interfaces: ['127.0.0.1'], portMin: 46000, portMax: 47999 });
  const client = new NgClient({
    address: rtpengine.address,
    port: rtpengine.ngPort,
    clock: new SystemClock(),
    timeoutMs: 2000,
  });
  let best = 0;
  try {
    for (const calls of STEPS) {
      const relayed = await runStep(calls, { client, pid: rtpengine.pid ?? 0 });
      const ok = report('relay ', relayed);
      report('direct', await runStep(calls, undefined));
      if (!ok) break;
      best = calls;
    }
  } finally {
    client.close();
    await rtpengine.stop();
  }
  console.log(
    `highest relayed calls with < 0.1 % loss: ${best}${best === STEPS[STEPS.length - 1] ? ' (the largest step tried)' : ''}`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
