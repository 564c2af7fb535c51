import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLogService } from '../src/audit/audit-log.service.js';
import { AdminUsersService } from '../src/auth/admin-users.service.js';
import { launchChromium, webDistDir } from './support/browser.js';
import { HttpSession } from './support/http-session.js';
import {
  createTestServers,
  startTestApp,
  type RunningTestApp,
  type TestServers,
} from './support/test-environment.js';

/**
 * Call recordings in the admin (issue #24): the call's detail carries its recording, the WAV is
 * served only to a logged-in admin, the page plays it in an <audio> element, and the extension and
 * ring-group switches are saved.
 */
const password = 'call recording test password';
const recordedId = 'rec-call-1';
const plainId = 'plain-call-1';
const SECONDS = 2;

let servers: TestServers;
let server: RunningTestApp;
let http: HttpSession;
let browser: Browser | undefined;

/** A stereo 16-bit PCM WAV of `seconds` (a 440 Hz tone left, silence right), as the worker writes. */
function stereoWav(seconds: number): Buffer {
  const frames = 8000 * seconds;
  const b = Buffer.alloc(44 + frames * 4);
  b.write('RIFF', 0);
  b.writeUInt32LE(36 + frames * 4, 4);
  b.write('WAVEfmt ', 8);
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(2, 22);
  b.writeUInt32LE(8000, 24);
  b.writeUInt32LE(32000, 28);
  b.writeUInt16LE(4, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36);
  b.writeUInt32LE(frames * 4, 40);
  for (let i = 0; i < frames; i++)
    b.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 8000)), 44 + 4 * i);
  return b;
}

beforeAll(async () => {
  servers = await createTestServers(3);
  server = await startTestApp(servers, { webDistDir });
  await new AdminUsersService(servers.prisma, new AuditLogService(servers.prisma)).create(
    { id: null, name: 'test' },
    'ops',
    password,
  );
  const call = (id: string) => ({
    id,
    callerNumber: '100',
    calleeNumber: '201',
    answeredBy: '201',
    startedAt: new Date(),
    endedAt: new Date(),
    disposition: 'answered' as const,
  });
  await servers.prisma.callRecord.create({ data: call(recordedId) });
  await servers.prisma.callRecord.create({ data: call(plainId) });
  const wav = stereoWav(SECONDS);
  const relative = path.join('recordings', '2030-01-01', `${recordedId}.wav`);
  mkdirSync(path.join(servers.dataDir, 'recordings', '2030-01-01'), { recursive: true });
  writeFileSync(path.join(servers.dataDir, relative), wav);
  await servers.prisma.callRecording.create({
    data: {
      callId: recordedId,
      path: relative,
      sizeBytes: wav.length,
      durationMs: SECONDS * 1000,
      reasons: ['extension:201'],
      announced: true,
      startedAt: new Date(),
    },
  });
  http = new HttpSession(server.baseUrl);
  expect(await http.login('ops', password)).toBe(200);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await servers?.dispose();
});

describe('call recordings API', () => {
  it("a recorded call's detail names its recording; the WAV is served as audio/wav", async () => {
    const detail = await http.get(`/api/calls/${recordedId}`);
    expect(detail.status).toBe(200);
    expect((detail.body as { recording: unknown }).recording).toMatchObject({
      durationMs: 2000,
      reasons: ['extension:201'],
      announced: true,
    });
    const res = await http.get(`/api/calls/${recordedId}/recording.wav`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('audio/wav');
    expect(Number(res.headers.get('content-length'))).toBe(44 + 8000 * SECONDS * 4);
  });

  it('needs a logged-in admin, and answers 404 for a call without recording or an unknown one', async () => {
    const anonymous = await fetch(`${server.baseUrl}/api/calls/${recordedId}/recording.wav`);
    expect(anonymous.status).toBe(401);
    expect(((await http.get(`/api/calls/${plainId}`)).body as { recording: unknown }).recording).toBeNull();
    for (const id of [plainId, 'nope']) {
      const res = await http.get(`/api/calls/${id}/recording.wav`);
      expect(res.status, id).toBe(404);
      expect(res.body).toMatchObject({ statusCode: 404 });
    }
  });

  it('a recording row pointing outside the data directory is never served', async () => {
    await servers.prisma.callRecording.create({
      data: { callId: plainId, path: '../../etc/passwd', sizeBytes: 1, durationMs: 1, startedAt: new Date() },
    });
    try {
      expect((await http.get(`/api/calls/${plainId}/recording.wav`)).status).toBe(404);
    } finally {
      await servers.prisma.callRecording.delete({ where: { callId: plainId } });
    }
  });

  it('extensions and ring groups keep their Record calls switch', async () => {
    const ext = await http.post('/api/extensions', { number: '7301', displayName: 'Rec', recordCalls: true });
    expect(ext.status).toBe(201);
    const id = (ext.body as { extension: { id: string; recordCalls: boolean } }).extension.id;
    expect((ext.body as { extension: { recordCalls: boolean } }).extension.recordCalls).toBe(true);
    const off = await http.patch(`/api/extensions/${id}`, { recordCalls: false });
    expect((off.body as { recordCalls: boolean }).recordCalls).toBe(false);
    const group = await http.post('/api/ring-groups', { number: '7600', name: 'Sales', recordCalls: true });
    expect(group.status).toBe(201);
    expect((group.body as { recordCalls: boolean }).recordCalls).toBe(true);
    const bad = await http.patch(`/api/extensions/${id}`, { recordCalls: 'yes' });
    expect(bad.status).toBe(400);
  });
});

describe('the recording on the call-detail page (headless Chromium)', () => {
  it('plays from the authenticated endpoint in an <audio> element', async () => {
    browser = await launchChromium();
    const page = await browser.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(server.baseUrl);
    await page.locator('input[name="username"]').fill('ops');
    await page.locator('input[name="password"]').fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Extensions', level: 1 }).waitFor();
    await page.goto(`${server.baseUrl}/#/calls/${recordedId}`);
    const audio = page.getByTestId('recording-audio');
    await audio.waitFor();
    // The browser fetches and decodes the WAV with the session cookie: its length is the file's.
    const duration = await audio.evaluate(
      (el: { load(): void; duration: number; addEventListener(t: string, f: () => void): void }) =>
        new Promise<number>((resolve) => {
          el.addEventListener('loadedmetadata', () => resolve(el.duration));
          el.load();
        }),
    );
    expect(duration).toBeCloseTo(SECONDS, 1);
    expect(await page.getByTestId('call-recording').textContent()).toContain('extension:201');
  });
});
