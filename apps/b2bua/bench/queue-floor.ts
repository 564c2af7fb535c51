// bench:queue-floor — what one call's BullMQ traffic costs before any SIP or routing work: the
// routing round trip as the signalling role makes it (add with a reply channel, a worker that
// answers at once on pub/sub) plus one durable call-record job, at a fixed rate, with the job
// options of the app. Reports CPU milliseconds per call of Node (producer and workers, one
// process here, two in the app) and of redis-server, and the round-trip latency.
// Needs REDIS_URL pointing at a redis-server on this machine (its CPU is read from /proc).
//   BENCH_RATES=500,1000 BENCH_SECONDS=5 node dist/bench-build/bench/queue-floor.js
import crypto from 'node:crypto';
import fs from 'node:fs';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { durableJobOptions, queueConnection, routingJobOptions } from '../src/jobs/queue-connection.js';
import { cpuMs, percentile, sleep } from './cps-support.js';

const RATES = (process.env.BENCH_RATES ?? '250,500,1000').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONCURRENCY = Number(process.env.SWITCHBOARD_ROUTING_CONCURRENCY ?? 50);

async function main(): Promise<void> {
  const redisUrl = process.env.REDIS_URL;
  if (!redisUrl) throw new Error('REDIS_URL is required');
  const prefix = `floor-${crypto.randomBytes(4).toString('hex')}`;
  const admin = new Redis(redisUrl);
  const info = await admin.info('server');
  const pid = Number(/process_id:(\d+)/.exec(info)?.[1]);
  if (!fs.existsSync(`/proc/${pid}/stat`)) throw new Error('redis-server must run on this machine');

  const channel = `${prefix}:reply`;
  const routing = new Queue('routing', {
    connection: queueConnection(redisUrl, 'bench', console, { pipelined: true }),
    prefix,
    defaultJobOptions: routingJobOptions,
  });
  const records = new Queue('call-records', {
    connection: queueConnection(redisUrl, 'bench', console, { pipelined: true }),
    prefix,
    defaultJobOptions: durableJobOptions,
  });
  const publisher = queueConnection(redisUrl, 'bench', console, { pipelined: true });
  const routingWorker = new Worker(
    'routing',
    async (job) => {
      await publisher.publish(channel, String(job.id));
    },
    { connection: queueConnection(redisUrl, 'bench', console), prefix, concurrency: CONCURRENCY },
  );
  const recordWorker = new Worker('call-records', () => Promise.resolve(), {
    connection: queueConnection(redisUrl, 'bench', console),
    prefix,
    concurrency: CONCURRENCY,
  });
  const waiting = new Map<string, () => void>();
  const subscriber = queueConnection(redisUrl, 'bench', console);
  subscriber.on('message', (_c: string, id: string) => waiting.get(id)?.());
  await Promise.all([
    routing.waitUntilReady(),
    records.waitUntilReady(),
    routingWorker.waitUntilReady(),
    recordWorker.waitUntilReady(),
    subscriber.subscribe(channel),
  ]);

  const call = async (n: number, rtts: number[]): Promise<void> => {
    const id = `call-${n}`;
    const t0 = performance.now();
    const replied = new Promise<void>((resolve) => waiting.set(id, resolve));
    await routing.add(
      'route',
      { callId: id, from: '100', to: '201', padding: 'x'.repeat(400) },
      { jobId: id },
    );
    await replied;
    waiting.delete(id);
    rtts.push(performance.now() - t0);
    await records.add('call-record', { callId: id, padding: 'x'.repeat(600) }, { jobId: `rec-${id}` });
  };

  console.log('rate/s | calls | done | node CPU ms/call | redis CPU ms/call | total | RTT p50 / p99 ms');
  let n = 0;
  for (const rate of RATES) {
    const rtts: number[] = [];
    const pending: Array<Promise<void>> = [];
    const node0 = cpuMs(process.pid);
    const redis0 = cpuMs(pid);
    const start = performance.now();
    const total = rate * SECONDS;
    // Paced by the clock in 10 ms ticks, like sipp's rate.
    for (let sent = 0; sent < total;) {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
      while (sent < due) {
        pending.push(call(n++, rtts));
        sent++;
      }
      await sleep(10);
    }
    await Promise.all(pending);
    const nodeMs = (cpuMs(process.pid) - node0) / total;
    const redisMs = (cpuMs(pid) - redis0) / total;
    const sorted = rtts.sort((a, b) => a - b);
    const took = (performance.now() - start) / 1000;
    console.log(
      `${rate} | ${total} | ${(total / took).toFixed(0)}/s | ${nodeMs.toFixed(2)} | ${redisMs.toFixed(2)} | ` +
        `${(nodeMs + redisMs).toFixed(2)} | ${percentile(sorted, 50).toFixed(1)} / ${percentile(sorted, 99).toFixed(1)}`,
    );
  }
  await Promise.all([routingWorker.close(), recordWorker.close(), routing.close(), records.close()]);
  // The bench's keys (its own prefix) are removed.
  let cursor = '0';
  do {
    const [next, keys] = await admin.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    if (keys.length > 0) await admin.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
  subscriber.disconnect();
  publisher.disconnect();
  admin.disconnect();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
