import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServers, type TestServers } from './support/test-environment.js';

const mainJs = fileURLToPath(new URL('../dist/main.js', import.meta.url));
let servers: TestServers;

async function freeTcpPort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  server.close();
  return port;
}

async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  s.bind(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address();
  s.close();
  return port;
}

async function expectJson404(url: string): Promise<void> {
  const res = await fetch(url);
  expect(res.status, url).toBe(404);
  expect(res.headers.get('content-type'), url).toContain('application/json');
  expect(await res.json()).toMatchObject({ statusCode: 404 });
}

beforeAll(async () => {
  servers = await createTestServers(15);
});
afterAll(async () => {
  await servers?.dispose();
});

describe('node dist/main.js', () => {
  it('starts from the environment, prints its URL, serves API, probes and metrics, and stops cleanly on SIGTERM', async () => {
    expect(existsSync(mainJs), 'build the package first (pnpm build)').toBe(true);
    const opsPort = await freeTcpPort();
    const rtpenginePort = await freeUdpPort();
    const child = spawn(process.execPath, [mainJs], {
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: servers.databaseUrl,
        REDIS_URL: servers.redisUrl,
        SWITCHBOARD_ADMIN_HOST: '127.0.0.1',
        SWITCHBOARD_ADMIN_PORT: String(20000 + Math.floor(Math.random() * 20000)),
        SWITCHBOARD_LOG_LEVEL: 'info',
        SWITCHBOARD_LOG_FORMAT: 'pretty',
        SWITCHBOARD_DATA_DIR: servers.dataDir,
        SWITCHBOARD_METRICS_PORT_ADMIN: String(opsPort),
        SWITCHBOARD_QUEUE_PREFIX: 'admin-main-test',
        // Relayed media: health pings rtpengine's ng port, where nothing answers here.
        SWITCHBOARD_MEDIA_MODE: 'relay',
        SWITCHBOARD_RTPENGINE_NG_PORT: String(rtpenginePort),
        SWITCHBOARD_RTPENGINE_TIMEOUT_MS: '200',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        const m = /listening on (http:\/\/\S+)/.exec(stdout);
        if (m?.[1]) resolve(m[1]);
      });
      child.once('exit', (code) => reject(new Error(`exited early (${code}): ${stderr}`)));
    });
    // SWITCHBOARD_LOG_FORMAT=pretty: readable lines, not JSON (the b2bua roles' JSON default:
    // apps/b2bua/test/process-roles.test.ts).
    expect(stdout).toMatch(new RegExp(`^\\[[\\d: .-]+\\] INFO \\(admin/${child.pid}\\): listening$`, 'm'));
    expect(stdout).toMatch(/^ {4}url: "http:\/\/127\.0\.0\.1:\d+\/"$/m);
    expect(stdout).not.toContain('"msg":');
    const health = await fetch(`${url}api/health`);
    expect(await health.json()).toMatchObject({
      status: 'degraded',
      database: true,
      redis: true,
      processes: { signalling: { status: 'down' }, worker: { status: 'down' } },
      rtpengine: { address: `127.0.0.1:${rtpenginePort}`, status: 'down' },
    });
    // The built UI is served (SPA fallback on), yet probes and unknown API paths never get index.html.
    expect((await fetch(`${url}calls`)).headers.get('content-type')).toContain('text/html');
    expect(await (await fetch(`${url}healthz`)).json()).toEqual({ status: 'ok', role: 'admin' });
    expect(await (await fetch(`${url}readyz`)).json()).toMatchObject({ ready: true });
    await expectJson404(`${url}api/nope`);
    await expectJson404(`${url}api/nope/deeper?x=1`);
    await expectJson404(`${url}metrics`);
    // Metrics live on the loopback operations port only.
    const ops = `http://127.0.0.1:${opsPort}`;
    expect(await (await fetch(`${ops}/metrics`)).text()).toMatch(
      /^switchboard_process_cpu_seconds_total\{role="admin"\} /m,
    );
    expect(await (await fetch(`${ops}/healthz`)).json()).toEqual({ status: 'ok', role: 'admin' });
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  });

  it('exits 1 naming the variable when the configuration is invalid', async () => {
    const child = spawn(process.execPath, [mainJs], {
      env: { PATH: process.env.PATH, DATABASE_URL: 'mysql://x/y', REDIS_URL: servers.redisUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain('DATABASE_URL');
  });
});
