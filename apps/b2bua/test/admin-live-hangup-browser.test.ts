import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AdminUsersService, AuditLogService, createAdminApp, defaultAdminOptions } from '@switchboard/admin';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callSuite, expectPassed } from './support/call-runner.js';
import { runSipp } from './support/sipp.js';

/**
 * The Live page end to end: a phone REGISTERs (its From names it), a sipp call is bridged through
 * the real signalling role, and an admin hangs it up from the Live page in headless Chromium. The
 * request travels over Redis pub/sub to the signalling process, which sends BYE to both sipp sides
 * (their scenarios wait for that BYE and answer 200), and the call record names the admin.
 */
const suite = callSuite();
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const webDistDir = fileURLToPath(new URL('../../admin/dist/web', import.meta.url));
const password = 'live page test password';
let admin: Awaited<ReturnType<typeof createAdminApp>>;
let baseUrl = '';
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(chromiumPath))
    throw new Error(`Chromium not found at ${chromiumPath}: apt-get install -y chromium`);
  const h = suite.h;
  admin = await createAdminApp({
    prisma: h.prisma,
    redis: h.redis,
    options: { ...defaultAdminOptions, sipRealm: h.domain, dataDir: h.config.dataDir, webDistDir },
  });
  await admin.listen(0, '127.0.0.1');
  const address = admin.getHttpServer().address();
  if (typeof address !== 'object' || address === null) throw new Error('admin app has no address');
  baseUrl = `http://127.0.0.1:${address.port}`;
  await new AdminUsersService(h.prisma, new AuditLogService(h.prisma)).create(
    { id: null, name: 'test' },
    'alice',
    password,
  );
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run'],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await admin?.close();
});

describe('Live page (sipp + headless Chromium)', () => {
  it("shows a registration's display name and hangs up a bridged call with BYE on both legs", async () => {
    const h = suite.h;
    const registered = await runSipp('register-auth.xml', { host: '127.0.0.1', port: h.port }, [
      ...['-s', '100', '-au', '100', '-ap', 'pw-100', '-key', 'domain', h.domain, '-key', 'expires', '300'],
    ]);
    expect(registered.code, registered.output + registered.errors).toBe(0);

    // Both scenarios end only on a BYE from the PBX: nobody hangs up unless the admin does.
    const call = suite.run.call('201', 'call-uac-callee-hangup.xml', ['call-uas-answer.xml']);
    const page = await browser.newPage();
    page.setDefaultTimeout(10_000);
    try {
      await page.goto(baseUrl);
      await page.locator('input[name="username"]').fill('alice');
      await page.locator('input[name="password"]').fill(password);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByRole('heading', { name: 'Extensions', level: 1 }).waitFor();
      await page.goto(`${baseUrl}/#/live`);
      await page.getByRole('heading', { name: 'Live', level: 1 }).waitFor();
      await page.getByTestId('registrations-table').getByText('Desk 100', { exact: true }).waitFor();
      const row = page.getByTestId('live-calls-table').getByRole('row').filter({ hasText: 'bridged' });
      await row.waitFor();
      page.once('dialog', (dialog) => void dialog.accept());
      await row.getByRole('button', { name: /^Hang up the call/ }).click();
      await expect.poll(() => page.getByTestId('hangup-result').textContent()).toMatch(/^Hung up /);
      await page.getByText('No active calls').waitFor();
    } finally {
      await page.close();
    }

    const r = await call;
    expectPassed(r.caller);
    r.callees.forEach(expectPassed);
    expect(r.caller.messages).toMatch(/^BYE sip:/m);
    expect(r.callees[0]?.messages).toMatch(/^BYE sip:/m);
    expect(await suite.run.onlyRecord()).toMatchObject({
      disposition: 'answered',
      hangupSide: 'system',
      hangupCause: 'hung up by admin alice',
    });
    const audit = await h.prisma.auditLog.findFirst({ where: { action: 'hangup' } });
    expect(audit).toMatchObject({ actor: 'alice', entity: 'call' });
    await suite.run.expectNoLiveCalls();
  });
});
