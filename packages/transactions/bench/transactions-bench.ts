// OPTIONS -> 200 transactions per second over UDP loopback, through @switchboard/transactions
// and through the `sip` npm package's transaction layer, plus memory per live transaction.
// Run: pnpm --filter @switchboard/transactions bench
import { type SipMessage, createRequest, generateTag } from '@switchboard/sip';
import dgram from 'node:dgram';
import sip from 'sip';
import {
  FakeClock,
  type ResolvedTarget,
  SwitchboardSipCodec,
  SystemClock,
  TransactionLayer,
  UdpTransport,
} from '../src/index.js';
import { FakeBenchTransport } from './fake-bench-transport.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const WINDOW = Number(process.env.BENCH_WINDOW ?? 64);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const LIVE = Number(process.env.BENCH_LIVE ?? 20_000);

function options(target: ResolvedTarget): SipMessage {
  return createRequest({
    method: 'OPTIONS',
    uri: `sip:bench@${target.host}:${target.port}`,
    headers: {
      'Max-Forwards': 70,
      From: `<sip:client@127.0.0.1>;tag=${generateTag()}`,
      To: `<sip:bench@${target.host}>`,
      'Call-ID': `${generateTag()}@127.0.0.1`,
      CSeq: '1 OPTIONS',
    },
  });
}

/** Keeps WINDOW transactions in flight for SECONDS; returns completed transactions per second. */
async function closedLoop(start: (done: (status: number) => void) => void): Promise<number> {
  let completed = 0;
  let failed = 0;
  let running = true;
  const deadline = performance.now() + SECONDS * 1000;
  await new Promise<void>((resolve) => {
    let inFlight = 0;
    const next = (): void => {
      if (!running) {
        if (inFlight === 0) resolve();
        return;
      }
      inFlight++;
      start((status) => {
        inFlight--;
        if (status === 200) completed++;
        else failed++;
        if (performance.now() > deadline) running = false;
        next();
      });
    };
    for (let i = 0; i < WINDOW; i++) next();
  });
  if (failed > 0) throw new Error(`${failed} transactions did not end with 200`);
  return completed / SECONDS;
}

async function switchboardRound(): Promise<number> {
  const clock = new SystemClock();
  const codec = new SwitchboardSipCodec();
  const serverUdp = new UdpTransport({ port: 0 });
  const clientUdp = new UdpTransport({ port: 0 });
  const server = new TransactionLayer<SipMessage>({ codec, clock, transports: [serverUdp] });
  const client = new TransactionLayer<SipMessage>({ codec, clock, transports: [clientUdp] });
  await serverUdp.listen();
  await clientUdp.listen();
  server.setUser({ onRequest: (_req, tx) => void tx.reply(200) });
  const target: ResolvedTarget = { protocol: 'UDP', ...serverUdp.address() };
  const rate = await closedLoop((done) => {
    client.sendRequest(options(target), target, { onResponse: (_r, s) => s >= 200 && done(s) });
  });
  await server.close();
  await client.close();
  return rate;
}

/** The ceiling on this machine right now: bare dgram ping-pong of a 400-byte payload. */
async function rawUdpRound(): Promise<number> {
  const a = dgram.createSocket('udp4');
  const b = dgram.createSocket('udp4');
  await new Promise<void>((r) => a.bind(0, '127.0.0.1', r));
  await new Promise<void>((r) => b.bind(0, '127.0.0.1', r));
  b.on('message', (m, ri) => b.send(m, ri.port, ri.address));
  const waiting: ((status: number) => void)[] = [];
  a.on('message', () => waiting.shift()?.(200));
  const payload = Buffer.alloc(400, 0x41);
  const port = b.address().port;
  const rate = await closedLoop((done) => {
    waiting.push(done);
    a.send(payload, port, '127.0.0.1');
  });
  a.close();
  b.close();
  return rate;
}

let kirmPort = 25_060;
async function kirmRound(): Promise<number> {
  const serverPort = kirmPort++;
  const clientPort = kirmPort++;
  const quiet = { error: () => undefined };
  const server = sip.create({ port: serverPort, address: '127.0.0.1', tcp: false, logger: quiet }, (rq) =>
    server.send(sip.makeResponse(rq, 200, 'OK')),
  );
  // publicAddress differs from the target host, else the peer treats the target as itself.
  const client = sip.create(
    {
      port: clientPort,
      address: '127.0.0.1',
      publicAddress: 'bench-client.invalid',
      tcp: false,
      logger: quiet,
    },
    () => undefined,
  );
  await new Promise((r) => setImmediate(r));
  const rate = await closedLoop((done) => {
    client.send(
      {
        method: 'OPTIONS',
        uri: `sip:bench@127.0.0.1:${serverPort}`,
        headers: {
          to: { uri: `sip:bench@127.0.0.1` },
          from: { uri: 'sip:client@127.0.0.1', params: { tag: generateTag() } },
          'call-id': `${generateTag()}@127.0.0.1`,
          cseq: { method: 'OPTIONS', seq: 1 },
          'max-forwards': 70,
        },
      },
      (rs) => {
        const status = rs.status ?? 0;
        if (status >= 200) done(status);
      },
    );
  });
  server.destroy();
  client.destroy();
  return rate;
}

function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (!g) throw new Error('run with node --expose-gc');
  g();
  g();
}

/** Heap bytes per live server transaction (INVITE waiting in Proceeding, OPTIONS in Trying). */
function memoryPerServerTransaction(method: 'INVITE' | 'OPTIONS'): number {
  const transport = new FakeBenchTransport();
  const layer = new TransactionLayer<SipMessage>({
    codec: new SwitchboardSipCodec(),
    clock: new FakeClock(),
    transports: [transport],
  });
  layer.setUser({ onRequest: () => undefined });
  const packets = Array.from({ length: LIVE }, (_, i) => transport.requestBytes(method, i));
  gc();
  const before = process.memoryUsage().heapUsed;
  for (const p of packets) transport.deliver(p);
  gc();
  const after = process.memoryUsage().heapUsed;
  if (layer.size.servers !== LIVE)
    throw new Error(`expected ${LIVE} live transactions, got ${layer.size.servers}`);
  return (after - before) / LIVE;
}

/** Heap bytes per live non-INVITE client transaction (Trying, timers E and F armed on a real clock). */
function memoryPerClientTransaction(): number {
  const transport = new FakeBenchTransport();
  const layer = new TransactionLayer<SipMessage>({
    codec: new SwitchboardSipCodec(),
    clock: new SystemClock(),
    transports: [transport],
  });
  const target: ResolvedTarget = { protocol: 'UDP', host: '127.0.0.2', port: 5060 };
  const requests = Array.from({ length: LIVE }, () => options(target));
  gc();
  const before = process.memoryUsage().heapUsed;
  for (const r of requests) layer.sendRequest(r, target);
  gc();
  const after = process.memoryUsage().heapUsed;
  if (layer.size.clients !== LIVE)
    throw new Error(`expected ${LIVE} live transactions, got ${layer.size.clients}`);
  return (after - before) / LIVE;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

async function main(): Promise<void> {
  const ours: number[] = [];
  const peer: number[] = [];
  const raw: number[] = [];
  // One discarded round each so JIT warm-up does not count.
  await rawUdpRound();
  await switchboardRound();
  await kirmRound();
  for (let i = 0; i < ROUNDS; i++) {
    raw.push(await rawUdpRound());
    ours.push(await switchboardRound());
    peer.push(await kirmRound());
  }
  const a = median(ours);
  const b = median(peer);
  const c = median(raw);
  console.log(`OPTIONS -> 200 over UDP loopback, client and server stacks in one process,`);
  console.log(
    `${WINDOW} transactions in flight, ${SECONDS} s per round, median of ${ROUNDS} rounds after a warm-up round`,
  );
  console.log(
    `(the machine is shared: compare within a run, the bare dgram row shows what the kernel allowed)\n`,
  );
  console.table([
    {
      stack: '@switchboard/transactions',
      'tx/s': Math.round(a),
      rounds: ours.map(Math.round).join(' '),
      ratio: '1.00',
    },
    {
      stack: 'sip@0.0.6 (npm "sip")',
      'tx/s': Math.round(b),
      rounds: peer.map(Math.round).join(' '),
      ratio: (b / a).toFixed(2),
    },
    {
      stack: 'bare dgram echo (ceiling)',
      'tx/s': Math.round(c),
      rounds: raw.map(Math.round).join(' '),
      ratio: (c / a).toFixed(2),
    },
  ]);
  console.log(`\nheap per live transaction (${LIVE} live, parsed message included)\n`);
  console.table([
    {
      transaction: 'INVITE server (Proceeding, 100 sent)',
      bytes: Math.round(memoryPerServerTransaction('INVITE')),
    },
    { transaction: 'non-INVITE server (Trying)', bytes: Math.round(memoryPerServerTransaction('OPTIONS')) },
    { transaction: 'non-INVITE client (Trying, E+F armed)', bytes: Math.round(memoryPerClientTransaction()) },
  ]);
  console.log('\ncommand: pnpm --filter @switchboard/transactions bench');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
