import type { ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import dgram from 'node:dgram';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DigestClient } from '@switchboard/dialog';
import { computeDigestCredentials, createPrismaClient, type PrismaClient } from '@switchboard/db';
import { redisKeys, registrationBindingSchema } from '@switchboard/live-state';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { killAllSipp, startSipp } from './support/calls-harness.js';
import { stopKamailioProcess } from './support/test-kamailio.js';
import { type LoggedProcess, spawnLogged } from './support/logged-process.js';
import { freeUdpPort, UdpSipClient } from './support/sip-test-kit.js';
import { createTestDatabase, requiredEnv } from './support/test-env.js';

// Two signalling nodes behind Kamailio's dispatcher (the shipped docker/kamailio/dispatcher.cfg), one
// routing worker, one database and one Redis; phones (sipp) register and call through Kamailio.

const here = path.dirname(fileURLToPath(import.meta.url));
const main = path.resolve(here, '../dist/main.js');
const dispatcherCfg = path.resolve(here, '../../../docker/kamailio/dispatcher.cfg');
/** Probing interval (s) and transaction timeout (ms) of the test's Kamailio: a dead node is down within both. */
const PING_INTERVAL_S = 1;
const FR_TIMER_MS = 5000;
const DEAD_NODE_SECONDS = 3;

const children: ChildProcess[] = [];

/** A role or Kamailio: a wait for one of its log lines gives up after 30 s unless told otherwise. */
function spawnChild(command: string, args: string[], env?: NodeJS.ProcessEnv): LoggedProcess {
  const started = spawnLogged(command, args, env, 30_000);
  children.push(started.child);
  return started;
}

let db: { url: string; drop: () => Promise<void> };
let prisma: PrismaClient;
let redis: Redis;
let dir: string;
let kamailio: LoggedProcess;
let kamailioPort: number;
const tag = crypto.randomBytes(3).toString('hex');
const domain = `scale${tag}.test`;
const nodes: Array<{ port: number; role: LoggedProcess; id: string }> = [];
/** The phones' UDP ports: each registers from the port its sipp UAS later answers on. */
const phones = new Map<string, number>();

function roleEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DATABASE_URL: db.url,
    REDIS_URL: requiredEnv('REDIS_URL'),
    SWITCHBOARD_SIP_DOMAIN: domain,
    SWITCHBOARD_QUEUE_PREFIX: `test-scale-${tag}`,
    SWITCHBOARD_DATA_DIR: path.join(dir, 'data'),
    SWITCHBOARD_LOG_LEVEL: 'info',
    SWITCHBOARD_MEDIA_MODE: 'direct',
    SWITCHBOARD_OVERLOAD_MAX_LOOP_LAG_MS: '0',
    SWITCHBOARD_OVERLOAD_MAX_INTAKE_DELAY_MS: '0',
    // sipp answers only the first challenge and only knows MD5.
    SWITCHBOARD_SIP_DIGEST_ALGORITHMS: 'MD5,SHA-256',
    SWITCHBOARD_DEAD_NODE_SECONDS: String(DEAD_NODE_SECONDS),
    // The shared test machine can starve the worker: a routing 503 would make Kamailio fail the call
    // over to the other node, which then (rightly) finds the digest nonce count used and says stale.
    SWITCHBOARD_ROUTING_PICKUP_MS: '4000',
    SWITCHBOARD_ROUTING_TIMEOUT_MS: '8000',
    SWITCHBOARD_METRICS_PORT_SIGNALLING: '0',
    SWITCHBOARD_METRICS_PORT_WORKER: '0',
    ...extra,
  };
}

async function startNode(): Promise<void> {
  const port = await freeUdpPort();
  const role = spawnChild(
    process.execPath,
    [main, 'signalling'],
    roleEnv({
      SWITCHBOARD_SIP_BIND_ADDRESS: '127.0.0.1',
      SWITCHBOARD_SIP_UDP_PORT: String(port),
      SWITCHBOARD_SIP_TCP_PORT: '0',
    }),
  );
  nodes.push({ port, role, id: `${os.hostname()}:${role.child.pid ?? 0}` });
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-scale-'));
  db = await createTestDatabase();
  prisma = createPrismaClient(db.url);
  redis = new Redis(requiredEnv('REDIS_URL'));
  for (const n of ['1001', '1002']) {
    await prisma.extension.create({
      data: {
        number: n,
        displayName: `Ext ${n}`,
        enabled: true,
        // No busy limit: several calls ring the same phone at once.
        maxConcurrentCalls: 0,
        ...computeDigestCredentials(n, domain, `pw-${n}`),
      },
    });
  }
  await prisma.pluginConfig.create({
    data: {
      pluginId: 'extensions',
      enabled: true,
      config: { ringSeconds: 10, onNoAnswer: 'reject', onBusy: 'reject', onDecline: 'reject' },
    },
  });
  await startNode();
  await startNode();
  const worker = spawnChild(process.execPath, [main, 'worker'], roleEnv({}));
  // Kamailio starts once the nodes listen, so its first probes find them up.
  await Promise.all([
    ...nodes.map((n) => n.role.waitFor(/"msg":"ready"/, 150_000)),
    worker.waitFor(/routing worker ready/, 150_000),
  ]);
  kamailioPort = await freeUdpPort();
  const list = path.join(dir, 'dispatcher.list');
  fs.writeFileSync(list, nodes.map((n) => `1 sip:127.0.0.1:${n.port}\n`).join(''));
  kamailio = spawnChild('kamailio', [
    '-f',
    dispatcherCfg,
    '-DD',
    '-E',
    '-n',
    '2',
    '-Y',
    dir,
    '-w',
    dir,
    '-m',
    '32',
    '-M',
    '8',
    '-A',
    `LISTEN=udp:127.0.0.1:${kamailioPort}`,
    '-A',
    `DISPATCHER_LIST="${list}"`,
    '-A',
    `DS_PING_INTERVAL=${PING_INTERVAL_S}`,
    '-A',
    `FR_TIMER=${FR_TIMER_MS}`,
    // Hash of the Call-ID: a call's challenged and authenticated INVITEs go to one node.
    '-A',
    'DS_ALGORITHM=0',
  ]);
  await kamailio.waitFor(/Listening on/, 10_000);
  for (const n of ['1001', '1002']) phones.set(n, await freeUdpPort());
}, 200_000);

afterAll(async () => {
  killAllSipp();
  await Promise.all(
    children.map(async (c) => {
      if (c === kamailio?.child) return stopKamailioProcess(c);
      if (c.exitCode !== null || c.signalCode !== null) return;
      const exited = once(c, 'exit');
      c.kill('SIGKILL');
      await exited;
    }),
  );
  // The nodes were killed: their live calls stay in the shared Redis unless removed here.
  const ids = await redis?.zrange(redisKeys.calls, 0, -1);
  for (const id of ids ?? []) {
    const node = await redis.hget(redisKeys.call(id), 'node');
    if (nodes.some((n) => n.id === node))
      await redis.multi().del(redisKeys.call(id)).zrem(redisKeys.calls, id).exec();
  }
  for (const n of phones.keys()) await redis?.del(redisKeys.registration(`sip:${n}@${domain}`));
  redis?.disconnect();
  await prisma?.$disconnect();
  await db?.drop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}, 30_000);

/** REGISTER `extension` through Kamailio from the phone's own port (Kamailio's Path records it). */
async function registerThroughKamailio(extension: string): Promise<void> {
  const port = phones.get(extension) ?? 0;
  const phone = new UdpSipClient({ host: '127.0.0.1', port: kamailioPort });
  phone.socket.bind(port, '127.0.0.1');
  await once(phone.socket, 'listening');
  phone.port = port;
  try {
    const spec = {
      method: 'REGISTER',
      uri: `sip:${domain}`,
      from: `<sip:${extension}@${domain}>`,
      to: `<sip:${extension}@${domain}>`,
      callId: `${crypto.randomUUID()}@127.0.0.1`,
      headers: [
        ['Contact', `<sip:${extension}@127.0.0.1:${port}>`],
        ['Expires', '300'],
      ] as [string, string][],
    };
    const challenge = await phone.request({ ...spec, cseq: 1 }, 5000, 500);
    expect(challenge.status).toBe(401);
    const [auth] = new DigestClient({ username: extension, password: `pw-${extension}` }).answer(
      401,
      challenge.getHeaders('WWW-Authenticate').filter((v) => v.includes('MD5')),
      { method: 'REGISTER', uri: spec.uri },
    );
    if (!auth) throw new Error('no digest answer');
    const ok = await phone.request(
      { ...spec, cseq: 2, headers: [...spec.headers, [auth.name, auth.value]] },
      5000,
      500,
    );
    expect(ok.status).toBe(200);
  } finally {
    phone.close();
  }
}

/** Resolves once something (the phone's sipp) holds UDP `port` on 127.0.0.1: bounded, 50 ms apart. */
async function untilBound(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const probe = dgram.createSocket('udp4');
    const bound = await new Promise<boolean>((resolve) => {
      probe.once('error', () => resolve(true));
      probe.bind(port, '127.0.0.1', () => resolve(false));
    });
    probe.close();
    if (bound) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nothing listens on 127.0.0.1:${port} after 10 s`);
}

/** `count` calls from `caller` to `callee` through Kamailio, answered by the callee's sipp; both must pass. */
async function callsAnswered(caller: string, callee: string, count: number): Promise<string> {
  const answering = await startSipp('call-uas-answer-proxied.xml', [
    '-m',
    String(count),
    '-p',
    String(phones.get(callee)),
  ]);
  const calling = await startSipp(
    'call-uac-routed.xml',
    [
      ...[
        '-s',
        callee,
        '-au',
        caller,
        '-ap',
        `pw-${caller}`,
        '-key',
        'domain',
        domain,
        '-key',
        'caller',
        caller,
      ],
      ...['-m', String(count), '-r', '10'],
    ],
    { host: '127.0.0.1', port: kamailioPort },
    `sip:${callee}@${domain}`,
  );
  const [uac, uas] = [await calling.done, await answering.done];
  if (uac.code !== 0) throw new Error(`caller sipp failed:\n${uac.output}`);
  if (uas.code !== 0) throw new Error(`callee sipp failed:\n${uas.output}`);
  return uas.messages;
}

/** The live calls in Redis held by each of our nodes (by node id). */
async function liveCallsByNode(): Promise<Map<string, number>> {
  const byNode = new Map<string, number>();
  for (const id of await redis.zrange(redisKeys.calls, 0, -1)) {
    const node = await redis.hget(redisKeys.call(id), 'node');
    if (node && nodes.some((n) => n.id === node)) byNode.set(node, (byNode.get(node) ?? 0) + 1);
  }
  return byNode;
}

/** The signalling node ports named in the Via headers of the INVITEs a phone's sipp received. */
function nodePortsIn(messages: string): number[] {
  const ports = [...messages.matchAll(/^Via: SIP\/2\.0\/UDP 127\.0\.0\.1:(\d+);/gm)].map((m) => Number(m[1]));
  return nodes.map((n) => n.port).filter((p) => ports.includes(p));
}

describe('scale-out: two signalling nodes behind the Kamailio dispatcher', () => {
  it('phones register through Kamailio with a Path the registrar stores', async () => {
    for (const n of ['1001', '1002']) await registerThroughKamailio(n);
    for (const n of ['1001', '1002']) {
      const raw = await redis.hvals(redisKeys.registration(`sip:${n}@${domain}`));
      const [binding] = raw.map((r) => registrationBindingSchema.parse(JSON.parse(r)));
      expect(binding?.path).toEqual([
        `<sip:127.0.0.1:${kamailioPort};lr;received=sip:127.0.0.1:${phones.get(n)}>`,
      ]);
    }
    expect(kamailio.lines.filter((l) => /SCALE dispatch REGISTER/.test(l)).length).toBeGreaterThanOrEqual(4);
  }, 30_000);

  it('calls each way are answered, and both nodes handle some (hash of the Call-ID)', async () => {
    const [toB, toA] = await Promise.all([
      callsAnswered('1001', '1002', 6),
      callsAnswered('1002', '1001', 6),
    ]);
    // Each INVITE reaching a phone carries the Via of the node that handled the call.
    expect(nodePortsIn(toA + toB).sort()).toEqual(nodes.map((n) => n.port).sort());
  }, 60_000);

  it('a node killed mid-load: its live calls are reaped, new calls go to the other node once probing marks it down', async () => {
    // Calls in progress: the callee rings (ring timeout 10 s), the callers wait.
    const ringing = await startSipp('call-uas-ring.xml', ['-m', '6', '-p', String(phones.get('1002'))]);
    await untilBound(phones.get('1002') ?? 0);
    const calling = await startSipp(
      'call-uac-no-answer.xml',
      [
        '-s',
        '1002',
        '-au',
        '1001',
        '-ap',
        'pw-1001',
        '-key',
        'domain',
        domain,
        '-key',
        'caller',
        '1001',
        '-m',
        '6',
        '-r',
        '20',
      ],
      { host: '127.0.0.1', port: kamailioPort },
      `sip:1002@${domain}`,
    );
    const held = await vi.waitFor(
      async () => {
        const byNode = await liveCallsByNode();
        const total = [...byNode.values()].reduce((a, b) => a + b, 0);
        if (total < 6) throw new Error(`${total} live calls so far`);
        return byNode;
      },
      { timeout: 15_000, interval: 100 },
    );
    // The node holding the most calls (at least 3 of 6) dies.
    const victim = [...nodes].sort((a, b) => (held.get(b.id) ?? 0) - (held.get(a.id) ?? 0))[0];
    const survivor = nodes.find((n) => n !== victim);
    if (!victim || !survivor) throw new Error('two nodes expected');
    const killedAt = Date.now();
    victim.role.child.kill('SIGKILL');
    await once(victim.role.child, 'exit');

    // The dispatcher's OPTIONS probe marks it down within one interval plus the probe's timeout.
    await kamailio.waitFor(new RegExp(`SCALE node-down sip:127\\.0\\.0\\.1:${victim.port}`), 10_000);
    const downAfterMs = Date.now() - killedAt;
    expect(downAfterMs).toBeLessThanOrEqual((PING_INTERVAL_S * 1000 + FR_TIMER_MS) * 2);
    calling.kill();
    ringing.kill();
    await Promise.all([calling.done, ringing.done]);

    // New calls: all answered, all through the survivor.
    const after = await callsAnswered('1001', '1002', 3);
    expect(nodePortsIn(after)).toEqual([survivor.port]);

    // The dead node's calls leave the live set (heartbeat silent DEAD_NODE_SECONDS, then a sweep).
    await vi.waitFor(
      async () => {
        const left = (await liveCallsByNode()).get(victim.id) ?? 0;
        if (left > 0) throw new Error(`${left} calls of the dead node still live`);
      },
      { timeout: (DEAD_NODE_SECONDS + 6) * 1000, interval: 200 },
    );
    expect(survivor.role.lines.some((l) => l.includes('"event":"dead-node-calls-reaped"'))).toBe(true);
    console.info(
      `node-down after ${downAfterMs} ms, dead node's calls reaped ${Date.now() - killedAt} ms after the kill`,
    );
  }, 90_000);
});
