// Auto-attendant menus: the admin API (CRUD, validation, audit) and the `switchboard menu` CLI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLogService } from '../src/audit/audit-log.service.js';
import { AdminUsersService } from '../src/auth/admin-users.service.js';
import { cliRunner } from './support/cli-runner.js';
import { HttpSession } from './support/http-session.js';
import {
  createTestServers,
  startTestApp,
  type RunningTestApp,
  type TestServers,
} from './support/test-environment.js';

let servers: TestServers;
let server: RunningTestApp;
let s: HttpSession;
const password = 'menus test password';
const cli = cliRunner(() => servers);

interface MenuBody {
  id: string;
  number: string | null;
  name: string;
  options: { digit: string; destination: Record<string, string> }[];
  directDial: boolean;
  timeoutDestination: Record<string, string> | null;
  invalidDestination: Record<string, string> | null;
  repeatCount: number;
  hasGreeting: boolean;
}

beforeAll(async () => {
  servers = await createTestServers(3);
  server = await startTestApp(servers);
  await new AdminUsersService(servers.prisma, new AuditLogService(servers.prisma)).create(
    { id: null, name: 'test' },
    'root',
    password,
  );
  s = new HttpSession(server.baseUrl);
  expect(await s.login('root', password)).toBe(200);
});

afterAll(async () => {
  await server?.close();
  await servers?.dispose();
});

describe('IVR menus API', () => {
  it('creates, lists, edits and deletes a menu with its key map and destinations; audited', async () => {
    const res = await s.post('/api/ivr-menus', {
      number: '8000',
      name: 'Main menu',
      options: [
        { digit: '1', destination: { kind: 'ring_group', target: '600' } },
        { digit: '9', destination: { kind: 'trunk', trunk: 'carrier', target: '+4930123456' } },
      ],
      timeoutDestination: { kind: 'voicemail', target: '201' },
    });
    expect(res.status).toBe(201);
    const menu = res.body as MenuBody;
    expect(menu).toMatchObject({
      number: '8000',
      directDial: false,
      repeatCount: 2,
      invalidDestination: null,
      hasGreeting: false,
      timeoutDestination: { kind: 'voicemail', target: '201' },
    });
    expect(menu.options.map((o) => o.digit)).toEqual(['1', '9']);
    const listed = (await s.get('/api/ivr-menus')).body as { items: MenuBody[] };
    expect(listed.items.map((m) => m.number)).toContain('8000');

    const edited = await s.patch(`/api/ivr-menus/${menu.id}`, {
      options: [{ digit: '0', destination: { kind: 'extension', target: '201' } }],
      directDial: true,
      timeoutDestination: null,
      invalidDestination: { kind: 'hangup' },
      repeatCount: 0,
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({
      directDial: true,
      timeoutDestination: null,
      invalidDestination: { kind: 'hangup' },
      repeatCount: 0,
      options: [{ digit: '0', destination: { kind: 'extension', target: '201' } }],
    });
    const row = await servers.prisma.ivrMenu.findUniqueOrThrow({ where: { id: menu.id } });
    expect(row.timeoutDestination).toBeNull();
    const audit = await servers.prisma.auditLog.findMany({
      where: { entity: 'ivr_menu', entityId: menu.id },
    });
    expect(audit.map((a) => a.action).sort()).toEqual(['create', 'update']);

    expect((await s.delete(`/api/ivr-menus/${menu.id}`)).status).toBe(204);
    expect((await s.get(`/api/ivr-menus/${menu.id}`)).status).toBe(404);
  });

  it('a menu without a number is allowed; a taken number is 409', async () => {
    const unnumbered = await s.post('/api/ivr-menus', { name: 'Sales sub-menu' });
    expect(unnumbered.status).toBe(201);
    expect((unnumbered.body as MenuBody).number).toBeNull();
    expect((await s.post('/api/ivr-menus', { number: '8001', name: 'A' })).status).toBe(201);
    const taken = await s.post('/api/ivr-menus', { number: '8001', name: 'B' });
    expect(taken.status).toBe(409);
  });

  it('refuses bad input with field errors: number, key, destination, duplicate key, timeouts, repeat', async () => {
    const bad = await s.post('/api/ivr-menus', {
      number: 'main',
      name: '',
      options: [
        { digit: '12', destination: { kind: 'extension', target: '201' } },
        { digit: '2', destination: { kind: 'pager', target: '201' } },
      ],
      responseTimeoutMs: 100,
      repeatCount: 9,
    });
    expect(bad.status).toBe(400);
    const fields = (bad.body as { errors: { field: string }[] }).errors.map((e) => e.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'number',
        'name',
        'options.0.digit',
        'options.1.destination.kind',
        'responseTimeoutMs',
        'repeatCount',
      ]),
    );
    const twice = await s.post('/api/ivr-menus', {
      name: 'Twice',
      options: [
        { digit: '1', destination: { kind: 'extension', target: '201' } },
        { digit: '1', destination: { kind: 'extension', target: '202' } },
      ],
    });
    expect(twice.status).toBe(400);
    expect(JSON.stringify(twice.body)).toContain('each key may be used once');
  });
});

describe('switchboard menu', () => {
  it('add / list / edit / show / remove with the same validation as the API', async () => {
    const add = await cli(
      'menu',
      'add',
      '8100',
      'Front desk',
      '--key',
      '1=ring_group:600',
      '--key',
      '2=voicemail:201',
      '--timeout',
      'voicemail:201',
      '--direct-dial',
      'on',
    );
    expect(add).toEqual({ code: 0, out: 'created menu 8100 (Front desk)\n', err: '' });
    const list = await cli('menu', 'list');
    expect(list.out).toContain('1=ring_group:600 2=voicemail:201');
    expect(await cli('menu', 'edit', '8100', '--invalid', 'extension:201', '--repeat', '1')).toMatchObject({
      code: 0,
      out: 'updated menu 8100\n',
    });
    const shown = JSON.parse((await cli('menu', 'show', '8100', '--json')).out) as MenuBody;
    expect(shown).toMatchObject({
      directDial: true,
      repeatCount: 1,
      invalidDestination: { kind: 'extension', target: '201' },
      timeoutDestination: { kind: 'voicemail', target: '201' },
    });
    const bad = await cli('menu', 'add', '8101', 'Bad', '--key', '1=pager:201');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('options.0.destination');
    expect((await cli('menu', 'add', '8102', 'Bad', '--key', 'x')).err).toContain('must be KEY=DESTINATION');
    expect(await cli('menu', 'remove', '8100')).toEqual({ code: 0, out: 'removed menu 8100\n', err: '' });
  });
});
