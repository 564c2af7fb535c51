// Headless Chromium: follow-me errors numbered as the page numbers steps, the final destination after
// the last step (shown and set), ring-group strategies in words, a visible cue that tables scroll at phone width, and
// exactly one <h1> on every page.
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLogService } from '../src/audit/audit-log.service.js';
import { AdminUsersService } from '../src/auth/admin-users.service.js';
import { launchChromium, submitLogin, webDistDir } from './support/browser.js';
import { HttpSession } from './support/http-session.js';
import {
  createTestServers,
  startTestApp,
  type RunningTestApp,
  type TestServers,
} from './support/test-environment.js';

let servers: TestServers;
let server: RunningTestApp;
let browser: Browser;
let page: Page;
let extensionId = '';
const password = 'ui polish tests password';

beforeAll(async () => {
  servers = await createTestServers(4);
  server = await startTestApp(servers, { webDistDir });
  await new AdminUsersService(servers.prisma, new AuditLogService(servers.prisma)).create(
    { id: null, name: 'test' },
    'root',
    password,
  );
  const api = new HttpSession(server.baseUrl);
  expect(await api.login('root', password)).toBe(200);
  const ext = await api.post('/api/extensions', { number: '1001', displayName: 'Desk' });
  expect(ext.status).toBe(201);
  extensionId = (await servers.prisma.extension.findUniqueOrThrow({ where: { number: '1001' } })).id;
  const group = await api.post('/api/ring-groups', { number: '600', name: 'Sales', strategy: 'memoryhunt' });
  expect(group.status).toBe(201);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(10_000);
  await submitLogin(page, server.baseUrl, 'root', password);
  await page.getByRole('heading', { name: 'Extensions', level: 1 }).waitFor();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await servers?.dispose();
});

describe('UI details (headless Chromium)', () => {
  it('numbers follow-me steps in errors as the page does and shows the destination after the last step', async () => {
    await page.goto(`${server.baseUrl}/#/follow-me?ext=${extensionId}`);
    await page.getByRole('heading', { name: 'Follow-me', level: 1 }).waitFor();
    await expect.poll(() => page.getByTestId('follow-me-final').textContent()).toContain('Then:');
    for (const [n, target] of [
      [1, '1002'],
      [2, 'not a target!'],
    ] as const) {
      await page.getByRole('button', { name: 'Add step' }).click();
      const input = page.getByLabel(`Step ${n} targets`, { exact: true }).filter({ visible: true });
      await input.fill(target);
      await input.press('Enter');
    }
    await page.getByRole('button', { name: 'Save follow-me' }).click();
    await expect
      .poll(() => page.getByRole('alert').first().textContent())
      .toBe('Step 2, target 1: must be a phone number or a sip: URI');
    expect(await page.getByTestId('follow-me-final').textContent()).toMatch(
      /^After step 2: nobody: the caller hears "temporarily unavailable"/,
    );
  });

  it('sets the final destination after the last step: a missing target is named, a ring group is saved', async () => {
    await page.goto(`${server.baseUrl}/#/follow-me?ext=${extensionId}`);
    await page.reload();
    const final = page.getByTestId('follow-me-final');
    const finalKind = page.getByLabel('Final destination', { exact: true }).filter({ visible: true });
    await expect.poll(() => final.textContent()).toContain('Then:');
    await page.getByRole('button', { name: 'Add step' }).click();
    const input = page.getByLabel('Step 1 targets', { exact: true }).filter({ visible: true });
    await input.fill('+4930123456');
    await input.press('Enter');
    await finalKind.click();
    await page.getByRole('option', { name: 'Another extension' }).click();
    await page.getByLabel('Destination target').fill('1009');
    await expect
      .poll(() => final.textContent())
      .toBe('After step 1: extension 1009 (its own follow-me and voicemail apply)');
    await page.getByRole('button', { name: 'Save follow-me' }).click();
    await expect
      .poll(() => page.getByRole('alert').first().textContent())
      .toBe('Final destination: no extension 1009');

    await finalKind.click();
    await page.getByRole('option', { name: 'Ring group' }).click();
    await page.getByLabel('Destination target').fill('600');
    await page.getByRole('button', { name: 'Save follow-me' }).click();
    await page.getByText('Saved.').waitFor();
    expect(await final.textContent()).toBe('After step 1: ring group 600');
    const row = await servers.prisma.extension.findUniqueOrThrow({ where: { id: extensionId } });
    expect(row).toMatchObject({ followMeFinalKind: 'ring_group', followMeFinalTarget: '600' });

    await finalKind.click();
    await page.getByRole('option', { name: 'Busy (486)' }).click();
    expect(await page.getByLabel('Destination target').isDisabled()).toBe(true);
    expect(await final.textContent()).toBe('After step 1: the caller hears busy (486)');
  });

  it('names ring-group strategies in words', async () => {
    await page.goto(`${server.baseUrl}/#/ring-groups`);
    const row = page.getByTestId('ring-groups-table').getByRole('row').filter({ hasText: 'Sales' });
    await expect.poll(() => row.textContent()).toContain('Memory hunt');
    expect(await row.textContent()).not.toContain('memoryhunt');
  });

  it('shows that tables scroll at phone width, and one <h1> on every page', async () => {
    await page.setViewportSize({ width: 390, height: 800 });
    await page.goto(`${server.baseUrl}/#/extensions`);
    await page.getByTestId('extensions-table').waitFor();
    await expect
      .poll(() => page.getByTestId('scroll-hint').textContent())
      .toBe('More columns: scroll sideways →');
    await page.setViewportSize({ width: 1280, height: 800 });
    await expect.poll(() => page.getByTestId('scroll-hint').count()).toBe(0);
    const routes = [
      'extensions',
      'ring-groups',
      'follow-me',
      'voicemail',
      'calls',
      'live',
      'plugins',
      'audit',
    ];
    for (const route of [...routes, 'tokens', 'users', 'password', `calls/${randomUUID()}`, 'no-such-page']) {
      await page.goto(`${server.baseUrl}/#/${route}`);
      await page.locator('h1').first().waitFor();
      expect(await page.locator('h1').count(), route).toBe(1);
    }
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    expect(await page.locator('h1').count(), 'login').toBe(1);
  });
});
