// The audit log names what changed (numbers and names, not UUID prefixes), shows before/after and
// filters by actor, entity type and time range; in Chromium, hostile names stay text.
import type { Browser } from 'playwright-core';
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
let alice: HttpSession;
let browser: Browser;
const password = 'audit log tests password';
const hostile = '<img src=x onerror="window.__xss=1">';

interface Entry {
  actor: string;
  action: string;
  entity: string;
  label: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

async function entries(query = ''): Promise<Entry[]> {
  const res = await alice.get(`/api/audit-log?pageSize=200${query}`);
  expect(res.status, res.text).toBe(200);
  return (res.body as { items: Entry[] }).items;
}

beforeAll(async () => {
  servers = await createTestServers(5);
  server = await startTestApp(servers, { webDistDir });
  const users = new AdminUsersService(servers.prisma, new AuditLogService(servers.prisma));
  await users.create({ id: null, name: 'test' }, 'alice', password);
  await users.create({ id: null, name: 'test' }, 'bob', password);
  alice = new HttpSession(server.baseUrl);
  expect(await alice.login('alice', password)).toBe(200);
  const bob = new HttpSession(server.baseUrl);
  expect(await bob.login('bob', password)).toBe(200);
  const ext = await alice.post('/api/extensions', { number: '1001', displayName: 'Alice Desk' });
  const id =
    (ext.body as { extension?: { id: string }; id?: string }).extension?.id ??
    (ext.body as { id: string }).id;
  expect((await alice.patch(`/api/extensions/${id}`, { displayName: 'Reception' })).status).toBe(200);
  const group = await alice.post('/api/ring-groups', { number: '600', name: 'Sales' });
  expect((await alice.delete(`/api/ring-groups/${(group.body as { id: string }).id}`)).status).toBe(204);
  expect((await bob.post('/api/extensions', { number: '1002', displayName: hostile })).status).toBe(201);
  // An old entry, for the date filter.
  await servers.prisma.auditLog.create({
    data: {
      actor: 'carol',
      action: 'create',
      entity: 'extension',
      entityId: null,
      at: new Date('2020-01-15T12:00:00Z'),
    },
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await servers?.dispose();
});

describe('audit log', () => {
  it('names entries by number and name, also after a deletion, with before/after', async () => {
    const all = await entries();
    const update = all.find((e) => e.entity === 'extension' && e.action === 'update');
    expect(update).toMatchObject({
      actor: 'alice',
      label: '1001 Reception',
      before: expect.objectContaining({ displayName: 'Alice Desk' }) as unknown,
      after: expect.objectContaining({ displayName: 'Reception' }) as unknown,
    });
    // The ring group is gone: its name comes from the entry's own snapshot.
    expect(all.find((e) => e.entity === 'ring_group' && e.action === 'delete')?.label).toBe('600 Sales');
    expect(all.find((e) => e.entity === 'admin_user' && e.action === 'login')?.label).toMatch(
      /^(alice|bob)$/,
    );
    expect(JSON.stringify(all)).not.toMatch(/passwordHash|ha1/i);
  });

  it('filters by actor, entity type and time range', async () => {
    const bobs = await entries('&actor=BO');
    expect(bobs.length).toBeGreaterThan(0);
    expect(bobs.every((e) => e.actor === 'bob')).toBe(true);
    const groups = await entries('&entity=ring_group');
    expect(groups.map((e) => e.action).sort()).toEqual(['create', 'delete']);
    const old = await entries('&from=2020-01-15T00:00:00Z&to=2020-01-16T00:00:00Z');
    expect(old.map((e) => e.actor)).toEqual(['carol']);
    expect(await entries('&from=2020-01-16T00:00:00Z&actor=carol')).toEqual([]);
    const bad = await alice.get('/api/audit-log?from=yesterday');
    expect(bad.status).toBe(400);
    expect((bad.body as { message: string }).message).toContain('from: must be an ISO 8601 date-time');
    expect((await alice.get('/api/audit-log/entities')).body).toMatchObject({
      items: expect.arrayContaining(['admin_user', 'extension', 'ring_group']) as unknown,
    });
  });

  it('shows names, changes and filters in the browser, hostile names as text', async () => {
    const page = await browser.newPage();
    page.setDefaultTimeout(10_000);
    await submitLogin(page, server.baseUrl, 'alice', password);
    await page.getByRole('heading', { name: 'Extensions', level: 1 }).waitFor();
    await page.goto(`${server.baseUrl}/#/audit`);
    await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
    const table = page.getByTestId('audit-table');
    await table.getByText('1001 Reception').first().waitFor();
    await table.getByText('Alice Desk → Reception').waitFor();
    await table.getByText(`1002 ${hostile}`).first().waitFor();
    expect(await page.evaluate('window.__xss')).toBeUndefined();
    await page.locator('input[name="auditActor"]').fill('bob');
    await expect
      .poll(async () => new Set(await table.locator('tbody tr td:nth-child(2)').allTextContents()))
      .toEqual(new Set(['bob']));
    await page.locator('input[name="auditActor"]').fill('');
    await page.locator('input[name="auditFrom"]').fill('2020-01-15');
    await page.locator('input[name="auditTo"]').fill('2020-01-15');
    await expect.poll(() => table.locator('tbody tr').count()).toBe(1);
    expect(await table.locator('tbody tr td:nth-child(2)').textContent()).toBe('carol');
    await page.close();
  });
});
