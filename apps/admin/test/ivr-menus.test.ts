// Auto-attendant menus: the admin API (CRUD, validation, audit, greeting upload) and the `switchboard menu` CLI.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  generateTone,
  pcm16Bytes,
  readWav,
  toneAmplitude,
  ulawEncode,
  wavSamples,
  writeWav,
} from '@switchboard/media';
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

/** A WAV of a 1 s tone in `encoding` at `rate`. */
function toneWav(encoding: 'pcm16' | 'mulaw', rate: number, hz: number): Uint8Array {
  const samples = generateTone({ frequencyHz: hz, durationMs: 1000, sampleRate: rate });
  return writeWav({
    encoding,
    sampleRate: rate,
    data: encoding === 'mulaw' ? ulawEncode(samples) : pcm16Bytes(samples),
  });
}

function upload(menuId: string, bytes: Uint8Array, name = 'greeting.wav', options: { csrf?: boolean } = {}) {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type: 'audio/wav' }), name);
  return s.request('PUT', `/api/ivr-menus/${menuId}/greeting`, form, options);
}

/** The greeting files stored for a menu under the data directory. */
function storedGreetings(menuId: string): string[] {
  const dir = path.join(servers.dataDir, 'ivr', menuId);
  return existsSync(dir) ? readdirSync(dir).map((f) => path.join(dir, f)) : [];
}

describe('IVR menu greeting upload', () => {
  it('stores an 8 kHz µ-law WAV as 8 kHz PCM, serves it, replaces it with a resampled one, deletes it; audited', async () => {
    const menu = (await s.post('/api/ivr-menus', { number: '8200', name: 'Greeted' })).body as MenuBody;
    const first = await upload(menu.id, toneWav('mulaw', 8000, 440));
    expect(first.status, first.text).toBe(200);
    expect(first.body).toMatchObject({ id: menu.id, hasGreeting: true });
    const [stored] = storedGreetings(menu.id);
    const row = await servers.prisma.ivrMenu.findUniqueOrThrow({ where: { id: menu.id } });
    expect(row.greetingPath).toMatch(new RegExp(`^ivr/${menu.id}/greeting-\\d+\\.wav$`));
    expect(stored).toBe(path.join(servers.dataDir, row.greetingPath ?? ''));
    const wav = readWav(readFileSync(stored ?? ''));
    expect(wav).toMatchObject({ encoding: 'pcm16', sampleRate: 8000 });
    expect(toneAmplitude(wavSamples(wav), 440)).toBeGreaterThan(0.2);

    const served = await fetch(`${server.baseUrl}/api/ivr-menus/${menu.id}/greeting.wav`, {
      headers: { cookie: s.cookie ?? '' },
    });
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('audio/wav');
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(new Uint8Array(readFileSync(stored ?? '')));

    // Replaced by 16 kHz PCM: resampled, a new file, the old one gone.
    const second = await upload(menu.id, toneWav('pcm16', 16_000, 900));
    expect(second.status, second.text).toBe(200);
    const files = storedGreetings(menu.id);
    expect(files).toHaveLength(1);
    expect(files[0]).not.toBe(stored);
    const replaced = readWav(readFileSync(files[0] ?? ''));
    expect(replaced.sampleRate).toBe(8000);
    expect(toneAmplitude(wavSamples(replaced), 900)).toBeGreaterThan(0.2);

    expect((await s.delete(`/api/ivr-menus/${menu.id}/greeting`)).status).toBe(204);
    expect(storedGreetings(menu.id)).toEqual([]);
    expect((await s.get(`/api/ivr-menus/${menu.id}`)).body).toMatchObject({ hasGreeting: false });
    expect((await s.get(`/api/ivr-menus/${menu.id}/greeting.wav`)).status).toBe(404);
    expect((await s.delete(`/api/ivr-menus/${menu.id}/greeting`)).status).toBe(404);

    const audit = await servers.prisma.auditLog.findMany({
      where: { entity: 'ivr_menu', entityId: menu.id },
    });
    expect(audit.map((a) => a.action).sort()).toEqual([
      'create',
      'delete_greeting',
      'replace_greeting',
      'upload_greeting',
    ]);
    expect(audit.find((a) => a.action === 'replace_greeting')?.after).toMatchObject({
      conversions: ['resampled from 16000 Hz to 8000 Hz'],
      durationMs: 1000,
    });
  });

  it('refuses what is no usable WAV with 400 and the reason, keeping the greeting it has', async () => {
    const menu = (await s.post('/api/ivr-menus', { number: '8201', name: 'Strict' })).body as MenuBody;
    expect((await upload(menu.id, toneWav('pcm16', 8000, 500))).status).toBe(200);
    const kept = storedGreetings(menu.id);

    const notWav = await upload(menu.id, new TextEncoder().encode('ID3 this is an mp3'), 'song.mp3');
    expect(notWav.status).toBe(400);
    expect(notWav.body).toMatchObject({ message: 'file: not a RIFF file', errors: [{ field: 'file' }] });
    const float = toneWav('pcm16', 8000, 500);
    new DataView(float.buffer).setUint16(20, 3, true); // format tag 3: IEEE float
    const refused = await upload(menu.id, float);
    expect(refused.status).toBe(400);
    expect((refused.body as { message: string }).message).toMatch(/^file: IEEE float WAV is not supported/);
    const none = await s.request('PUT', `/api/ivr-menus/${menu.id}/greeting`, new FormData());
    expect(none.status).toBe(400);
    expect((none.body as { message: string }).message).toContain('a WAV file is required');
    const tooBig = await upload(menu.id, new Uint8Array(10 * 1024 * 1024 + 1));
    expect(tooBig.status).toBe(413);

    expect(storedGreetings(menu.id)).toEqual(kept);
    expect((await s.get(`/api/ivr-menus/${menu.id}`)).body).toMatchObject({ hasGreeting: true });
  });

  it('needs the CSRF token and an existing menu; deleting the menu deletes its greeting', async () => {
    const menu = (await s.post('/api/ivr-menus', { number: '8202', name: 'Doomed' })).body as MenuBody;
    expect((await upload(menu.id, toneWav('pcm16', 8000, 500), 'g.wav', { csrf: false })).status).toBe(403);
    expect(storedGreetings(menu.id)).toEqual([]);
    expect((await upload('00000000-0000-4000-8000-000000000000', toneWav('pcm16', 8000, 500))).status).toBe(
      404,
    );
    expect((await upload(menu.id, toneWav('pcm16', 8000, 500))).status).toBe(200);
    expect(storedGreetings(menu.id)).toHaveLength(1);
    expect((await s.delete(`/api/ivr-menus/${menu.id}`)).status).toBe(204);
    expect(storedGreetings(menu.id)).toEqual([]);
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

  it('greeting / greeting-remove upload and remove the greeting as the API does', async () => {
    expect((await cli('menu', 'add', '8110', 'Cli greeting')).code).toBe(0);
    const file = path.join(servers.dataDir, 'upload-22k.wav');
    writeFileSync(file, toneWav('pcm16', 22_050, 600));
    expect(await cli('menu', 'greeting', '8110', file)).toEqual({
      code: 0,
      out: 'greeting of menu 8110 stored (1.0 s, resampled from 22050 Hz to 8000 Hz)\n',
      err: '',
    });
    expect(JSON.parse((await cli('menu', 'show', '8110', '--json')).out)).toMatchObject({
      hasGreeting: true,
    });
    const text = path.join(servers.dataDir, 'notes.txt');
    writeFileSync(text, 'not audio');
    const refused = await cli('menu', 'greeting', '8110', text);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('not a RIFF file');
    expect(await cli('menu', 'greeting-remove', '8110')).toEqual({
      code: 0,
      out: 'greeting of menu 8110 removed\n',
      err: '',
    });
    expect(JSON.parse((await cli('menu', 'show', '8110', '--json')).out)).toMatchObject({
      hasGreeting: false,
    });
  });
});
