// bench:turn-cost — what an event-loop turn and a UDP send cost on this machine, apart from any SIP
// work: the floor under "CPU per call" at low rates. A Node sender wakes on a 1 ms timer and sends
// k datagrams of 600 bytes per turn to a receiver process on loopback (k = 0 is the wake-up alone);
// CPU of both processes from /proc over the run. A call costs the signalling role ~8 sends and ~10
// receives; at 10 calls/s each is its own turn, at saturation many share one.
//   BENCH_TURN_DATAGRAMS=3000 BENCH_TURN_BATCHES=0,1,2,5,10,50 node dist/bench-build/bench/turn-cost.js
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { once } from 'node:events';
import { cpuMs } from './cps-support.js';

const DATAGRAMS = Number(process.env.BENCH_TURN_DATAGRAMS ?? 3000);
const BATCHES = (process.env.BENCH_TURN_BATCHES ?? '0,1,2,5,10,50').split(',').map(Number);
const PAYLOAD = Buffer.alloc(600, 0x41);

/** A receiver in its own process (like sipp or a phone): prints its port, counts until SIGTERM. */
const RECEIVER = `
const s = require('node:dgram').createSocket('udp4');
let n = 0;
s.on('message', () => { n += 1; });
s.bind(0, '127.0.0.1', () => process.stdout.write(s.address().port + '\\n'));
process.on('SIGTERM', () => { process.stdout.write('got ' + n + '\\n'); process.exit(0); });
`;

interface Step {
  readonly perTurn: number;
  readonly turns: number;
  readonly senderMs: number;
  readonly receiverMs: number;
  readonly received: number;
}

async function step(perTurn: number): Promise<Step> {
  const receiver = spawn(process.execPath, ['-e', RECEIVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  receiver.stdout.setEncoding('utf8');
  receiver.stdout.on('data', (chunk: string) => (out += chunk));
  while (!out.includes('\n')) await once(receiver.stdout, 'data');
  const port = Number(out.trim());
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));

  const turns = perTurn === 0 ? DATAGRAMS : Math.ceil(DATAGRAMS / perTurn);
  const before = { sender: cpuMs(process.pid), receiver: cpuMs(receiver.pid) };
  for (let turn = 0; turn < turns; turn++) {
    // A timer, not setImmediate: the process sleeps between turns, as the B2BUA does between calls.
    await new Promise((resolve) => setTimeout(resolve, 1));
    for (let i = 0; i < perTurn; i++) socket.send(PAYLOAD, port, '127.0.0.1');
  }
  await new Promise((resolve) => setTimeout(resolve, 50)); // the last sends leave the socket
  const senderMs = cpuMs(process.pid) - before.sender;
  const receiverMs = cpuMs(receiver.pid) - before.receiver;
  socket.close();
  out = '';
  receiver.kill('SIGTERM');
  await once(receiver, 'exit');
  const received = Number(/got (\d+)/.exec(out)?.[1] ?? NaN);
  return { perTurn, turns, senderMs, receiverMs, received };
}

async function main(): Promise<void> {
  console.log(`${DATAGRAMS} datagrams (or wake-ups) per step, 600 bytes, loopback, 1 ms timer per turn`);
  console.log(
    '| datagrams per turn | turns | sender CPU per turn (µs) | sender CPU per datagram (µs) | receiver CPU per datagram (µs) | received |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|');
  const rows: Step[] = [];
  for (const perTurn of BATCHES) {
    const r = await step(perTurn);
    rows.push(r);
    const sent = r.perTurn * r.turns;
    const perDatagram = (ms: number): string => (sent > 0 ? ((ms * 1000) / sent).toFixed(1) : '—');
    console.log(
      `| ${r.perTurn} | ${r.turns} | ${((r.senderMs * 1000) / r.turns).toFixed(1)} | ${perDatagram(r.senderMs)} | ${perDatagram(r.receiverMs)} | ${sent > 0 ? `${r.received} of ${sent}` : '—'} |`,
    );
  }
  const one = rows.find((r) => r.perTurn === 1);
  const most = rows.filter((r) => r.perTurn > 1).at(-1);
  if (one && most) {
    const ratio = one.senderMs / one.turns / (most.senderMs / (most.perTurn * most.turns));
    console.log(
      `one datagram per turn costs the sender ${ratio.toFixed(1)}× the CPU of one of ${most.perTurn} sent in a turn`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
