// Admin app users and roles: create/disable/reset over the API, read-only users refused on every
// mutating route (the route table is read from the controllers, so a new route is covered too), and
// the last enabled admin kept, also when two admins disable each other at the same time.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminControllers } from '../src/app/admin-app.module.js';
import { AuditLogService } from '../src/audit/audit-log.service.js';
import { AdminUsersService } from '../src/auth/admin-users.service.js';
import { ApiTokensService } from '../src/auth/api-tokens.service.js';
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
let root: HttpSession;
let viewer: HttpSession;
const password = 'admin users tests password';

async function loggedIn(username: string, pw = password): Promise<HttpSession> {
  const s = new HttpSession(server.baseUrl);
  expect(await s.login(username, pw)).toBe(200);
  return s;
}

interface UserView {
  id: string;
  username: string;
  role: string;
  disabled: boolean;
}

async function userNamed(username: string): Promise<UserView> {
  const res = await root.get('/api/admin-users');
  const found = (res.body as { items: UserView[] }).items.find((u) => u.username === username);
  if (!found) throw new Error(`no user ${username}`);
  return found;
}

beforeAll(async () => {
  servers = await createTestServers(7);
  server = await startTestApp(servers);
  users = new AdminUsersService(servers.prisma, new AuditLogService(servers.prisma));
  await users.create({ id: null, name: 'test' }, 'root', password);
  await users.create({ id: null, name: 'test' }, 'viewer', password, 'read_only');
  root = await loggedIn('root');
  viewer = await loggedIn('viewer');
});

afterAll(async () => {
  await server?.close();
  await servers?.dispose();
});

describe('admin users API', () => {
  it('creates a user with a one-time password shown once, and lists roles', async () => {
    const res = await root.post('/api/admin-users', { username: 'dora', role: 'read-only' });
    expect(res.status).toBe(201);
    const created = res.body as { username: string; role: string; oneTimePassword: string };
    expect(created).toMatchObject({ username: 'dora', role: 'read_only' });
    expect(created.oneTimePassword).toMatch(/^[A-Za-z0-9]{16}$/);
    const dora = new HttpSession(server.baseUrl);
    expect(await dora.login('dora', created.oneTimePassword)).toBe(200);
    expect((await dora.get('/api/auth/session')).body).toMatchObject({
      role: 'read_only',
      mustChangePassword: true,
    });
    expect(await userNamed('dora')).toMatchObject({ role: 'read_only', disabled: false });
    expect(JSON.stringify((await root.get('/api/admin-users')).body)).not.toContain(created.oneTimePassword);
    const taken = await root.post('/api/admin-users', { username: 'dora' });
    expect(taken.status).toBe(409);
    const bad = await root.post('/api/admin-users', { username: 'no spaces', role: 'boss' });
    expect(bad.status).toBe(400);
    expect((bad.body as { message: string }).message).toContain('role: must be admin or read_only');
  });

  it('disables a user: sessions end, login is refused, its API tokens stop; enabling restores logins', async () => {
    await users.create({ id: null, name: 'test' }, 'eve', password);
    const eve = await loggedIn('eve');
    const token = (
      (await eve.post('/api/tokens', { name: 'eve script', scope: 'full' })).body as { token: string }
    ).token;
    const id = (await userNamed('eve')).id;
    const res = await root.patch(`/api/admin-users/${id}`, { disabled: true });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ username: 'eve', disabled: true });
    expect((await eve.get('/api/extensions')).status).toBe(401);
    const relogin = new HttpSession(server.baseUrl);
    expect(await relogin.login('eve', password)).toBe(403);
    // A wrong password gets the usual answer: only the owner learns the account is disabled.
    expect(await relogin.login('eve', 'not the password at all')).toBe(401);
    const bearer = await fetch(`${server.baseUrl}/api/extensions`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(bearer.status).toBe(401);
    expect((await root.patch(`/api/admin-users/${id}`, { disabled: false })).status).toBe(200);
    expect(await relogin.login('eve', password)).toBe(200);
    const audit = await servers.prisma.auditLog.findFirstOrThrow({
      where: { entity: 'admin_user', entityId: id, action: 'update' },
      orderBy: { at: 'asc' },
    });
    expect(audit).toMatchObject({ actor: 'root', before: { disabled: false }, after: { disabled: true } });
  });

  it('resets a password: a new one-time password, every session of the user ended', async () => {
    await users.create({ id: null, name: 'test' }, 'frank', password);
    const frank = await loggedIn('frank');
    const id = (await userNamed('frank')).id;
    const res = await root.post(`/api/admin-users/${id}/reset-password`);
    expect(res.status).toBe(200);
    const otp = (res.body as { oneTimePassword: string }).oneTimePassword;
    expect((await frank.get('/api/extensions')).status).toBe(401);
    const again = new HttpSession(server.baseUrl);
    expect(await again.login('frank', otp)).toBe(200);
    expect((await again.get('/api/auth/session')).body).toMatchObject({ mustChangePassword: true });
    expect((await root.post(`/api/admin-users/${randomUUID()}/reset-password`)).status).toBe(404);
  });

  it('keeps the last enabled admin and refuses to disable or demote yourself', async () => {
    const self = await root.patch(`/api/admin-users/${(await userNamed('root')).id}`, { role: 'read_only' });
    expect(self.status).toBe(409);
    expect((self.body as { message: string }).message).toContain('your own account');
    // Everyone but root stops being an enabled admin; then root is the last one (the CLI acts as nobody).
    for (const name of ['eve', 'frank'])
      await users.update({ id: null, name: 'cli' }, (await userNamed(name)).id, { disabled: true });
    await expect(
      users.update({ id: null, name: 'cli' }, (await userNamed('root')).id, { disabled: true }),
    ).rejects.toThrow(/"root" is the last enabled admin/);
    expect(await userNamed('root')).toMatchObject({ role: 'admin', disabled: false });
  });

  it('lets exactly one of two admins disabling each other at once succeed', async () => {
    await users.create({ id: null, name: 'test' }, 'gina', password);
    const gina = await loggedIn('gina');
    const rootId = (await userNamed('root')).id;
    const ginaId = (await userNamed('gina')).id;
    const [a, b] = await Promise.all([
      root.patch(`/api/admin-users/${ginaId}`, { disabled: true }),
      gina.patch(`/api/admin-users/${rootId}`, { disabled: true }),
    ]);
    const statuses = [a.status, b.status].sort();
    // The loser is either refused as the last admin (409) or already logged out by the winner (401).
    expect(statuses[0]).toBe(200);
    expect([401, 409]).toContain(statuses[1]);
    const enabledAdmins = await servers.prisma.adminUser.count({
      where: { role: 'admin', disabledAt: null },
    });
    expect(enabledAdmins).toBe(1);
    if (a.status !== 200) {
      // gina won: give root its account back for the next test.
      await users.update({ id: null, name: 'cli' }, rootId, { disabled: false });
      root = await loggedIn('root');
    }
  });
});

describe('read-only role', () => {
  // Mutating routes a read-only user may still use: its own password and its logout.
  const own = new Set(['post /api/auth/password', 'post /api/auth/logout', 'post /api/auth/login']);
  const mutating = routesOf(adminControllers).filter(
    (r) => r.method !== 'get' && !own.has(`${r.method} ${r.path}`),
  );

  it('reads everything', async () => {
    for (const path of [
      '/api/extensions',
      '/api/admin-users',
      '/api/audit-log',
      '/api/live/calls',
      '/api/plugins',
    ])
      expect((await viewer.get(path)).status, path).toBe(200);
    expect((await viewer.get('/api/auth/session')).body).toMatchObject({
      username: 'viewer',
      role: 'read_only',
    });
  });

  it('gets 403 on every mutating route class, with the reason', async () => {
    expect(mutating.length).toBeGreaterThan(15);
    for (const route of mutating) {
      const path = route.path.replace(/\{[^}]+\}/g, randomUUID());
      const res = await viewer.request(route.method.toUpperCase(), path, {});
      expect(res.status, `${route.method} ${route.path}`).toBe(403);
      expect((res.body as { message: string }).message).toContain('read-only');
    }
  });

  it('is refused even through a full-scope API token, but may change its own password', async () => {
    const row = await servers.prisma.adminUser.findUniqueOrThrow({ where: { username: 'viewer' } });
    const { token } = await new ApiTokensService(servers.prisma, new AuditLogService(servers.prisma)).create(
      { id: row.id, name: 'viewer' },
      { name: 'viewer script', scope: 'full', expiresInDays: 1 },
    );
    const send = (method: string) =>
      fetch(`${server.baseUrl}/api/extensions`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: method === 'GET' ? undefined : JSON.stringify({ number: '5000', displayName: 'x' }),
      });
    expect((await send('GET')).status).toBe(200);
    expect((await send('POST')).status).toBe(403);
    const changed = await viewer.post('/api/auth/password', {
      currentPassword: password,
      newPassword: `${password} 2`,
    });
    expect(changed.status).toBe(204);
  });
});
