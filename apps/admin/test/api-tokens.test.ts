// API tokens for automation: created from a session, shown once, stored hashed, scoped, expiring,
// revocable, sent as Authorization: Bearer (no CSRF token); cookie sessions keep needing CSRF.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLogService } from '../src/audit/audit-log.service.js';
import { AdminUsersService } from '../src/auth/admin-users.service.js';
import { HttpSession } from './support/http-session.js';
import {
  createTestServers,
  startTestApp,
  type RunningTestApp,
  type TestServers,
} from './support/test-environment.js';

let servers: TestServers;
let server: RunningTestApp;
let session: HttpSession;
const password = 'token tests password 1';

/** A plain HTTP client with only the Bearer header: no cookie, no CSRF token. */
async function bearer(token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(server.baseUrl + path, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
}

async function createToken(
  body: object,
): Promise<{ token: string; apiToken: { id: string; prefix: string } }> {
  const res = await session.post('/api/tokens', body);
  expect(res.status).toBe(201);
  return res.body as { token: string; apiToken: { id: string; prefix: string } };
}

beforeAll(async () => {
  servers = await createTestServers(10);
  server = await startTestApp(servers);
  const users = new AdminUsersService(servers.prisma, new AuditLogService(servers.prisma));
  await users.create({ id: null, name: 'test' }, 'robot-owner', password);
  session = new HttpSession(server.baseUrl);
  expect(await session.login('robot-owner', password)).toBe(200);
});

afterAll(async () => {
  await server?.close();
  await servers?.dispose();
});

describe('API tokens', () => {
  it('are shown once, stored only as a SHA-256, and listed without the secret', async () => {
    const { token, apiToken } = await createToken({ name: 'ci deploy', scope: 'full', expiresInDays: 30 });
    expect(token).toMatch(/^sbt_[A-Za-z0-9_-]{43}$/);
    const row = await servers.prisma.apiToken.findUniqueOrThrow({ where: { id: apiToken.id } });
    expect(row.tokenHash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(row.expiresAt?.getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    const list = await session.get('/api/tokens');
    expect(list.text).not.toContain(token);
    expect(list.body).toMatchObject({
      items: [
        {
          id: apiToken.id,
          name: 'ci deploy',
          scope: 'full',
          prefix: token.slice(0, 10),
          createdBy: 'robot-owner',
        },
      ],
    });
    const bad = await session.post('/api/tokens', { name: '', scope: 'root', expiresInDays: 0 });
    expect(bad.status).toBe(400);
    expect((bad.body as { errors: { field: string }[] }).errors.map((e) => e.field).sort()).toEqual([
      'expiresInDays',
      'name',
      'scope',
    ]);
  });

  it('a full token reads and writes with Bearer alone (no cookie, no CSRF token); the audit log names it', async () => {
    const { token } = await createToken({ name: 'provisioning', scope: 'full', expiresInDays: null });
    expect((await bearer(token, 'GET', '/api/extensions')).status).toBe(200);
    const created = await bearer(token, 'POST', '/api/extensions', { number: '7001', displayName: 'Robot' });
    expect(created.status).toBe(201);
    const audit = await servers.prisma.auditLog.findFirstOrThrow({
      where: { entity: 'extension', action: 'create' },
    });
    expect(audit.actor).toBe('robot-owner (token provisioning)');
    // Tokens cannot mint tokens or act on sessions.
    expect((await bearer(token, 'GET', '/api/tokens')).status).toBe(403);
    expect((await bearer(token, 'POST', '/api/auth/logout')).status).toBe(403);
  });

  it('a read-only token may only read', async () => {
    const { token } = await createToken({ name: 'dashboard', scope: 'read_only' });
    expect((await bearer(token, 'GET', '/api/extensions')).status).toBe(200);
    const write = await bearer(token, 'POST', '/api/extensions', { number: '7002', displayName: 'No' });
    expect(write).toMatchObject({ status: 403, body: { message: 'This API token is read-only' } });
  });

  it('revoked, expired and unknown tokens get 401', async () => {
    const { token, apiToken } = await createToken({ name: 'old', scope: 'full' });
    expect((await session.delete(`/api/tokens/${apiToken.id}`)).status).toBe(204);
    expect((await bearer(token, 'GET', '/api/extensions')).status).toBe(401);
    const expiring = await createToken({ name: 'short', scope: 'full', expiresInDays: 1 });
    await servers.prisma.apiToken.update({
      where: { id: expiring.apiToken.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect((await bearer(expiring.token, 'GET', '/api/extensions')).status).toBe(401);
    expect((await bearer('sbt_not-a-token', 'GET', '/api/extensions')).status).toBe(401);
  });

  it('cookie sessions still need the CSRF token', async () => {
    const res = await session.request(
      'POST',
      '/api/extensions',
      { number: '7003', displayName: 'x' },
      { csrf: false },
    );
    expect(res.status).toBe(403);
  });
});
