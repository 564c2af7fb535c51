// The Admin users page and the read-only role in headless Chromium: an admin creates, disables,
// enables and resets a user; a read-only user sees the pages without any control that changes
// something; a failed logout says so and keeps the session.
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLogService } from '../src/audit/audit-log.service.js';
import { AdminUsersService } from '../src/auth/admin-users.service.js';
import { launchChromium, submitLogin, webDistDir } from './support/browser.js';
import { addLiveCall } from './support/live-stand-ins.js';
import {
  createTestServers,
  startTestApp,
  type RunningTestApp,
  type TestServers,
} from './support/test-environment.js';

let servers: TestServers;
let server: RunningTestApp;
let browser: Browser;
const password = 'users browser test password';
let viewerPassword = '';

const logIn = (page: Page, username: string, pw: string) => submitLogin(page, server.baseUrl, username, pw);

async function open(page: Page, route: string, heading: string): Promise<void> {
  await page.goto(`${server.baseUrl}/#/${route}`);
  await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
}

async function userAction(page: Page, username: string, action: string): Promise<void> {
  await page.getByRole('button', { name: `Actions for ${username}` }).click();
  await page.getByRole('menuitem', { name: action }).click();
}

const rowOf = (page: Page, username: string) =>
  page.getByTestId('admin-users-table').getByRole('row').filter({ hasText: username });

beforeAll(async () => {
  servers = await createTestServers(6);
  server = await startTestApp(servers, { webDistDir });
  await new AdminUsersService(servers.prisma, new AuditLogService(servers.prisma)).create(
    { id: null, name: 'test' },
    'root',
    password,
  );
  const id = randomUUID();
  await addLiveCall(servers.redis, id);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await servers?.dispose();
});

describe('Admin users page (headless Chromium)', () => {
  it('creates a read-only user, disables, enables and resets it; refuses to demote yourself', async () => {
    const page = await browser.newPage();
    page.setDefaultTimeout(10_000);
    await logIn(page, 'root', password);
    await page.getByRole('heading', { name: 'Extensions', level: 1 }).waitFor();
    await open(page, 'users', 'Admin users');
    await page.locator('input[name="newUsername"]').fill('viewer');
    await page.getByRole('button', { name: 'Create user' }).click();
    const secret = page.getByTestId('revealed-secret');
    await secret.waitFor();
    const first = (await secret.textContent())?.trim() ?? '';
    expect(first).toMatch(/^[A-Za-z0-9]{16}$/);
    await page.getByRole('button', { name: 'Done' }).click();
    await expect.poll(() => rowOf(page, 'viewer').textContent()).toContain('Read-only');

    await userAction(page, 'viewer', 'Disable');
    await expect.poll(() => rowOf(page, 'viewer').textContent()).toContain('disabled');
    await userAction(page, 'viewer', 'Enable');
    await expect.poll(() => rowOf(page, 'viewer').textContent()).toContain('enabled');
    page.once('dialog', (d) => void d.accept());
    await userAction(page, 'viewer', 'Reset password');
    await secret.waitFor();
    viewerPassword = (await secret.textContent())?.trim() ?? '';
    expect(viewerPassword).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(viewerPassword).not.toBe(first);
    await page.getByRole('button', { name: 'Done' }).click();

    await userAction(page, 'root', 'Make read-only');
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('your own account');
    await expect.poll(() => rowOf(page, 'root').textContent()).toContain('Admin');
    await page.close();
  });

  it('shows a read-only user every page without the controls that change things', async () => {
    const page = await browser.newPage();
    page.setDefaultTimeout(10_000);
    await logIn(page, 'viewer', viewerPassword);
    await page.getByRole('heading', { name: 'Change password' }).waitFor();
    await page.getByLabel('Current password').fill(viewerPassword);
    await page.getByLabel(/^New password/).fill(`${password} viewer`);
    await page.getByLabel('Repeat new password').fill(`${password} viewer`);
    await page.getByRole('button', { name: 'Save password' }).click();
    await page.getByRole('heading', { name: 'Extensions', level: 1 }).waitFor();
    await page.getByText('read-only', { exact: true }).waitFor();
    expect(await page.getByRole('button', { name: 'New extension' }).count()).toBe(0);
    await open(page, 'ring-groups', 'Ring groups');
    expect(await page.getByRole('button', { name: 'New ring group' }).count()).toBe(0);
    await servers.prisma.trunk.create({ data: { name: 'viewer-carrier', host: 'sip.carrier.test' } });
    await open(page, 'trunks', 'Trunks');
    await page.getByTestId('trunks-table').getByText('viewer-carrier').waitFor();
    expect(await page.getByRole('button', { name: /^(New trunk|Edit|Delete)/ }).count()).toBe(0);
    await open(page, 'live', 'Live');
    await page.getByTestId('live-calls-table').getByText('bridged').waitFor();
    expect(await page.getByRole('button', { name: /^Hang up/ }).count()).toBe(0);
    await open(page, 'users', 'Admin users');
    await rowOf(page, 'root').waitFor();
    expect(await page.getByRole('button', { name: 'Create user' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Actions for/ }).count()).toBe(0);
    await open(page, 'tokens', 'API tokens');
    expect(await page.getByRole('button', { name: 'Create token' }).count()).toBe(0);
    await page.close();
  });

  it('says when logging out fails and stays logged in; logs out once it works', async () => {
    const page = await browser.newPage();
    page.setDefaultTimeout(10_000);
    await logIn(page, 'root', password);
    await page.getByRole('heading', { name: 'Extensions', level: 1 }).waitFor();
    await page.route('**/api/auth/logout', (route) =>
      route.fulfill({
        status: 503,
        contentType: 'application/json',
        body: '{"message":"database unavailable"}',
      }),
    );
    await page.getByRole('button', { name: 'Log out' }).click();
    await expect
      .poll(() => page.getByRole('alert').first().textContent())
      .toBe('Could not log out: database unavailable');
    await page.getByRole('heading', { name: 'Extensions', level: 1 }).waitFor();
    await page.unroute('**/api/auth/logout');
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    await page.close();
  });
});
