import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { pluginStatusFields, processesKey, redisKeys } from '@switchboard/live-state';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLogService } from '../src/audit/audit-log.service.js';
import { AdminUsersService } from '../src/auth/admin-users.service.js';
import { HttpSession } from './support/http-session.js';
import {
  createTestServers,
  fakeProcess,
  startTestApp,
  type RunningTestApp,
  type TestServers,
} from './support/test-environment.js';

let servers: TestServers;
let server: RunningTestApp;
let s: HttpSession;

interface Ext {
  id: string;
  number: string;
  displayName: string;
  enabled: boolean;
  hasSipPassword: boolean;
  hasVoicemailPin: boolean;
}

beforeAll(async () => {
  servers = await createTestServers(12);
  server = await startTestApp(servers);
  await new AdminUsersService(servers.prisma, new AuditLogService(servers.prisma)).create(
    { id: null, name: 'test' },
    'ops',
    'resources test password',
  );
  s = new HttpSession(server.baseUrl);
  expect(await s.login('ops', 'resources test password')).toBe(200);
});

afterAll(async () => {
  await server?.close();
  await servers?.dispose();
});

async function createExtension(
  number: string,
  displayName = `Ext ${number}`,
): Promise<Ext & { sipPassword: string }> {
  const res = await s.post('/api/extensions', { number, displayName });
  expect(res.status).toBe(201);
  const body = res.body as { extension: Ext; sipPassword: string };
  return { ...body.extension, sipPassword: body.sipPassword };
}

describe('extensions', () => {
  it('creates an extension with a generated SIP password returned once and stored only as HA1', async () => {
    const ext = await createExtension('1001', 'Alice');
    expect(ext.sipPassword).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(ext.hasSipPassword).toBe(true);
    const row = await servers.prisma.extension.findUniqueOrThrow({ where: { id: ext.id } });
    expect(row.sipRealm).toBe('pbx.test');
    expect(row.ha1Md5).toBe(createHash('md5').update(`1001:pbx.test:${ext.sipPassword}`).digest('hex'));
    expect(row.ha1Sha256).toBe(createHash('sha256').update(`1001:pbx.test:${ext.sipPassword}`).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(ext.sipPassword);
    // Reading it back never reveals the password.
    const again = await s.get(`/api/extensions/${ext.id}`);
    expect(JSON.stringify(again.body)).not.toContain(ext.sipPassword);
  });

  it('rejects invalid input with 400 and a message per field', async () => {
    const res = await s.post('/api/extensions', {
      number: '12a',
      displayName: '',
      maxConcurrentCalls: 0,
      voicemailPin: '12',
    });
    expect(res.status).toBe(400);
    expect((res.body as { errors: unknown[] }).errors).toEqual(
      expect.arrayContaining([
        { field: 'number', message: 'must be 2 to 12 digits' },
        { field: 'displayName', message: 'is required' },
        { field: 'maxConcurrentCalls', message: 'must be at least 1' },
        { field: 'voicemailPin', message: 'must be 4 to 12 digits' },
      ]),
    );
  });

  it('stores the media mode and SRTP policy per extension (defaults: inherit, optional)', async () => {
    const created = await s.post('/api/extensions', { number: '1078', displayName: 'TLS phone' });
    const ext = (created.body as { extension: Ext & { mediaMode: string; srtpPolicy: string } }).extension;
    expect(ext).toMatchObject({ mediaMode: 'inherit', srtpPolicy: 'optional' });
    const set = await s.patch(`/api/extensions/${ext.id}`, { mediaMode: 'relay', srtpPolicy: 'required' });
    expect(set.body).toMatchObject({ mediaMode: 'relay', srtpPolicy: 'required' });
    const row = await servers.prisma.extension.findUniqueOrThrow({ where: { id: ext.id } });
    expect(row).toMatchObject({ mediaMode: 'relay', srtpPolicy: 'required' });
    const bad = await s.patch(`/api/extensions/${ext.id}`, { mediaMode: 'proxy', srtpPolicy: 'dtls' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({
      errors: [
        { field: 'mediaMode', message: 'must be inherit, relay, direct or auto' },
        { field: 'srtpPolicy', message: 'must be required, optional or off' },
      ],
    });
    const doc = (await s.get('/api/openapi.json')).text;
    expect(doc).toContain('"srtpPolicy"');
    expect((await s.delete(`/api/extensions/${ext.id}`)).status).toBe(204);
  });

  it('stores the dialling class, external number and outside-call limit (defaults: national, none, 2)', async () => {
    const created = await s.post('/api/extensions', { number: '1079', displayName: 'Reception' });
    const ext = (created.body as { extension: Ext & Record<string, unknown> }).extension;
    expect(ext).toMatchObject({ dialClass: 'national', externalNumber: null, maxExternalCalls: 2 });
    const set = await s.patch(`/api/extensions/${ext.id}`, {
      dialClass: 'international',
      externalNumber: '+493012345179',
      maxExternalCalls: 0,
    });
    expect(set.body).toMatchObject({
      dialClass: 'international',
      externalNumber: '+493012345179',
      maxExternalCalls: 0,
    });
    const bad = await s.patch(`/api/extensions/${ext.id}`, { dialClass: 'world', externalNumber: '0301234' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({
      errors: [
        { field: 'dialClass', message: 'must be internal, local, national or international' },
        { field: 'externalNumber', message: 'must be an E.164 number: + then 5 to 15 digits' },
      ],
    });
    expect((await s.delete(`/api/extensions/${ext.id}`)).status).toBe(204);
  });

  it('stores the call pickup groups (lower case, no repeats) and the directed-pickup opt-out; 400 for bad names', async () => {
    const created = await s.post('/api/extensions', {
      number: '1078',
      displayName: 'Sales desk',
      pickupGroups: ['Sales', ' sales ', 'support-2'],
    });
    expect(created.status).toBe(201);
    const ext = (created.body as { extension: Ext & Record<string, unknown> }).extension;
    expect(ext).toMatchObject({ pickupGroups: ['sales', 'support-2'], directedPickup: true });
    const set = await s.patch(`/api/extensions/${ext.id}`, { pickupGroups: [], directedPickup: false });
    expect(set.body).toMatchObject({ pickupGroups: [], directedPickup: false });
    const bad = await s.patch(`/api/extensions/${ext.id}`, { pickupGroups: ['sales', 'no spaces!'] });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({
      errors: [
        {
          field: 'pickupGroups',
          message: 'each group must be 1 to 32 letters, digits, - or _ (starting with a letter or digit)',
        },
      ],
    });
    const many = await s.patch(`/api/extensions/${ext.id}`, {
      pickupGroups: Array.from({ length: 17 }, (_, i) => `g${i}`),
      directedPickup: 'yes',
    });
    expect(many.status).toBe(400);
    expect(many.body).toMatchObject({
      errors: [
        { field: 'pickupGroups', message: 'must list at most 16 groups' },
        { field: 'directedPickup', message: 'must be true or false' },
      ],
    });
    expect((await s.get('/api/openapi.json')).text).toContain('"pickupGroups"');
    expect((await s.delete(`/api/extensions/${ext.id}`)).status).toBe(204);
  });

  it('stores the music-on-hold class when it is a class on disk (default = null); 400 with a message otherwise', async () => {
    mkdirSync(path.join(servers.dataDir, 'moh', 'support'), { recursive: true });
    writeFileSync(path.join(servers.dataDir, 'moh', 'support', 'a.wav'), '');
    const classes = await s.get('/api/music-classes');
    expect(classes.body).toEqual({
      items: [
        { name: 'default', tracks: 0 },
        { name: 'support', tracks: 1 },
      ],
    });
    const created = await s.post('/api/extensions', {
      number: '1079',
      displayName: 'Help',
      mohClass: 'support',
    });
    expect(created.status).toBe(201);
    const ext = (created.body as { extension: Ext & Record<string, unknown> }).extension;
    expect(ext.mohClass).toBe('support');
    const unknown = await s.patch(`/api/extensions/${ext.id}`, { mohClass: 'sales' });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({
      errors: [
        {
          field: 'mohClass',
          message: "no music class 'sales' (a directory of WAVs under moh/; there are: default, support)",
        },
      ],
    });
    const unsafe = await s.patch(`/api/extensions/${ext.id}`, { mohClass: '../etc' });
    expect(unsafe.body).toMatchObject({
      errors: [{ field: 'mohClass', message: 'must be a music class name: 1 to 32 letters, digits, - or _' }],
    });
    const back = await s.patch(`/api/extensions/${ext.id}`, { mohClass: 'default' });
    expect(back.body).toMatchObject({ mohClass: null });
    expect((await s.get('/api/openapi.json')).text).toContain('"mohClass"');
    expect((await s.delete(`/api/extensions/${ext.id}`)).status).toBe(204);
  });

  it('stores the digest algorithms offered per extension (empty = the global setting)', async () => {
    const md5 = await s.post('/api/extensions', {
      number: '1077',
      displayName: 'Desk phone',
      digestAlgorithms: ['MD5'],
    });
    expect(md5.status).toBe(201);
    const ext = (md5.body as { extension: Ext & { digestAlgorithms: string[] } }).extension;
    expect(ext.digestAlgorithms).toEqual(['MD5']);
    const row = await servers.prisma.extension.findUniqueOrThrow({ where: { id: ext.id } });
    expect(row.digestAlgorithms).toEqual(['MD5']);
    const both = await s.patch(`/api/extensions/${ext.id}`, { digestAlgorithms: ['MD5', 'SHA-256'] });
    expect(both.body).toMatchObject({ digestAlgorithms: ['MD5', 'SHA-256'] });
    const reset = await s.patch(`/api/extensions/${ext.id}`, { digestAlgorithms: [] });
    expect(reset.body).toMatchObject({ digestAlgorithms: [] });
    const bad = await s.patch(`/api/extensions/${ext.id}`, { digestAlgorithms: ['SHA-512'] });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({
      errors: [{ field: 'digestAlgorithms.0', message: 'must be SHA-256 or MD5' }],
    });
    const repeated = await s.patch(`/api/extensions/${ext.id}`, { digestAlgorithms: ['MD5', 'MD5'] });
    expect(repeated.body).toMatchObject({
      errors: [{ field: 'digestAlgorithms', message: 'must not repeat an algorithm' }],
    });
    expect((await s.delete(`/api/extensions/${ext.id}`)).status).toBe(204);
  });

  it('answers 409 for a number already in use', async () => {
    const res = await s.post('/api/extensions', { number: '1001', displayName: 'Duplicate' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ errors: [{ field: 'number' }] });
  });

  it('searches, edits, disables, sets a voicemail PIN and generates a new SIP password', async () => {
    const ext = await createExtension('1002', 'Bob Builder');
    const search = await s.get('/api/extensions?search=builder');
    expect((search.body as { items: Ext[] }).items.map((e) => e.number)).toEqual(['1002']);
    for (const wildcard of ['%', '_', '%builder%']) {
      const literal = await s.get(`/api/extensions?search=${encodeURIComponent(wildcard)}`);
      expect((literal.body as { items: Ext[] }).items).toEqual([]);
    }
    const edited = await s.patch(`/api/extensions/${ext.id}`, {
      displayName: 'Bob',
      enabled: false,
      voicemailPin: '4321',
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ displayName: 'Bob', enabled: false, hasVoicemailPin: true });
    const row = await servers.prisma.extension.findUniqueOrThrow({ where: { id: ext.id } });
    expect(row.voicemailPinHash).toMatch(/^\$argon2id\$/);
    const disabled = await s.get('/api/extensions?enabled=false');
    expect((disabled.body as { items: Ext[] }).items.map((e) => e.number)).toEqual(['1002']);
    const pw = await s.post(`/api/extensions/${ext.id}/sip-password`, {});
    const newPassword = (pw.body as { sipPassword: string }).sipPassword;
    expect(newPassword).not.toBe(ext.sipPassword);
    const after = await servers.prisma.extension.findUniqueOrThrow({ where: { id: ext.id } });
    expect(after.ha1Md5).toBe(createHash('md5').update(`1002:pbx.test:${newPassword}`).digest('hex'));
  });

  it('manages the voicemail box with the extension and lists registrations and voicemail', async () => {
    // A PIN alone creates the box (a PIN without a box would leave callers with 480).
    const withPin = await s.post('/api/extensions', {
      number: '1401',
      displayName: 'Pin',
      voicemailPin: '2468',
    });
    expect(withPin.body).toMatchObject({
      extension: { voicemail: { enabled: true, email: null, unheard: 0 } },
    });
    const without = await s.post('/api/extensions', { number: '1402', displayName: 'None' });
    expect(without.body).toMatchObject({ extension: { voicemail: null } });
    const asked = await s.post('/api/extensions', {
      number: '1403',
      displayName: 'Mail',
      voicemail: { enabled: true, email: 'mail@example.com' },
    });
    const id = (asked.body as { extension: Ext }).extension.id;
    expect(await servers.prisma.voicemailBox.findUnique({ where: { extensionId: id } })).toMatchObject({
      enabled: true,
      email: 'mail@example.com',
    });
    const bad = await s.patch(`/api/extensions/${id}`, { voicemail: { enabled: true, email: 'nope' } });
    expect(bad.body).toMatchObject({
      errors: [{ field: 'voicemail.email', message: 'must be an e-mail address' }],
    });
    const off = await s.patch(`/api/extensions/${id}`, { voicemail: { enabled: false, email: null } });
    expect(off.body).toMatchObject({ voicemail: { enabled: false, email: null } });
    // A PIN set later on an extension without a box creates one too.
    const noneId = (without.body as { extension: Ext }).extension.id;
    expect((await s.patch(`/api/extensions/${noneId}`, { voicemailPin: '1357' })).body).toMatchObject({
      voicemail: { enabled: true },
    });

    const aor = 'sip:1401@pbx.test';
    await servers.redis.zadd(redisKeys.registrations, Date.now() + 60_000, aor);
    await servers.redis.hset(
      redisKeys.registration(aor),
      'sip:1401@127.0.0.1:5070',
      JSON.stringify({ aor, contact: 'sip:1401@127.0.0.1:5070', expiresAt: Date.now() + 60_000 }),
    );
    const list = (await s.get('/api/extensions?search=140')).body as {
      items: { number: string; registrations: number; voicemail: { enabled: boolean } | null }[];
    };
    expect(list.items.map((e) => [e.number, e.registrations, e.voicemail?.enabled ?? null])).toEqual([
      ['1401', 1, true],
      ['1402', 0, true],
      ['1403', 0, false],
    ]);
    await servers.redis.del(redisKeys.registration(aor));
    await servers.redis.zrem(redisKeys.registrations, aor);
  });

  it('answers 404 for an unknown id and 400 for a malformed one', async () => {
    expect((await s.get('/api/extensions/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    const bad = await s.get('/api/extensions/not-a-uuid');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ errors: [{ field: 'id', message: 'must be a UUID' }] });
  });
});

describe('ring groups', () => {
  it('creates a group with ordered members, lists it, edits and deletes it', async () => {
    await createExtension('2001');
    await createExtension('2002');
    const created = await s.post('/api/ring-groups', {
      number: '600',
      name: 'Sales',
      strategy: 'hunt',
      members: [{ extension: '2002' }, { extension: '2001', ringSeconds: 10 }],
      fallbackKind: 'voicemail',
      fallbackTarget: '2001',
    });
    expect(created.status).toBe(201);
    const group = created.body as {
      id: string;
      members: { number: string; position: number; ringSeconds: number | null }[];
    };
    expect(group.members).toEqual([
      expect.objectContaining({ number: '2002', position: 0, ringSeconds: null }),
      expect.objectContaining({ number: '2001', position: 1, ringSeconds: 10 }),
    ]);
    const list = await s.get('/api/ring-groups');
    expect((list.body as { items: { number: string }[] }).items.map((g) => g.number)).toEqual(['600']);
    const edited = await s.patch(`/api/ring-groups/${group.id}`, {
      members: [{ extension: '2001' }],
      ringTimeSeconds: 45,
    });
    expect(edited.body).toMatchObject({ ringTimeSeconds: 45, members: [{ number: '2001', position: 0 }] });
    expect((await s.delete(`/api/ring-groups/${group.id}`)).status).toBe(204);
    expect(await servers.prisma.ringGroupMember.count()).toBe(0);
  });

  it('shares one number space with extensions (409 both ways)', async () => {
    const clash = await s.post('/api/ring-groups', { number: '1001', name: 'Clash' });
    expect(clash.status).toBe(409);
    expect((await s.post('/api/ring-groups', { number: '700', name: 'Support' })).status).toBe(201);
    expect((await s.post('/api/ring-groups', { number: '700', name: 'Support 2' })).status).toBe(409);
    expect((await s.post('/api/extensions', { number: '700', displayName: 'X' })).status).toBe(409);
  });

  it('names the bad member, duplicate members and a missing fallback target', async () => {
    const res = await s.post('/api/ring-groups', {
      number: '701',
      name: 'Bad',
      members: [{ extension: '2001' }, { extension: '2001' }],
      fallbackKind: 'extension',
    });
    expect(res.status).toBe(400);
    expect((res.body as { errors: unknown[] }).errors).toEqual([
      { field: 'members.1.extension', message: 'extension 2001 is listed twice' },
      { field: 'fallbackTarget', message: 'is required when fallbackKind is extension' },
    ]);
    const unknown = await s.post('/api/ring-groups', {
      number: '702',
      name: 'Unknown',
      members: [{ extension: '9999' }],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({
      errors: [{ field: 'members.0.extension', message: 'no extension 9999' }],
    });
  });
});

describe('follow-me', () => {
  it('replaces and reads the ordered steps', async () => {
    const ext = await createExtension('3001');
    const put = await s.put(`/api/extensions/${ext.id}/follow-me`, {
      enabled: true,
      steps: [
        { targets: ['3002'], ringSeconds: 15 },
        { targets: ['+4930123456', 'sip:alice@example.org'], ringSeconds: 25 },
      ],
    });
    expect(put.status).toBe(200);
    const got = await s.get(`/api/extensions/${ext.id}/follow-me`);
    expect(got.body).toEqual({
      enabled: true,
      steps: [
        { targets: ['3002'], ringSeconds: 15 },
        { targets: ['+4930123456', 'sip:alice@example.org'], ringSeconds: 25 },
      ],
      finalDestination: { kind: 'voicemail', target: null },
    });
    const rows = await servers.prisma.followMeStep.findMany({
      where: { extensionId: ext.id },
      orderBy: { position: 'asc' },
    });
    expect(rows.map((r) => r.position)).toEqual([0, 1]);
    const bad = await s.put(`/api/extensions/${ext.id}/follow-me`, {
      enabled: true,
      steps: [{ targets: ['<x>'], ringSeconds: 1 }],
    });
    expect(bad.status).toBe(400);
    expect((bad.body as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual([
      'steps.0.targets.0',
      'steps.0.ringSeconds',
    ]);
  });
});

describe('follow-me final destination', () => {
  it('defaults to the own mailbox, is validated against what exists, and audited before/after', async () => {
    const ext = await createExtension('3101');
    await createExtension('3102');
    const url = `/api/extensions/${ext.id}/follow-me`;
    expect((await s.get(url)).body).toMatchObject({ finalDestination: { kind: 'voicemail', target: null } });
    const steps = [{ targets: ['3102'], ringSeconds: 10 }];
    const bad = async (finalDestination: object) => {
      const res = await s.put(url, { enabled: true, steps, finalDestination });
      expect(res.status, JSON.stringify(finalDestination)).toBe(400);
      return (res.body as { errors: { field: string; message: string }[] }).errors;
    };
    expect(await bad({ kind: 'extension' })).toEqual([
      { field: 'finalDestination.target', message: 'is required for extension' },
    ]);
    expect(await bad({ kind: 'busy', target: '3102' })).toEqual([
      { field: 'finalDestination.target', message: 'must be empty for busy' },
    ]);
    expect(await bad({ kind: 'teleport' })).toMatchObject([{ field: 'finalDestination.kind' }]);
    expect(await bad({ kind: 'external', target: '<x>' })).toEqual([
      { field: 'finalDestination.target', message: 'must be a phone number or a sip: URI' },
    ]);
    expect(await bad({ kind: 'extension', target: '3999' })).toEqual([
      { field: 'finalDestination.target', message: 'no extension 3999' },
    ]);
    const self = await bad({ kind: 'extension', target: '3101' });
    expect(self.map((e) => e.field)).toEqual(['finalDestination.target']);
    expect(self[0]?.message).toMatch(/another extension/);
    expect(await bad({ kind: 'ring_group', target: '3998' })).toEqual([
      { field: 'finalDestination.target', message: 'no ring group 3998' },
    ]);
    expect(await bad({ kind: 'voicemail', target: '3102' })).toEqual([
      { field: 'finalDestination.target', message: 'extension 3102 has no voicemail box' },
    ]);

    const put = await s.put(url, {
      enabled: true,
      steps,
      finalDestination: { kind: 'extension', target: '3102' },
    });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({
      enabled: true,
      steps,
      finalDestination: { kind: 'extension', target: '3102' },
    });
    const row = await servers.prisma.extension.findUniqueOrThrow({ where: { id: ext.id } });
    expect(row).toMatchObject({ followMeFinalKind: 'extension', followMeFinalTarget: '3102' });
    // Left out: the stored destination stays (clients that only edit the steps).
    const stepsOnly = await s.put(url, { enabled: false, steps });
    expect(stepsOnly.body).toMatchObject({ finalDestination: { kind: 'extension', target: '3102' } });
    const busy = await s.put(url, { enabled: true, steps, finalDestination: { kind: 'busy', target: '' } });
    expect(busy.body).toMatchObject({ finalDestination: { kind: 'busy', target: null } });

    const audit = await servers.prisma.auditLog.findMany({
      where: { entity: 'follow_me', entityId: ext.id },
      orderBy: { at: 'asc' },
    });
    expect(audit.map((a) => [a.before, a.after])).toEqual([
      [
        { enabled: false, steps: [], finalDestination: { kind: 'voicemail', target: null } },
        { enabled: true, steps, finalDestination: { kind: 'extension', target: '3102' } },
      ],
      [
        { enabled: true, steps, finalDestination: { kind: 'extension', target: '3102' } },
        { enabled: false, steps, finalDestination: { kind: 'extension', target: '3102' } },
      ],
      [
        { enabled: false, steps, finalDestination: { kind: 'extension', target: '3102' } },
        { enabled: true, steps, finalDestination: { kind: 'busy', target: null } },
      ],
    ]);
  });
});

describe('voicemail', () => {
  it('creates a box, lists messages, plays, marks heard and deletes them', async () => {
    const ext = await createExtension('4001');
    const box = await s.put(`/api/voicemail/boxes/${ext.id}`, { maxMessages: 10, email: 'a@example.org' });
    expect(box.status).toBe(200);
    const boxId = (box.body as { id: string }).id;
    const wav = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(40)]);
    mkdirSync(path.join(servers.dataDir, 'voicemail'), { recursive: true });
    writeFileSync(path.join(servers.dataDir, 'voicemail', 'm1.wav'), wav);
    const msg = await servers.prisma.voicemailMessage.create({
      data: {
        boxId,
        callerNumber: '1001',
        callerName: 'Alice',
        durationSeconds: 7,
        wavPath: 'voicemail/m1.wav',
        idempotencyKey: 'job-1',
      },
    });
    const boxes = await s.get('/api/voicemail/boxes');
    const row = (
      boxes.body as { items: { number: string; box: { messages: number; unheard: number } | null }[] }
    ).items.find((b) => b.number === '4001');
    expect(row?.box).toMatchObject({ messages: 1, unheard: 1 });
    const list = await s.get(`/api/voicemail/boxes/${boxId}/messages`);
    expect(list.body).toMatchObject({
      items: [{ id: msg.id, callerName: 'Alice', heard: false, durationSeconds: 7 }],
    });
    const audio = await s.get(`/api/voicemail/messages/${msg.id}/audio`);
    expect(audio.status).toBe(200);
    expect(audio.headers.get('content-type')).toBe('audio/wav');
    expect(audio.headers.get('content-length')).toBe(String(wav.length));
    expect((await s.patch(`/api/voicemail/messages/${msg.id}`, { heard: true })).status).toBe(204);
    expect((await servers.prisma.voicemailMessage.findUniqueOrThrow({ where: { id: msg.id } })).heard).toBe(
      true,
    );
    expect((await s.delete(`/api/voicemail/messages/${msg.id}`)).status).toBe(204);
    expect(existsSync(path.join(servers.dataDir, 'voicemail', 'm1.wav'))).toBe(false);
    expect(await servers.prisma.voicemailMessage.count({ where: { boxId } })).toBe(0);
    // Marking heard and deleting each told the B2BUA's message-waiting notifier (one entry per change).
    expect(await servers.redis.lrange(redisKeys.mwiChanges('pbx.test'), 0, -1)).toEqual(['4001', '4001']);
  });

  it('never serves a file outside the data directory', async () => {
    const ext = await createExtension('4002');
    const box = await servers.prisma.voicemailBox.create({ data: { extensionId: ext.id } });
    const msg = await servers.prisma.voicemailMessage.create({
      data: {
        boxId: box.id,
        callerNumber: '1',
        durationSeconds: 1,
        wavPath: '../../../etc/passwd',
        idempotencyKey: 'job-evil',
      },
    });
    expect((await s.get(`/api/voicemail/messages/${msg.id}/audio`)).status).toBe(404);
  });
});

describe('call history', () => {
  beforeAll(async () => {
    const base = Date.parse('2026-03-01T10:00:00Z');
    await servers.prisma.callRecord.createMany({
      data: Array.from({ length: 30 }, (_, i) => ({
        id: `call-${String(i).padStart(2, '0')}`,
        callerNumber: i % 2 === 0 ? '1001' : '1002',
        callerName: i === 0 ? '=HYPERLINK("http://evil")' : null,
        calleeNumber: '600',
        startedAt: new Date(base + i * 3_600_000),
        answeredAt: i % 3 === 0 ? new Date(base + i * 3_600_000 + 5_000) : null,
        endedAt: new Date(base + i * 3_600_000 + 65_000),
        disposition: i % 3 === 0 ? ('answered' as const) : ('no_answer' as const),
        ...(i === 29
          ? { direction: 'inbound' as const, trunk: 'carrier', externalNumber: '+4930555', did: '4930100500' }
          : {}),
      })),
    });
  });

  it('shows direction, trunk, external number and DID, and filters by direction (#18)', async () => {
    const inbound = await s.get('/api/calls?direction=inbound');
    expect(inbound.body).toMatchObject({
      total: 1,
      items: [
        {
          id: 'call-29',
          direction: 'inbound',
          trunk: 'carrier',
          externalNumber: '+4930555',
          did: '4930100500',
        },
      ],
    });
    const internal = await s.get('/api/calls?direction=internal&pageSize=1');
    expect(internal.body).toMatchObject({
      total: 29,
      items: [{ direction: 'internal', trunk: null, externalNumber: null, did: null }],
    });
    const bad = await s.get('/api/calls?direction=sideways');
    expect(bad.status).toBe(400);
    expect((bad.body as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual(['direction']);
  });

  it('paginates newest first', async () => {
    const p1 = await s.get('/api/calls?pageSize=10');
    const body = p1.body as { items: { id: string; durationSeconds: number | null }[]; total: number };
    expect(body.total).toBe(30);
    expect(body.items.map((c) => c.id).slice(0, 3)).toEqual(['call-29', 'call-28', 'call-27']);
    const p3 = await s.get('/api/calls?pageSize=10&page=3');
    expect((p3.body as { items: { id: string }[] }).items.at(-1)?.id).toBe('call-00');
  });

  it('filters by number, disposition and time range', async () => {
    const res = await s.get(
      '/api/calls?number=1002&disposition=answered&from=2026-03-01T12:00:00Z&to=2026-03-01',
    );
    const items = (res.body as { items: { id: string; durationSeconds: number | null }[] }).items;
    // Odd i (1002), i % 3 === 0 (answered), hours 2..13 of March 1st: i = 3, 9.
    expect(items.map((c) => c.id)).toEqual(['call-09', 'call-03']);
    expect(items[0]?.durationSeconds).toBe(60);
    const bad = await s.get('/api/calls?disposition=maybe&page=0');
    expect(bad.status).toBe(400);
    expect((bad.body as { errors: { field: string }[] }).errors.map((e) => e.field).sort()).toEqual([
      'disposition',
      'page',
    ]);
  });

  it('takes % and _ in the number filter literally (no LIKE wildcards)', async () => {
    for (const number of ['%', '_', '100_', '\\']) {
      const res = await s.get(`/api/calls?number=${encodeURIComponent(number)}`);
      expect(res.status).toBe(200);
      expect((res.body as { total: number }).total).toBe(0);
    }
    // Plain digits still match as a substring.
    expect(((await s.get('/api/calls?number=100')).body as { total: number }).total).toBe(30);
    const csv = await s.get('/api/calls/export.csv?number=%25');
    expect(csv.text.trim().split('\r\n')).toHaveLength(1);
  });

  it('exports CSV with the same filters and defuses spreadsheet formulas', async () => {
    const res = await s.get('/api/calls/export.csv?number=1001');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const lines = res.text.trim().split('\r\n');
    expect(lines[0]).toBe(
      'id,started_at,caller_number,caller_name,callee_number,answered_by,answered_at,ended_at,duration_seconds,disposition,hangup_cause,hangup_side,direction,trunk,external_number,did',
    );
    expect(lines).toHaveLength(16);
    expect(lines.at(-1)).toContain(`"'=HYPERLINK(""http://evil"")"`);
  });
});

describe('live view from Redis', () => {
  it('lists current registrations and active calls, skipping expired and malformed entries', async () => {
    const now = Date.now();
    await servers.redis.zadd('sb:regs', now + 60_000, 'sip:1001@pbx.test', now - 1000, 'sip:gone@pbx.test');
    await servers.redis.hset('sb:reg:sip:1001@pbx.test', {
      'sip:1001@10.0.0.5:5060': JSON.stringify({
        aor: 'sip:1001@pbx.test',
        contact: 'sip:1001@10.0.0.5:5060',
        expiresAt: now + 60_000,
        userAgent: 'Yealink <b>T46</b>',
        sourceAddress: '10.0.0.5:5060',
        transport: 'udp',
      }),
      'sip:1001@10.0.0.6:5060': JSON.stringify({
        aor: 'sip:1001@pbx.test',
        contact: 'old',
        expiresAt: now - 5,
      }),
      junk: 'not json',
    });
    await servers.redis.zadd('sb:calls', now - 30_000, 'c1');
    await servers.redis.hset('sb:call:c1', {
      state: 'answered',
      from: 'sip:1001@pbx.test',
      to: 'sip:600@pbx.test',
      startedAt: String(now - 30_000),
    });
    const regs = await s.get('/api/live/registrations');
    expect(regs.body).toEqual({
      items: [
        expect.objectContaining({ contact: 'sip:1001@10.0.0.5:5060', userAgent: 'Yealink <b>T46</b>' }),
      ],
    });
    const calls = await s.get('/api/live/calls');
    expect(calls.body).toEqual({
      items: [expect.objectContaining({ id: 'c1', state: 'answered', startedAt: now - 30_000 })],
    });
  });

  it('lists parked calls by slot, skipping malformed ones and those a stopped process left behind', async () => {
    const now = Date.now();
    const parked = (slot: number, since: number) => ({
      slot,
      parked: '1001',
      parkedName: 'Alice <b>A</b>',
      parker: '1002',
      since,
      timeoutAt: since + 45_000,
      call: `call-${slot}`,
      node: 'pbx1:42',
    });
    await servers.redis.hset(redisKeys.parkedCalls, {
      '702': JSON.stringify(parked(702, now - 5000)),
      '701': JSON.stringify(parked(701, now - 1000)),
      // Its timeout was 10 minutes ago: the parked call would have left the slot long since.
      '703': JSON.stringify(parked(703, now - 655_000)),
      '704': 'not json',
      '705': JSON.stringify({ slot: 705 }),
    });
    const res = await s.get('/api/live/parked');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      items: [{ ...parked(701, now - 1000) }, { ...parked(702, now - 5000) }],
    });
    await servers.redis.del(redisKeys.parkedCalls);
    expect((await s.get('/api/live/parked')).body).toEqual({ items: [] });
  });
});

describe('plugins', () => {
  it('lists configured and announced plugins and validates config against the announced schema', async () => {
    await servers.prisma.pluginConfig.create({
      data: { pluginId: 'extensions', enabled: true, config: { ringSeconds: 30 } },
    });
    await servers.redis.hset(
      'sb:plugins',
      'extensions',
      JSON.stringify({
        id: 'extensions',
        version: '0.1.0',
        description: 'Rings the phones of an extension',
        enabled: true,
        configJsonSchema: {
          type: 'object',
          properties: { ringSeconds: { type: 'integer', minimum: 5, maximum: 300 } },
          additionalProperties: false,
        },
      }),
    );
    const list = await s.get('/api/plugins');
    expect(list.body).toMatchObject({
      items: [
        { id: 'extensions', installed: true, enabled: true, version: '0.1.0', config: { ringSeconds: 30 } },
      ],
    });
    const bad = await s.put('/api/plugins/extensions', { enabled: true, config: { ringSeconds: 1 } });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ errors: [{ field: 'config.ringSeconds' }] });
    const ok = await s.put('/api/plugins/extensions', { enabled: false, config: { ringSeconds: 20 } });
    expect(ok.status).toBe(200);
    const row = await servers.prisma.pluginConfig.findUniqueOrThrow({ where: { pluginId: 'extensions' } });
    expect(row).toMatchObject({ enabled: false, config: { ringSeconds: 20 } });
    expect((await s.put('/api/plugins/nope', { enabled: true })).status).toBe(404);
  });

  it('shows a newly announced plugin enabled, as the worker runs it, and reports when a save is live', async () => {
    await servers.redis.hset(
      'sb:plugins',
      'fresh',
      JSON.stringify({ id: 'fresh', version: '1.0.0', enabled: true }),
    );
    const list = (await s.get('/api/plugins')).body as { items: { id: string; enabled: boolean }[] };
    expect(list.items.find((p) => p.id === 'fresh')).toMatchObject({ enabled: true });

    // A live worker still on revision 0, and one whose heartbeat stopped (not counted).
    const live = fakeProcess(servers, server, 'worker', 'w-live');
    live.set(pluginStatusFields({ revision: 0, appliedAt: Date.now() }));
    await live.beat();
    const gone = fakeProcess(servers, server, 'worker', 'w-gone');
    gone.set(pluginStatusFields({ revision: 0, appliedAt: 0 }));
    await gone.beat();
    await servers.redis.zadd(processesKey(server.queuePrefix, 'worker'), 0, gone.id);
    const saved = await s.put('/api/plugins/fresh', { enabled: true, config: {} });
    const revision = (saved.body as { revision: number }).revision;
    expect(revision).toBeGreaterThan(0);
    expect((await s.get('/api/plugins/rollout')).body).toEqual({
      revision,
      workers: 1,
      applied: 0,
      live: false,
      errors: [],
    });
    live.set(pluginStatusFields({ revision, appliedAt: Date.now() }));
    await live.beat();
    expect((await s.get('/api/plugins/rollout')).body).toMatchObject({ workers: 1, applied: 1, live: true });
    await Promise.all([live.leave(), gone.leave()]);
  });
});

describe('trunks', () => {
  interface TrunkBody {
    id: string;
    name: string;
    hasPassword: boolean;
    inboundSources: string[];
    registration: { state: string; lastStatus?: number } | null;
  }

  it('creates a trunk with its password sealed, never returned nor audited, and tells the B2BUA', async () => {
    const sub = servers.redis.duplicate();
    const messages: string[] = [];
    sub.on('message', (_channel: string, message: string) => messages.push(message));
    await sub.subscribe(redisKeys.trunksChanged);
    try {
      const res = await s.post('/api/trunks', {
        name: 'carrier',
        host: 'sip.carrier.example',
        transport: 'tls',
        authUsername: '4930100',
        password: 'provider-secret-pw',
        register: true,
        inboundSources: ['192.0.2.10', '198.51.100.0/24'],
      });
      expect(res.status).toBe(201);
      const trunk = res.body as TrunkBody;
      expect(trunk).toMatchObject({
        name: 'carrier',
        hasPassword: true,
        registration: null,
        registerExpiry: 3600,
      });
      expect(JSON.stringify(res.body)).not.toContain('provider-secret-pw');
      expect(res.body).not.toHaveProperty('password');
      expect(res.body).not.toHaveProperty('passwordEncrypted');
      const row = await servers.prisma.trunk.findUniqueOrThrow({ where: { id: trunk.id } });
      expect(row.passwordEncrypted).toMatch(/^v1\./);
      expect(row.passwordEncrypted).not.toContain('provider-secret-pw');
      expect(statSync(path.join(servers.dataDir, 'secret.key')).mode & 0o777).toBe(0o600);

      await servers.redis.hset(
        redisKeys.trunkRegistrations,
        trunk.id,
        JSON.stringify({ state: 'failing', failures: 2, lastStatus: 403, lastReason: 'Forbidden' }),
      );
      const listed = (await s.get('/api/trunks')).body as { items: TrunkBody[] };
      expect(listed.items.find((t) => t.id === trunk.id)?.registration).toMatchObject({
        state: 'failing',
        lastStatus: 403,
      });

      const edited = await s.patch(`/api/trunks/${trunk.id}`, {
        password: 'new-provider-pw',
        registerExpiry: 600,
      });
      expect(edited.status).toBe(200);
      const audit = await servers.prisma.auditLog.findMany({
        where: { entity: 'trunk', entityId: trunk.id },
      });
      expect(audit.map((a) => a.action).sort()).toEqual(['create', 'update']);
      for (const a of audit) expect(JSON.stringify(a)).not.toMatch(/provider-secret-pw|new-provider-pw|v1\./);
      expect(audit.find((a) => a.action === 'update')?.after).toMatchObject({
        registerExpiry: 600,
        secretChanged: true,
      });

      expect((await s.delete(`/api/trunks/${trunk.id}`)).status).toBe(204);
      expect((await s.get(`/api/trunks/${trunk.id}`)).status).toBe(404);
      expect(messages).toEqual([trunk.id, trunk.id, trunk.id]);
    } finally {
      await sub.quit();
    }
  });

  it('refuses bad input with field errors: name taken, bad CIDR, registration without credentials', async () => {
    expect((await s.post('/api/trunks', { name: 'dup', host: 'a.example' })).status).toBe(201);
    const taken = await s.post('/api/trunks', { name: 'dup', host: 'b.example' });
    expect(taken.status).toBe(409);
    const bad = await s.post('/api/trunks', {
      name: 'bad one',
      host: 'not a host',
      port: 70000,
      inboundSources: ['10.0.0.1/24', 'example.com'],
    });
    expect(bad.status).toBe(400);
    const fields = (bad.body as { errors: { field: string; message: string }[] }).errors.map((e) => e.field);
    expect(fields).toEqual(
      expect.arrayContaining(['name', 'host', 'port', 'inboundSources.0', 'inboundSources.1']),
    );
    const noCredentials = await s.post('/api/trunks', { name: 'reg', host: 'c.example', register: true });
    expect(noCredentials.status).toBe(400);
    expect(JSON.stringify(noCredentials.body)).toMatch(/authUsername.*required when register is on/);
  });
});

describe('audit log', () => {
  it('records who changed what, without secrets', async () => {
    const res = await s.get('/api/audit-log?pageSize=200');
    const items = (res.body as { items: { actor: string; action: string; entity: string; after: unknown }[] })
      .items;
    expect(
      items.filter((a) => a.actor === 'ops' && a.entity === 'extension' && a.action === 'create').length,
    ).toBeGreaterThan(3);
    expect(items.some((a) => a.entity === 'ring_group' && a.action === 'delete')).toBe(true);
    expect(items.some((a) => a.entity === 'plugin_config')).toBe(true);
    const rows = await servers.prisma.auditLog.findMany();
    for (const r of rows) expect(JSON.stringify(r)).not.toMatch(/\$argon2id|"ha1/);
  });
});

describe('conference rooms', () => {
  interface RoomBody {
    id: string;
    number: string;
    hasPin: boolean;
    maxParticipants: number;
    announceJoin: boolean;
  }

  it('creates, lists, edits and deletes a room; the PIN is hashed, never returned nor audited', async () => {
    const res = await s.post('/api/conference-rooms', { number: '8100', name: 'Board', pin: '482913' });
    expect(res.status).toBe(201);
    const room = res.body as RoomBody;
    expect(room).toMatchObject({ number: '8100', hasPin: true, maxParticipants: 10, announceJoin: true });
    expect(JSON.stringify(res.body)).not.toContain('482913');
    const row = await servers.prisma.conferenceRoom.findUniqueOrThrow({ where: { id: room.id } });
    expect(row.pinHash).toMatch(/^\$argon2/);
    const listed = (await s.get('/api/conference-rooms')).body as { items: RoomBody[] };
    expect(listed.items.map((r) => r.number)).toContain('8100');

    const edited = await s.patch(`/api/conference-rooms/${room.id}`, {
      pin: null,
      maxParticipants: 32,
      announceJoin: false,
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ hasPin: false, maxParticipants: 32, announceJoin: false });
    const audit = await servers.prisma.auditLog.findMany({
      where: { entity: 'conference_room', entityId: room.id },
    });
    expect(audit.map((a) => a.action).sort()).toEqual(['create', 'update']);
    for (const a of audit) expect(JSON.stringify(a)).not.toMatch(/482913|argon2/);

    expect((await s.delete(`/api/conference-rooms/${room.id}`)).status).toBe(204);
    expect((await s.get(`/api/conference-rooms/${room.id}`)).status).toBe(404);
  });

  it('refuses bad input with field errors: number taken, bad PIN, more than 32 participants', async () => {
    expect((await s.post('/api/conference-rooms', { number: '8101', name: 'A' })).status).toBe(201);
    expect((await s.post('/api/conference-rooms', { number: '8101', name: 'B' })).status).toBe(409);
    const bad = await s.post('/api/conference-rooms', {
      number: 'room 1',
      name: '',
      pin: '12a',
      maxParticipants: 33,
    });
    expect(bad.status).toBe(400);
    const fields = (bad.body as { errors: { field: string }[] }).errors.map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['number', 'name', 'pin', 'maxParticipants']));
  });
});
