// POST /api/live/calls/{id}/hangup against a stand-in signalling process: a Redis subscriber on
// sb:calls:hangup that answers on sb:calls:hangup:results as the B2BUA does. The whole path with
// the real B2BUA, sipp and Chromium is apps/b2bua/test/admin-live-hangup-browser.test.ts.
import { randomUUID } from 'node:crypto';
import type { CallHangupRequest } from '@switchboard/live-state';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLogService } from '../src/audit/audit-log.service.js';
import { AdminUsersService } from '../src/auth/admin-users.service.js';
import { HttpSession } from './support/http-session.js';
import { addLiveCall, standInSignalling } from './support/live-stand-ins.js';
import {
  createTestServers,
  startTestApp,
  type RunningTestApp,
  type TestServers,
} from './support/test-environment.js';

let servers: TestServers;
let server: RunningTestApp;
let session: HttpSession;
let signalling: Redis;
/** Call ids the stand-in signalling process holds. */
const held = new Set<string>();
const requests: CallHangupRequest[] = [];
const password = 'hangup tests password 1';

const liveCall = (id: string) => addLiveCall(servers.redis, id);

beforeAll(async () => {
  servers = await createTestServers(8);
  server = await startTestApp(servers);
  await new AdminUsersService(servers.prisma, new AuditLogService(servers.prisma)).create(
    { id: null, name: 'test' },
    'carol',
    password,
  );
  session = new HttpSession(server.baseUrl);
  expect(await session.login('carol', password)).toBe(200);
  signalling = await standInSignalling(servers.redis, held, (request) => requests.push(request));
});

afterAll(async () => {
  signalling?.disconnect();
  await server?.close();
  await servers?.dispose();
});

describe('hanging up a live call', () => {
  it('asks the signalling processes, answers once the holder ended it, and audits who did', async () => {
    const id = randomUUID();
    await liveCall(id);
    held.add(id);
    const res = await session.post(`/api/live/calls/${id}/hangup`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ callId: id, node: 'stand-in' });
    expect(requests.find((r) => r.callId === id)).toMatchObject({ by: 'admin carol' });
    const audit = await servers.prisma.auditLog.findFirstOrThrow({ where: { entityId: id } });
    expect(audit).toMatchObject({ actor: 'carol', action: 'hangup', entity: 'call' });
    expect(audit.before).toMatchObject({
      from: 'sip:100@pbx.test',
      to: 'sip:201@pbx.test',
      state: 'bridged',
    });
  });

  it('answers 404 for a call no longer live, or one no signalling process holds', async () => {
    const gone = await session.post(`/api/live/calls/${randomUUID()}/hangup`);
    expect(gone.status).toBe(404);
    const orphan = randomUUID();
    await liveCall(orphan);
    const res = await session.post(`/api/live/calls/${orphan}/hangup`);
    expect(res.status).toBe(404);
    expect(requests.some((r) => r.callId === orphan)).toBe(true);
    expect(await servers.prisma.auditLog.count({ where: { entityId: orphan } })).toBe(0);
  });

  it('answers 400 for a malformed id and 403 without the CSRF token', async () => {
    expect((await session.post('/api/live/calls/not-a-uuid/hangup')).status).toBe(400);
    const id = randomUUID();
    await liveCall(id);
    const res = await session.request('POST', `/api/live/calls/${id}/hangup`, {}, { csrf: false });
    expect(res.status).toBe(403);
  });
});
