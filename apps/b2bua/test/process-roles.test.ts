import type { ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import net from 'node:net';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type LoggedProcess, spawnLogged } from './support/logged-process.js';
import { createTestDatabase } from './support/test-env.js';

const main = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/main.js');

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests with \`npm test\` at the repository root`);
  return value;
}

async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  s.bind(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address();
  s.close();
  return port;
}

async function freeTcpPort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  server.close();
  return port;
}

/** The role's operations listener answers /healthz, /readyz (Redis and PostgreSQL up) and /metrics. */
async function expectOpsEndpoints(port: number, role: string): Promise<void> {
  const base = `http://127.0.0.1:${port}`;
  expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok', role });
  // Ready once Redis and PostgreSQL answer; the first Prisma query of a process can take seconds on
  // a loaded machine, so a few probes may say 503 first, as a real orchestrator's would.
  let ready = await fetch(`${base}/readyz`);
  for (let i = 0; i < 10 && ready.status !== 200; i++) ready = await fetch(`${base}/readyz`);
  expect(await ready.json()).toMatchObject({
    ready: true,
    checks: { redis: { ok: true }, postgres: { ok: true } },
  });
  const text = await (await fetch(`${base}/metrics`)).text();
  expect(text).toMatch(new RegExp(`^switchboard_nodejs_eventloop_lag_seconds\\{role="${role}"\\} `, 'm'));
  expect((await fetch(`${base}/`)).status).toBe(404);
}

const started: ChildProcess[] = [];

function start(args: string[], env: NodeJS.ProcessEnv): LoggedProcess {
  const p = spawnLogged(process.execPath, [main, ...args], env);
  started.push(p.child);
  return p;
}

afterEach(() => {
  for (const c of started.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

// Its own migrated database: the roles read settings and extensions at start, and a developer's
// DATABASE_URL may name a server without a migrated `switchboard` database.
let db: { url: string; drop: () => Promise<void> };
beforeAll(async () => {
  db = await createTestDatabase();
}, 60_000);
afterAll(async () => {
  await db?.drop();
});

describe('b2bua process roles', () => {
  it('signalling role binds the SIP UDP port and its operations port, logs its config and stops cleanly on SIGTERM', async () => {
    const port = await freeUdpPort();
    const opsPort = await freeTcpPort();
    const env = {
      ...process.env,
      DATABASE_URL: db.url,
      REDIS_URL: requiredEnv('REDIS_URL'),
      SWITCHBOARD_SIP_BIND_ADDRESS: '127.0.0.1',
      SWITCHBOARD_SIP_UDP_PORT: String(port),
      SWITCHBOARD_SIP_TCP_PORT: String(port),
      SWITCHBOARD_SIP_DOMAIN: 'pbx.roles.test',
      SWITCHBOARD_LOG_LEVEL: 'info',
      SWITCHBOARD_METRICS_PORT_SIGNALLING: String(opsPort),
    };
    const p = start(['signalling'], env);
    const startLine = JSON.parse(await p.waitFor(/"msg":"starting"/)) as {
      config: { sip: { udpPort: number } };
    };
    expect(startLine.config.sip.udpPort).toBe(port);
    // The start-up log tells where phones register.
    const sipReady = JSON.parse(await p.waitFor(/SIP ready/)) as { msg: string; listen: string[] };
    expect(sipReady.msg).toContain('phones register as sip:<extension>@pbx.roles.test');
    expect(sipReady.msg).toContain(`UDP 127.0.0.1:${port}`);
    expect(sipReady.listen).toEqual([`udp:127.0.0.1:${port}`, `tcp:127.0.0.1:${port}`]);
    await p.waitFor(/"msg":"ready"/);
    // The port is really held by the process: binding it again fails.
    const probe = dgram.createSocket('udp4');
    const bindError = new Promise<NodeJS.ErrnoException>((resolve) => probe.once('error', resolve));
    probe.bind(port, '127.0.0.1');
    expect((await bindError).code).toBe('EADDRINUSE');
    probe.close();
    await expectOpsEndpoints(opsPort, 'signalling');

    p.child.kill('SIGTERM');
    const [code] = (await once(p.child, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(p.lines.some((l) => l.includes('"msg":"stopped"'))).toBe(true);
  }, 60_000); // start-up of a whole role plus its first PostgreSQL query: seconds on a loaded machine

  it('worker role loads the plugin chain, starts the routing worker and its operations port, stops cleanly on SIGINT', async () => {
    const opsPort = await freeTcpPort();
    const env = {
      ...process.env,
      DATABASE_URL: db.url,
      REDIS_URL: requiredEnv('REDIS_URL'),
      SWITCHBOARD_LOG_LEVEL: 'info',
      SWITCHBOARD_METRICS_PORT_WORKER: String(opsPort),
    };
    const p = start(['worker'], env);
    const loaded = JSON.parse(await p.waitFor(/routing plugins loaded/)) as { chain: string[] };
    expect(loaded.chain).toEqual([
      'inbound-routes@0.1.0',
      'business-hours@0.1.0',
      'ivr@0.1.0',
      'conference@0.1.0',
      'ring-group@0.1.0',
      'find-me@0.1.0',
      'extensions@0.1.0',
      'outbound-routes@0.1.0',
    ]);
    await p.waitFor(/routing worker ready/);
    await p.waitFor(/"msg":"ready"/);
    await expectOpsEndpoints(opsPort, 'worker');
    p.child.kill('SIGINT');
    const [code] = (await once(p.child, 'exit')) as [number | null];
    expect(code).toBe(0);
  }, 60_000); // start-up of a whole role plus its first PostgreSQL query: seconds on a loaded machine

  it('a bad environment value stops start-up with a message naming the variable', async () => {
    const env = {
      PATH: process.env.PATH,
      DATABASE_URL: 'mysql://localhost/x',
      REDIS_URL: 'redis://127.0.0.1:6379',
      SWITCHBOARD_SIP_UDP_PORT: '99999',
    };
    const p = start(['signalling'], env);
    const [code] = (await once(p.child, 'exit')) as [number | null];
    expect(code).toBe(1);
    const out = p.lines.join('\n');
    expect(out).toContain('DATABASE_URL: must be a URL starting with postgres:// or postgresql://');
    expect(out).toContain('SWITCHBOARD_SIP_UDP_PORT: must be between 1 and 65535');
  });

  it('an unknown role is refused', async () => {
    const p = start(['dialplan'], { ...process.env });
    const [code] = (await once(p.child, 'exit')) as [number | null];
    expect(code).toBe(1);
    expect(p.lines.join('\n')).toContain('unknown role "dialplan"');
  });
});
