import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuditLogService } from '../src/audit/audit-log.service.js';
import { AdminUsersService } from '../src/auth/admin-users.service.js';
import { verifyPassword } from '../src/auth/password-hasher.js';
import { adminControllers } from '../src/app/admin-app.module.js';
import { DocsController } from '../src/openapi/docs.controller.js';
import { staleOperations } from '../src/openapi/openapi-document.js';
import { routesOf } from '../src/openapi/route-table.js';
import { HttpSession } from './support/http-session.js';
import {
  createTestServers,
  startTestApp,
  type RunningTestApp,
  type TestServers,
} from './support/test-environment.js';

let servers: TestServers;
let server: RunningTestApp;
let users: AdminUsersService;
const password = 'correct horse battery staple';

beforeAll(async () => {
  servers = await createTestServers(11);
  server = await startTestApp(servers, {
    loginRateLimit: { max: 8, windowSeconds: 60 },
    lockout: { maxFailures: 3, lockMs: 60_000 },
  });
  users = new AdminUsersService(servers.prisma, new AuditLogService(servers.prisma));
  await users.create({ id: null, name: 'test' }, 'alice', password);
});

afterAll(async () => {
  await server?.close();
  await servers?.dispose();
});

describe('authentication', () => {
  // Every test logs in from 127.0.0.1; start each with a fresh rate-limit window.
  beforeEach(async () => {
    await servers.redis.del('sb:admin:login-attempts:127.0.0.1');
  });

  it('stores admin passwords as argon2id hashes, never in plain text', async () => {
    const row = await servers.prisma.adminUser.findUniqueOrThrow({ where: { username: 'alice' } });
    expect(row.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(row.passwordHash).not.toContain(password);
    expect(await verifyPassword(row.passwordHash, password)).toBe(true);
  });

  it('refuses API calls without a session (401)', async () => {
    const res = await new HttpSession(server.baseUrl).get('/api/extensions');
    expect(res.status).toBe(401);
  });

  it('logs in with an HttpOnly, SameSite=Strict session cookie and returns a CSRF token', async () => {
    const res = await fetch(`${server.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password }),
    });
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^sb_session=[A-Za-z0-9_-]{43};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    const body = (await res.json()) as { csrfToken: string; mustChangePassword: boolean };
    expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(body.mustChangePassword).toBe(false);
    // Only the SHA-256 of the cookie token is stored.
    const token = cookie.split(';')[0]?.split('=')[1] ?? '';
    const sessions = await servers.prisma.adminSession.findMany();
    expect(sessions.some((s) => s.id === token)).toBe(false);
    expect(sessions.every((s) => /^[0-9a-f]{64}$/.test(s.id))).toBe(true);
  });

  it('validates the login body (400 with field messages)', async () => {
    const res = await new HttpSession(server.baseUrl).post('/api/auth/login', { username: '' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      errors: expect.arrayContaining([
        { field: 'username', message: 'is required' },
        { field: 'password', message: 'is required' },
      ]) as unknown,
    });
  });

  it('answers malformed JSON with 400, not 500', async () => {
    const res = await new HttpSession(server.baseUrl).request('POST', '/api/auth/login', '{"username":', {});
    expect(res.status).toBe(400);
  });

  it('refuses state-changing requests without the CSRF token, or with a wrong one (403)', async () => {
    const s = new HttpSession(server.baseUrl);
    expect(await s.login('alice', password)).toBe(200);
    const body = { number: '2001', displayName: 'CSRF test' };
    const missing = await s.request('POST', '/api/extensions', body, { csrf: false });
    expect(missing.status).toBe(403);
    expect((missing.body as { message: string }).message).toMatch(/CSRF/);
    const wrong = await s.request('POST', '/api/extensions', body, { csrf: 'x'.repeat(43) });
    expect(wrong.status).toBe(403);
    expect(await servers.prisma.extension.count({ where: { number: '2001' } })).toBe(0);
    const ok = await s.post('/api/extensions', body);
    expect(ok.status).toBe(201);
  });

  it('logout ends the session server-side', async () => {
    const s = new HttpSession(server.baseUrl);
    await s.login('alice', password);
    expect((await s.get('/api/auth/session')).status).toBe(200);
    expect((await s.post('/api/auth/logout')).status).toBe(204);
    expect((await s.get('/api/auth/session')).status).toBe(401);
  });

  it('forces a one-time password to be changed before anything else', async () => {
    const created = await users.create({ id: null, name: 'test' }, 'bob');
    const s = new HttpSession(server.baseUrl);
    expect(await s.login('bob', created.oneTimePassword ?? '')).toBe(200);
    expect((await s.get('/api/extensions')).status).toBe(403);
    const tooShort = await s.post('/api/auth/password', {
      currentPassword: created.oneTimePassword,
      newPassword: 'short',
    });
    expect(tooShort.status).toBe(400);
    expect(tooShort.body).toMatchObject({
      errors: [{ field: 'newPassword', message: 'must be at least 12 characters' }],
    });
    const changed = await s.post('/api/auth/password', {
      currentPassword: created.oneTimePassword,
      newPassword: 'a much better password',
    });
    expect(changed.status).toBe(204);
    expect((await s.get('/api/extensions')).status).toBe(200);
    expect(await new HttpSession(server.baseUrl).login('bob', 'a much better password')).toBe(200);
  });

  it('locks an account after repeated failures (423) and records it in the audit log', async () => {
    await users.create({ id: null, name: 'test' }, 'carol', password);
    const s = new HttpSession(server.baseUrl);
    for (let i = 0; i < 3; i++) expect(await s.login('carol', 'wrong password')).toBe(401);
    // Even the right password is refused while locked.
    expect(await s.login('carol', password)).toBe(423);
    const row = await servers.prisma.adminUser.findUniqueOrThrow({ where: { username: 'carol' } });
    expect(row.lockedUntil?.getTime()).toBeGreaterThan(Date.now());
    const audit = await servers.prisma.auditLog.findMany({
      where: { entityId: row.id },
      orderBy: { at: 'asc' },
    });
    expect(audit.map((a) => a.action)).toEqual([
      'create',
      'login_failed',
      'login_failed',
      'locked',
      'login_locked',
    ]);
    // An operator reset unlocks it.
    const otp = await users.resetPassword({ id: null, name: 'cli' }, await users.idOf('carol'));
    expect(await new HttpSession(server.baseUrl).login('carol', otp)).toBe(200);
  });

  it('verifies at most the limit of 200 simultaneous guesses; the right password among the rest gets 423', async () => {
    // A second app on the same database without the per-address rate limit in the way (an
    // attacker with many addresses has none), so the lock-out alone must hold.
    const open = await startTestApp(servers, {
      loginRateLimit: { max: 10_000, windowSeconds: 60 },
      lockout: { maxFailures: 5, lockMs: 60_000 },
    });
    try {
      await users.create({ id: null, name: 'test' }, 'dave', password);
      const guesses = Array.from({ length: 200 }, (_, i) => (i === 199 ? password : `wrong ${i}`));
      const statuses = await Promise.all(
        guesses.map((guess) => new HttpSession(open.baseUrl).login('dave', guess)),
      );
      const verified = statuses.filter((s) => s === 401).length;
      expect(verified).toBeGreaterThan(0);
      expect(verified).toBeLessThanOrEqual(5);
      expect(statuses.filter((s) => s === 423)).toHaveLength(200 - verified);
      expect(statuses.at(-1)).toBe(423);
      const row = await servers.prisma.adminUser.findUniqueOrThrow({ where: { username: 'dave' } });
      expect(row.lockedUntil?.getTime()).toBeGreaterThan(Date.now());
      const audit = await servers.prisma.auditLog.findMany({ where: { entityId: row.id } });
      const actions = audit.map((a) => a.action);
      expect(actions.filter((a) => a === 'locked')).toHaveLength(1);
      expect(actions.filter((a) => a === 'login_failed' || a === 'locked')).toHaveLength(verified);
      // Refusals during the lock-out are audited once per minute, not once per guess.
      expect(actions.filter((a) => a === 'login_locked')).toHaveLength(1);
    } finally {
      await open.close();
    }
  });

  it('rate-limits login attempts per client address (429)', async () => {
    const s = new HttpSession(server.baseUrl);
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push(await s.login('nobody', 'whatever'));
    expect(statuses.slice(0, 8)).toEqual(Array(8).fill(401));
    expect(statuses.slice(8)).toEqual([429, 429]);
    await servers.redis.del('sb:admin:login-attempts:127.0.0.1');
  });

  it('bootstrap creates the first admin only when none exists', async () => {
    expect(await users.bootstrap()).toEqual({ created: false });
  });
});

describe('OpenAPI document and docs page', () => {
  it('serves an OpenAPI 3.1 document generated from the validation schemas', async () => {
    const res = await new HttpSession(server.baseUrl).get('/api/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.body as {
      openapi: string;
      paths: Record<string, Record<string, { requestBody?: unknown }>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/extensions',
        '/api/ring-groups/{id}',
        '/api/calls/export.csv',
        '/api/live/registrations',
      ]),
    );
    const create = doc.paths['/api/extensions']?.post?.requestBody as {
      content: {
        'application/json': { schema: { required: string[]; properties: Record<string, unknown> } };
      };
    };
    expect(create.content['application/json'].schema.required).toEqual(['number', 'displayName']);
    expect(create.content['application/json'].schema.properties.number).toMatchObject({
      type: 'string',
      pattern: '^[0-9]{2,12}$',
    });
  });

  it('documents every route the controllers declare, and nothing else', async () => {
    const doc = (await new HttpSession(server.baseUrl).get('/api/openapi.json')).body as {
      paths: Record<string, Record<string, { summary: string; 'x-undocumented'?: boolean }>>;
    };
    const routes = routesOf(adminControllers.filter((c) => c !== DocsController));
    expect(routes.length).toBeGreaterThan(30);
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m} ${p}`),
    );
    expect(documented.sort()).toEqual(routes.map((r) => `${r.method} ${r.path}`).sort());
    // A route added without a description shows up here by name.
    const undocumented = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.entries(ops).flatMap(([m, op]) => (op['x-undocumented'] ? [`${m} ${p}`] : [])),
    );
    expect(undocumented).toEqual([]);
    expect(staleOperations(routes)).toEqual([]);
  });

  it('serves the docs page and its assets without inline scripts', async () => {
    const s = new HttpSession(server.baseUrl);
    const page = await s.get('/api/docs');
    expect(page.status).toBe(200);
    expect(page.text).toContain('/api/docs/assets/swagger-ui-bundle.js');
    expect(page.text).not.toMatch(/<script>(?!<)/);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect((await s.get('/api/docs/assets/swagger-ui-bundle.js')).status).toBe(200);
    expect((await s.get('/api/docs/init.js')).text).toContain('/api/openapi.json');
  });

  it('reports health of PostgreSQL, Redis and the B2BUA processes without a session', async () => {
    const res = await new HttpSession(server.baseUrl).get('/api/health');
    // No B2BUA process runs here (with them: health-processes.test.ts); media is direct, no rtpengine.
    expect(res.body).toEqual({
      status: 'degraded',
      database: true,
      redis: true,
      processes: {
        signalling: { status: 'down', alive: 0, known: 0, lastBeatAgeMs: null },
        worker: { status: 'down', alive: 0, known: 0, lastBeatAgeMs: null },
      },
      rtpengine: null,
      heartbeat: { intervalMs: 1000, aliveMs: 3000 },
    });
  });
});
