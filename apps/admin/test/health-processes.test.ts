import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { HEARTBEAT_ALIVE_MS, HEARTBEAT_INTERVAL_MS } from '@switchboard/live-state';
import { startRtpengine } from '@switchboard/rtpengine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Health } from '../src/app/health.service.js';
import { HttpSession } from './support/http-session.js';
import {
  createTestServers,
  startTestApp,
  type RunningTestApp,
  type TestServers,
} from './support/test-environment.js';

/**
 * The admin's health with the real B2BUA processes (apps/b2bua/dist/main.js, built by `npm test`):
 * both roles' heartbeats make it `ok`; a worker killed with SIGKILL (no clean leave) is shown down
 * within the heartbeat bound, and up again once a new worker runs.
 */
const b2bua = fileURLToPath(new URL('../../b2bua/dist/main.js', import.meta.url));
let servers: TestServers;
let server: RunningTestApp;
const children: ChildProcess[] = [];

async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  s.bind(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address();
  s.close();
  return port;
}

interface Role {
  child: ChildProcess;
  stdout: () => string;
}

/** Starts a b2bua role on this test's database and heartbeat namespace; resolves once it is ready. */
async function startRole(role: 'signalling' | 'worker', env: NodeJS.ProcessEnv = {}): Promise<Role> {
  const child = spawn(process.execPath, [b2bua, role], {
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: servers.databaseUrl,
      REDIS_URL: servers.redisUrl,
      SWITCHBOARD_QUEUE_PREFIX: server.queuePrefix,
      SWITCHBOARD_LOG_LEVEL: 'warn',
      SWITCHBOARD_MEDIA_MODE: 'direct',
      SWITCHBOARD_METRICS_PORT_SIGNALLING: '0',
      SWITCHBOARD_METRICS_PORT_WORKER: '0',
      SWITCHBOARD_DATA_DIR: servers.dataDir,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  await new Promise<void>((resolve, reject) => {
    child.on('message', (m: { type?: string }) => m.type === 'ready' && resolve());
    child.once('exit', (code) => reject(new Error(`${role} exited (${code}) before ready: ${stderr}`)));
  });
  return { child, stdout: () => stdout };
}

async function health(): Promise<Health> {
  return (await new HttpSession(server.baseUrl).get('/api/health')).body as Health;
}

beforeAll(async () => {
  expect(existsSync(b2bua), 'build apps/b2bua first (pnpm build)').toBe(true);
  servers = await createTestServers(2);
  server = await startTestApp(servers);
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await server?.close();
  await servers?.dispose();
});

describe('/api/health with the B2BUA processes', () => {
  it('degraded without processes; ok with both roles; a killed worker is down within the heartbeat bound and up after a restart', async () => {
    expect(await health()).toMatchObject({
      status: 'degraded',
      database: true,
      redis: true,
      rtpengine: null,
      processes: { signalling: { status: 'down', alive: 0 }, worker: { status: 'down', alive: 0 } },
    });

    const sipPort = await freeUdpPort();
    const [{ child: signalling }, { child: worker }] = await Promise.all([
      startRole('signalling', {
        SWITCHBOARD_SIP_BIND_ADDRESS: '127.0.0.1',
        SWITCHBOARD_SIP_UDP_PORT: String(sipPort),
        SWITCHBOARD_SIP_TCP_PORT: '0', // UDP only: a free UDP port says nothing of TCP's
        SWITCHBOARD_SIP_DOMAIN: 'pbx.health.test',
      }),
      startRole('worker'),
    ]);
    // Each beats on bootstrap, before it says ready.
    expect(await health()).toMatchObject({
      status: 'ok',
      processes: { signalling: { status: 'up', alive: 1 }, worker: { status: 'up', alive: 1 } },
    });
    const session = new HttpSession(server.baseUrl);
    // The process list is for logged-in users only (host names, process ids).
    expect((await session.get('/api/health/processes')).status).toBe(401);

    worker.kill('SIGKILL');
    await once(worker, 'exit');
    const killedAt = performance.now();
    await expect
      .poll(async () => (await health()).processes.worker.status, {
        timeout: HEARTBEAT_ALIVE_MS + 3 * HEARTBEAT_INTERVAL_MS,
        interval: 100,
      })
      .toBe('down');
    // Down once its last beat (at most an interval before the kill) is HEARTBEAT_ALIVE_MS old; the
    // slack of one interval is for this poll's own requests on a loaded machine.
    expect(performance.now() - killedAt).toBeLessThanOrEqual(HEARTBEAT_ALIVE_MS + HEARTBEAT_INTERVAL_MS);
    const degraded = await health();
    expect(degraded).toMatchObject({
      status: 'degraded',
      processes: { signalling: { status: 'up' }, worker: { status: 'down', alive: 0, known: 1 } },
    });
    expect(degraded.processes.worker.lastBeatAgeMs).toBeGreaterThanOrEqual(HEARTBEAT_ALIVE_MS);

    // The new worker logs for a human (SWITCHBOARD_LOG_FORMAT=pretty), like any process can.
    const { child: restarted, stdout } = await startRole('worker', {
      SWITCHBOARD_LOG_FORMAT: 'pretty',
      SWITCHBOARD_LOG_LEVEL: 'info',
    });
    expect(stdout()).toMatch(
      new RegExp(`^\\[[\\d: .-]+\\] INFO \\(b2bua-worker/${restarted.pid}\\): ready$`, 'm'),
    );
    expect(stdout()).not.toContain('"msg":');
    expect(await health()).toMatchObject({
      status: 'ok',
      processes: { worker: { status: 'up', alive: 1, known: 2 } },
    });

    // A clean stop leaves at once: the signalling role is down without waiting for the bound.
    signalling.kill('SIGTERM');
    await once(signalling, 'exit');
    expect(await health()).toMatchObject({
      status: 'degraded',
      processes: { signalling: { status: 'down', alive: 0, known: 0 } },
    });
    restarted.kill('SIGTERM');
    await once(restarted, 'exit');
  }, 120_000); // three process start-ups with their first PostgreSQL queries: seconds, tens on a loaded machine

  it('rtpengine when media is relayed: up while it answers the ng ping, down once it stopped', async () => {
    const rtpengine = await startRtpengine({ interfaces: ['127.0.0.1'], portMin: 44000, portMax: 44009 });
    const relayed = await startTestApp(servers, {
      rtpengine: { address: rtpengine.address, port: rtpengine.ngPort, timeoutMs: 300 },
    });
    const rtpHealth = async () =>
      ((await new HttpSession(relayed.baseUrl).get('/api/health')).body as Health).rtpengine;
    try {
      expect(await rtpHealth()).toEqual({ address: `127.0.0.1:${rtpengine.ngPort}`, status: 'up' });
      await rtpengine.stop();
      const down = await rtpHealth();
      expect(down?.status).toBe('down');
      expect(down?.error).toMatch(/rtpengine|timeout|answer/i);
    } finally {
      await rtpengine.stop();
      await relayed.close();
    }
  });
});
