// PBX-wide settings (the time zone business hours read): API, CLI and the Settings page in headless
// Chromium.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLogService } from '../src/audit/audit-log.service.js';
import { AdminUsersService } from '../src/auth/admin-users.service.js';
import { launchChromium, submitLogin, webDistDir } from './support/browser.js';
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
let browser: Browser;
const password = 'settings test password';
const cli = cliRunner(() => servers);

beforeAll(async () => {
  servers = await createTestServers(3);
  server = await startTestApp(servers, { webDistDir });
  await new AdminUsersService(servers.prisma, new AuditLogService(servers.prisma)).create(
    { id: null, name: 'test' },
    'root',
    password,
  );
  s = new HttpSession(server.baseUrl);
  expect(await s.login('root', password)).toBe(200);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await servers?.dispose();
});

describe('PBX settings', () => {
  it('API: UTC until saved; an IANA zone is stored and audited; anything else is 400 naming the field', async () => {
    expect((await s.get('/api/settings')).body).toEqual({ timeZone: 'UTC' });
    const saved = await s.put('/api/settings', { timeZone: 'Europe/Berlin' });
    expect(saved.status).toBe(200);
    expect(saved.body).toEqual({ timeZone: 'Europe/Berlin' });
    expect(await servers.prisma.pbxSettings.findUnique({ where: { id: 1 } })).toMatchObject({
      timeZone: 'Europe/Berlin',
    });
    const audit = await servers.prisma.auditLog.findFirst({ where: { entity: 'settings' } });
    expect(audit).toMatchObject({
      action: 'update',
      before: { timeZone: 'UTC' },
      after: { timeZone: 'Europe/Berlin' },
    });
    for (const timeZone of ['Mars/Olympus', 'CET+1', '', 'x'.repeat(65)]) {
      const bad = await s.put('/api/settings', { timeZone });
      expect(bad.status, timeZone).toBe(400);
      expect(JSON.stringify(bad.body)).toContain('timeZone');
    }
    expect((await s.put('/api/settings', { timeZone: 'UTC', extra: 1 })).status).toBe(400);
    expect((await s.get('/api/settings')).body).toEqual({ timeZone: 'Europe/Berlin' });
  });

  it('CLI: settings show / set --time-zone, with the same validation', async () => {
    expect(await cli('settings', 'set', '--time-zone', 'America/New_York')).toMatchObject({
      code: 0,
      out: 'time zone: America/New_York\n',
    });
    const shown = await cli('settings', 'show', '--json');
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.out)).toEqual({ timeZone: 'America/New_York' });
    const bad = await cli('settings', 'set', '--time-zone', 'Nowhere/Land');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('timeZone: must be an IANA time zone');
    expect((await cli('settings', 'set')).err).toContain('nothing to change');
  });

  it('Settings page: shows the zone and its local time, saves a new one, shows a refusal at the field', async () => {
    const page = await browser.newPage();
    page.setDefaultTimeout(10_000);
    await submitLogin(page, server.baseUrl, 'root', password);
    await page.getByRole('heading', { name: 'Extensions', level: 1 }).waitFor();
    await page.goto(`${server.baseUrl}/#/settings`);
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    const zone = page.locator('input[name="timeZone"]');
    await expect.poll(() => zone.inputValue()).toBe('America/New_York');
    await zone.fill('Asia/Tokyo');
    await expect.poll(() => page.getByTestId('zone-now').textContent()).toContain('Now there:');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    expect((await s.get('/api/settings')).body).toEqual({ timeZone: 'Asia/Tokyo' });

    await zone.fill('<b>Nowhere</b>');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('must be an IANA time zone').waitFor();
    expect(await page.locator('b', { hasText: 'Nowhere' }).count()).toBe(0); // text, never markup
    expect((await s.get('/api/settings')).body).toEqual({ timeZone: 'Asia/Tokyo' });
    await page.close();
  });
});
