import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { processKey, processesKey, redisKeys } from '@switchboard/live-state';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLogService } from '../src/audit/audit-log.service.js';
import { AdminUsersService } from '../src/auth/admin-users.service.js';
import { launchChromium, screenshotDir, webDistDir } from './support/browser.js';
import { standInPluginWorker } from './support/live-stand-ins.js';
import {
  createTestServers,
  fakeProcess,
  startTestApp,
  type RunningTestApp,
  type TestServers,
} from './support/test-environment.js';

let servers: TestServers;
let server: RunningTestApp;
let browser: Browser;
let page: Page;
let oneTimePassword = '';
const hostileName = 'Alice <script>window.__xss=1</script>';
const newPassword = 'browser test password 1';

/** One second of 8 kHz 16-bit mono silence as a WAV file. */
function silentWav(): Buffer {
  const samples = 8000;
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + samples * 2, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(8000, 24);
  header.writeUInt32LE(16000, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(samples * 2, 40);
  return Buffer.concat([header, Buffer.alloc(samples * 2)]);
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
}

async function openPage(route: string, heading: string): Promise<void> {
  await page.goto(`${server.baseUrl}/#/${route}`);
  await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
}

beforeAll(async () => {
  servers = await createTestServers(13);
  server = await startTestApp(servers, { webDistDir });
  const created = await new AdminUsersService(servers.prisma, new AuditLogService(servers.prisma)).create(
    { id: null, name: 'test' },
    'admin',
  );
  oneTimePassword = created.oneTimePassword ?? '';
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(15_000);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await servers?.dispose();
});

describe('admin UI in headless Chromium', () => {
  it('logs in with the one-time password and must choose a new one', async () => {
    await page.goto(server.baseUrl);
    await page.locator('input[name="username"]').fill('admin');
    await page.locator('input[name="password"]').fill('wrong password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Invalid username or password');
    await shot('login');
    await page.locator('input[name="password"]').fill(oneTimePassword);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Change password' }).waitFor();
    await page.getByLabel('Current password').fill(oneTimePassword);
    await page.getByLabel(/^New password/).fill(newPassword);
    await page.getByLabel('Repeat new password').fill(newPassword);
    await shot('change-password');
    await page.getByRole('button', { name: 'Save password' }).click();
    await page.getByRole('heading', { name: 'Extensions', level: 1 }).waitFor();
    await expect.poll(() => page.getByTestId('empty-state').textContent()).toContain('No extensions yet');
    await shot('extensions-empty');
  });

  it('creates an extension and reveals its SIP password once', async () => {
    await page.getByRole('button', { name: 'New extension' }).click();
    await page.locator('input[name="number"]').fill('1001');
    await page.locator('input[name="displayName"]').fill(hostileName);
    await page.getByRole('button', { name: 'Create' }).click();
    const secret = page.getByTestId('revealed-secret');
    await secret.waitFor();
    const sipPassword = (await secret.textContent())?.trim() ?? '';
    expect(sipPassword).toMatch(/^[A-Za-z0-9]{20}$/);
    await shot('extension-password-revealed');
    const row = await servers.prisma.extension.findUniqueOrThrow({ where: { number: '1001' } });
    expect(row.ha1Sha256).toBe(createHash('sha256').update(`1001:pbx.test:${sipPassword}`).digest('hex'));
    await page.getByRole('button', { name: 'Done' }).click();
    const table = page.getByTestId('extensions-table');
    await expect.poll(() => table.textContent()).toContain(hostileName);
    // The display name is text, not markup: no script ran.
    expect(await page.evaluate('window.__xss')).toBeUndefined();
  });

  it('sets the digest algorithms offered to an MD5-only phone in the edit form', async () => {
    await page.getByRole('button', { name: 'Actions for 1001' }).click();
    await page.getByRole('menuitem', { name: 'Edit' }).click();
    await page.getByRole('dialog').getByLabel('Digest algorithms offered').click();
    await page.getByRole('option', { name: /^MD5 only/ }).click();
    await page.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(
        async () =>
          (await servers.prisma.extension.findUniqueOrThrow({ where: { number: '1001' } })).digestAlgorithms,
      )
      .toEqual(['MD5']);
  });

  it('sets the media mode and SRTP policy in the edit form, with the relay note for required SRTP', async () => {
    await page.getByRole('button', { name: 'Actions for 1001' }).click();
    await page.getByRole('menuitem', { name: 'Edit' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Media mode').click();
    await page.getByRole('option', { name: /^Direct/ }).click();
    await dialog.getByLabel('SRTP (SDES)').click();
    await page.getByRole('option', { name: /^Required/ }).click();
    await expect.poll(() => dialog.textContent()).toContain('SRTP needs the media relay');
    await shot('extension-media');
    await page.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect
      .poll(async () => {
        const row = await servers.prisma.extension.findUniqueOrThrow({ where: { number: '1001' } });
        return [row.mediaMode, row.srtpPolicy];
      })
      .toEqual(['direct', 'required']);
    await servers.prisma.extension.update({
      where: { number: '1001' },
      data: { mediaMode: 'inherit', srtpPolicy: 'optional' },
    });
  });

  it('picks the music-on-hold class from the directories on disk; a class gone from disk is refused at the field', async () => {
    const salesDir = path.join(servers.dataDir, 'moh', 'sales');
    mkdirSync(salesDir, { recursive: true });
    writeFileSync(path.join(salesDir, 'tune.wav'), silentWav());
    const dialog = page.getByRole('dialog');
    const stored = async () =>
      (await servers.prisma.extension.findUniqueOrThrow({ where: { number: '1001' } })).mohClass;
    await page.getByRole('button', { name: 'Actions for 1001' }).click();
    await page.getByRole('menuitem', { name: 'Edit' }).click();
    await dialog.getByLabel('Music on hold').click();
    await page.getByRole('option', { name: 'sales (1 file(s))' }).click();
    await shot('extension-music-on-hold');
    await page.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(stored).toBe('sales');

    rmSync(salesDir, { recursive: true });
    await page.getByRole('button', { name: 'Actions for 1001' }).click();
    await page.getByRole('menuitem', { name: 'Edit' }).click();
    await expect
      .poll(() => dialog.getByLabel('Music on hold').inputValue())
      .toBe('sales (missing from the data directory)');
    await page.getByRole('button', { name: 'Save' }).click();
    await dialog.getByText("no music class 'sales'").first().waitFor();
    await dialog.getByLabel('Music on hold').click();
    await page.getByRole('option', { name: 'default (shipped tune)' }).click();
    await page.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(stored).toBeNull();
  });

  it('manages the voicemail box in the extension form; the list shows online and voicemail columns', async () => {
    const table = page.getByTestId('extensions-table');
    await expect.poll(() => table.getByTestId('voicemail-status').first().textContent()).toBe('on');
    await expect.poll(() => table.getByTestId('registration-status').first().textContent()).toBe('offline');
    await page.getByRole('button', { name: 'Actions for 1001' }).click();
    await page.getByRole('menuitem', { name: 'Edit' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.locator('input[name="voicemailPin"]').fill('4321');
    await dialog.locator('input[name="voicemailEmail"]').fill('alice@example.com');
    // Call pickup: a bad group name gets the API's message under the field, then a good list saves.
    await dialog.locator('input[name="pickupGroups"]').fill('Sales, no spaces!');
    await page.getByRole('button', { name: 'Save' }).click();
    await dialog.getByText('each group must be 1 to 32 letters, digits, - or _').first().waitFor();
    await dialog.locator('input[name="pickupGroups"]').fill('Sales, support');
    await dialog.getByRole('switch', { name: 'Directed pickup from any extension' }).click();
    await page.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const ext = await servers.prisma.extension.findUniqueOrThrow({
      where: { number: '1001' },
      include: { voicemailBox: true },
    });
    expect(ext.voicemailPinHash).toMatch(/^\$argon2id\$/);
    expect(ext.voicemailBox).toMatchObject({ enabled: true, email: 'alice@example.com' });
    expect(ext).toMatchObject({ pickupGroups: ['sales', 'support'], directedPickup: false });

    const aor = 'sip:1001@pbx.test';
    await servers.redis.zadd(redisKeys.registrations, Date.now() + 60_000, aor);
    await servers.redis.hset(
      redisKeys.registration(aor),
      'sip:1001@127.0.0.1:5070',
      JSON.stringify({ aor, contact: 'sip:1001@127.0.0.1:5070', expiresAt: Date.now() + 60_000 }),
    );
    await page.reload();
    await expect.poll(() => table.getByTestId('registration-status').first().textContent()).toBe('online');
    await shot('extensions-online');

    await page.getByRole('button', { name: 'Actions for 1001' }).click();
    await page.getByRole('menuitem', { name: 'Edit' }).click();
    // The form shows the stored box (on) before the user turns it off, as a person would see it.
    const boxSwitch = dialog.getByRole('switch', { name: 'Voicemail box' });
    await expect.poll(() => boxSwitch.isChecked()).toBe(true);
    await boxSwitch.click();
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => table.getByTestId('voicemail-status').first().textContent()).toBe('off');
    expect(
      (await servers.prisma.voicemailBox.findUniqueOrThrow({ where: { extensionId: ext.id } })).enabled,
    ).toBe(false);
    await servers.redis.del(redisKeys.registration(aor));
    await servers.redis.zrem(redisKeys.registrations, aor);
  });

  it('shows the server field message when the number is taken (409)', async () => {
    await page.getByRole('button', { name: 'New extension' }).click();
    await page.locator('input[name="number"]').fill('1001');
    await page.locator('input[name="displayName"]').fill('Duplicate');
    await page.getByRole('button', { name: 'Create' }).click();
    await expect
      .poll(() => page.getByRole('dialog').textContent())
      .toContain('number 1001 is already in use');
    await shot('extension-conflict');
    await page.getByRole('button', { name: 'Cancel' }).click();
  });

  it('creates a ring group containing the extension and lists both', async () => {
    await openPage('ring-groups', 'Ring groups');
    await page.getByRole('button', { name: 'New ring group' }).click();
    await page.locator('input[name="number"]').fill('600');
    await page.locator('input[name="name"]').fill('Sales');
    await page.getByPlaceholder('Pick extensions').click();
    await page.getByRole('option', { name: /1001/ }).click();
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Create' }).click();
    const table = page.getByTestId('ring-groups-table');
    await expect.poll(() => table.textContent()).toContain('Sales');
    expect(await table.textContent()).toContain('1001');
    await shot('ring-groups');
    const group = await servers.prisma.ringGroup.findUniqueOrThrow({
      where: { number: '600' },
      include: { members: { include: { extension: true } } },
    });
    expect(group.members.map((m) => m.extension.number)).toEqual(['1001']);
    await openPage('extensions', 'Extensions');
    await expect.poll(() => page.getByTestId('extensions-table').textContent()).toContain('1001');
    await shot('extensions');
  });

  it('manages a trunk: lists its registration status, edits it with a field error, deletes it; never shows the password', async () => {
    const trunkPassword = 'provider-secret-7f3a';
    await openPage('trunks', 'Trunks');
    await expect.poll(() => page.getByTestId('empty-state').textContent()).toContain('No trunks yet');
    await page.getByRole('button', { name: 'New trunk' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.locator('input[name="name"]').fill('carrier');
    await dialog.locator('input[name="host"]').fill('sip.carrier.test');
    await dialog.locator('input[name="authUsername"]').fill('acct100');
    await dialog.locator('input[name="password"]').fill(trunkPassword);
    await dialog.getByRole('switch', { name: 'Register with the provider' }).click();
    await dialog.locator('textarea[name="inboundSources"]').fill('192.0.2.0/24\n198.51.100.7');
    await page.getByRole('button', { name: 'Create' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const trunk = await servers.prisma.trunk.findUniqueOrThrow({ where: { name: 'carrier' } });
    expect(trunk).toMatchObject({ host: 'sip.carrier.test', register: true, authUsername: 'acct100' });
    expect(trunk.inboundSources).toEqual(['192.0.2.0/24', '198.51.100.7']);

    // The status as the signalling process reports it (its real side: the b2bua trunk registration tests).
    const status = page.getByTestId('trunk-registration');
    await expect.poll(() => status.textContent()).toBe('not reported yet');
    const now = Date.now();
    await servers.redis.hset(
      redisKeys.trunkRegistrations,
      trunk.id,
      JSON.stringify({ state: 'registered', failures: 0, lastStatus: 200, registeredUntil: now + 3_600_000 }),
    );
    await page.reload();
    await expect.poll(() => status.textContent()).toBe('registered');
    const table = page.getByTestId('trunks-table');
    expect(await table.textContent()).toMatch(/carrier.*sip\.carrier\.test.*UDP.*yes.*registered/);
    await servers.redis.hset(
      redisKeys.trunkRegistrations,
      trunk.id,
      JSON.stringify({
        state: 'failing',
        failures: 2,
        lastStatus: 403,
        lastReason: 'Forbidden',
        lastResponseAt: now,
      }),
    );
    await page.reload();
    await expect.poll(() => status.textContent()).toBe('failing');
    expect(await page.getByTestId('trunk-registration-detail').textContent()).toContain('403 Forbidden');
    await shot('trunks');

    await page.getByRole('button', { name: 'Edit carrier' }).click();
    expect(await dialog.textContent()).toContain('set — leave empty to keep it');
    expect(await dialog.locator('input[name="password"]').inputValue()).toBe('');
    await dialog.locator('input[name="port"]').fill('5080');
    await dialog.locator('textarea[name="inboundSources"]').fill('192.0.2.0/24\n10.1.2.3/8');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => dialog.textContent()).toMatch(/line 2: .*host bits/);
    await shot('trunk-field-error');
    await dialog.locator('textarea[name="inboundSources"]').fill('192.0.2.0/24\n10.0.0.0/8');
    await page.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const edited = await servers.prisma.trunk.findUniqueOrThrow({ where: { id: trunk.id } });
    expect(edited).toMatchObject({ port: 5080, inboundSources: ['192.0.2.0/24', '10.0.0.0/8'] });
    // The empty password input kept the stored password.
    expect(edited.passwordEncrypted).toBe(trunk.passwordEncrypted);
    await expect.poll(() => table.textContent()).toContain('sip.carrier.test:5080');
    expect(await page.content()).not.toContain(trunkPassword);

    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Delete carrier' }).click();
    await expect.poll(() => page.getByTestId('empty-state').textContent()).toContain('No trunks yet');
    expect(await servers.prisma.trunk.count()).toBe(0);
    await servers.redis.hdel(redisKeys.trunkRegistrations, trunk.id);
  });

  it('manages a conference room: creates it with a PIN, shows a field error, edits and deletes it; never shows the PIN', async () => {
    await openPage('conference-rooms', 'Conference rooms');
    await expect
      .poll(() => page.getByTestId('empty-state').textContent())
      .toContain('No conference rooms yet');
    await page.getByRole('button', { name: 'New room' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.locator('input[name="number"]').fill('8300');
    await dialog.locator('input[name="name"]').fill('<b>Board</b>');
    await dialog.locator('input[name="pin"]').fill('736251');
    await page.getByRole('button', { name: 'Create' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const room = await servers.prisma.conferenceRoom.findUniqueOrThrow({ where: { number: '8300' } });
    expect(room.pinHash).toMatch(/^\$argon2/);
    const table = page.getByTestId('conference-rooms-table');
    await expect.poll(() => table.textContent()).toMatch(/8300<b>Board<\/b>yes10yesyes/); // escaped, not markup

    await page.getByRole('button', { name: 'Edit 8300' }).click();
    expect(await dialog.textContent()).toContain('set — leave empty to keep it');
    await dialog.locator('input[name="number"]').fill('83 00');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => dialog.textContent()).toContain('must be 1-32 characters of 0-9');
    await dialog.locator('input[name="number"]').fill('8300');
    await dialog.locator('input[name="maxParticipants"]').fill('20');
    await page.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const edited = await servers.prisma.conferenceRoom.findUniqueOrThrow({ where: { id: room.id } });
    expect(edited).toMatchObject({ maxParticipants: 20, pinHash: room.pinHash });
    expect(await page.content()).not.toContain('736251');

    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Delete 8300' }).click();
    await expect
      .poll(() => page.getByTestId('empty-state').textContent())
      .toContain('No conference rooms yet');
  });

  it('manages an IVR menu: key rows, a refusal shown at the row, direct dial, escaped names, delete', async () => {
    await openPage('menus', 'Menus');
    await expect.poll(() => page.getByTestId('empty-state').textContent()).toContain('No menus yet');
    await page.getByRole('button', { name: 'New menu' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.locator('input[name="number"]').fill('8400');
    await dialog.locator('input[name="name"]').fill('<b>Front</b>');
    await dialog.getByRole('button', { name: 'Add key' }).click();
    const target = dialog.locator('input[name="options.0.destination.target"]');
    await target.fill('six');
    await page.getByRole('button', { name: 'Create' }).click();
    await expect.poll(() => dialog.textContent()).toContain('must be 1-32 characters of 0-9');
    await target.fill('600');
    await page.getByRole('button', { name: 'Create' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const menu = await servers.prisma.ivrMenu.findUniqueOrThrow({ where: { number: '8400' } });
    expect(menu.options).toEqual([{ digit: '1', destination: { kind: 'extension', target: '600' } }]);
    const table = page.getByTestId('ivr-menus-table');
    await expect.poll(() => table.textContent()).toContain('<b>Front</b>1 → extension 600'); // text, not markup
    expect(await page.locator('b', { hasText: 'Front' }).count()).toBe(0);

    await page.getByRole('button', { name: 'Edit 8400' }).click();
    // Mantine's switch input is visually hidden behind its track: click the input itself.
    await dialog
      .getByRole('switch', { name: 'Callers may dial an extension directly' })
      .dispatchEvent('click');
    await dialog.locator('input[name="interDigitTimeoutMs"]').fill('3000');
    await page.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const edited = await servers.prisma.ivrMenu.findUniqueOrThrow({ where: { id: menu.id } });
    expect(edited).toMatchObject({ directDial: true, interDigitTimeoutMs: 3000, options: menu.options });

    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Delete 8400' }).click();
    await expect.poll(() => page.getByTestId('empty-state').textContent()).toContain('No menus yet');
  });

  it('uploads, plays, replaces and removes a menu greeting; a refused file shows the reason as text', async () => {
    const menu = await servers.prisma.ivrMenu.create({ data: { number: '8410', name: 'Greeted' } });
    await openPage('menus', 'Menus');
    await page.reload(); // the previous test left the page on Menus: fetch the list with the new row
    await page.getByRole('button', { name: 'Edit 8410' }).click();
    const dialog = page.getByRole('dialog');
    const greeting = dialog.getByTestId('menu-greeting');
    await expect.poll(() => greeting.textContent()).toContain('Built-in tones');
    const fileInput = greeting.locator('input[type="file"]');
    await fileInput.setInputFiles({
      name: 'song.wav',
      mimeType: 'audio/wav',
      buffer: Buffer.from('<img src=x onerror="window.__xss=1"> not a wav'),
    });
    await greeting.getByRole('button', { name: 'Upload greeting' }).click();
    await expect
      .poll(() => greeting.getByTestId('menu-greeting-error').textContent())
      .toBe('file: not a RIFF file');
    expect(
      (await servers.prisma.ivrMenu.findUniqueOrThrow({ where: { id: menu.id } })).greetingPath,
    ).toBeNull();

    await fileInput.setInputFiles({ name: 'hello.wav', mimeType: 'audio/wav', buffer: silentWav() });
    await greeting.getByRole('button', { name: 'Upload greeting' }).click();
    await greeting.getByTestId('menu-greeting-audio').waitFor();
    expect(await greeting.getByTestId('menu-greeting-error').count()).toBe(0);
    const stored = await servers.prisma.ivrMenu.findUniqueOrThrow({ where: { id: menu.id } });
    expect(stored.greetingPath).toMatch(/^ivr\/.+\.wav$/);
    // The player's source and the download link serve the stored WAV with the session cookie.
    const src = (await greeting.getByTestId('menu-greeting-audio').getAttribute('src')) ?? '';
    expect(await greeting.getByRole('link', { name: 'Download' }).getAttribute('href')).toBe(src);
    const served = await page.evaluate(async (url) => {
      const res = await fetch(url);
      return {
        status: res.status,
        type: res.headers.get('content-type'),
        bytes: (await res.arrayBuffer()).byteLength,
      };
    }, src);
    expect(served).toEqual({ status: 200, type: 'audio/wav', bytes: silentWav().length });
    await shot('menu-greeting');

    await greeting.getByRole('button', { name: 'Remove greeting' }).click();
    await expect.poll(() => greeting.textContent()).toContain('Built-in tones');
    expect(
      (await servers.prisma.ivrMenu.findUniqueOrThrow({ where: { id: menu.id } })).greetingPath,
    ).toBeNull();
    await fileInput.setInputFiles({ name: 'again.wav', mimeType: 'audio/wav', buffer: silentWav() });
    await greeting.getByRole('button', { name: 'Upload greeting' }).click();
    await greeting.getByTestId('menu-greeting-audio').waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    // The list reloaded meanwhile: the menu shows its greeting as uploaded.
    await expect.poll(() => page.getByTestId('ivr-menus-table').textContent()).toContain('Greeted—uploaded');
    expect(await page.evaluate('window.__xss')).toBeUndefined();
  });

  it('refuses a CSRF-less request made with the logged-in browser session', async () => {
    const statuses = await page.evaluate(async () => {
      const body = JSON.stringify({ number: '1999', displayName: 'Forged' });
      const forged = await fetch('/api/extensions', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body,
      });
      const read = await fetch('/api/extensions');
      return { forged: forged.status, read: read.status };
    });
    expect(statuses).toEqual({ forged: 403, read: 200 });
    expect(await servers.prisma.extension.count({ where: { number: '1999' } })).toBe(0);
  });

  it('shows live registrations and calls from Redis with SIP strings escaped', async () => {
    const now = Date.now();
    await servers.redis.zadd('sb:regs', now + 120_000, 'sip:1001@pbx.test');
    await servers.redis.hset('sb:reg:sip:1001@pbx.test', {
      'sip:1001@192.0.2.10:5062': JSON.stringify({
        aor: 'sip:1001@pbx.test',
        contact: 'sip:1001@192.0.2.10:5062',
        expiresAt: now + 120_000,
        displayName: '<script>window.__xss=2</script>Mallory',
        userAgent: '<img src=x onerror="window.__xss=3">',
        sourceAddress: '192.0.2.10:5062',
        transport: 'udp',
      }),
    });
    await servers.redis.zadd('sb:calls', now - 5000, 'call-1');
    await servers.redis.hset('sb:call:call-1', {
      state: 'answered',
      from: 'sip:1001@pbx.test',
      fromDisplayName: '<b>Boss</b>',
      to: 'sip:600@pbx.test',
      startedAt: String(now - 5000),
    });
    await openPage('live', 'Live');
    const regs = page.getByTestId('registrations-table');
    await expect.poll(() => regs.textContent()).toContain('<script>window.__xss=2</script>Mallory');
    expect(await regs.textContent()).toContain('<img src=x onerror="window.__xss=3">');
    expect(await page.getByTestId('live-calls-table').textContent()).toContain(
      '<b>Boss</b> <sip:1001@pbx.test>',
    );
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(await page.evaluate('window.__xss')).toBeUndefined();
    await shot('live');
  });

  it("shows each extension's busy lamp from the B2BUA's dialog states (RFC 4235), escaped", async () => {
    const now = Date.now();
    const dialog = {
      id: 'call-9-2',
      state: 'early',
      direction: 'recipient',
      remote: 'sip:1002@pbx.test',
      remoteName: '<img src=y onerror="window.__xss=4">',
      startedAt: now - 2000,
    };
    await servers.redis.hset(redisKeys.extensionDialogs('1001'), dialog.id, JSON.stringify(dialog));
    await openPage('live', 'Live');
    const lamp = page.getByTestId('lamp-1001');
    // The page may still show the previous load: the next 3 s refresh reads the lamp.
    await expect.poll(() => lamp.textContent(), { timeout: 10_000 }).toContain('ringing');
    expect(await lamp.textContent()).toContain(
      'from <img src=y onerror="window.__xss=4"> <sip:1002@pbx.test>',
    );
    expect(await lamp.textContent()).toContain(hostileName);
    // Answered: the lamp turns busy on the next refresh; gone: idle.
    await servers.redis.hset(
      redisKeys.extensionDialogs('1001'),
      dialog.id,
      JSON.stringify({ ...dialog, state: 'confirmed' }),
    );
    await expect.poll(() => lamp.textContent(), { timeout: 10_000 }).toContain('busy');
    await servers.redis.del(redisKeys.extensionDialogs('1001'));
    await expect.poll(() => lamp.textContent(), { timeout: 10_000 }).toContain('idle');
    expect(await page.locator('img[src="y"]').count()).toBe(0);
    expect(await page.evaluate('window.__xss')).toBeUndefined();
  });

  it('shows the parked calls (slot, parked caller, parker, waiting time), escaped', async () => {
    const now = Date.now();
    await servers.redis.hset(
      redisKeys.parkedCalls,
      '701',
      JSON.stringify({
        slot: 701,
        parked: 'sip:+4930123@carrier.test',
        parkedName: '<img src=z onerror="window.__xss=5">',
        parker: '1001',
        since: now - 65_000,
        timeoutAt: now + 30_000,
        call: 'call-park-1',
      }),
    );
    await openPage('live', 'Live');
    const row = page.getByTestId('parked-701');
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toContain('701');
    expect(await row.textContent()).toContain(
      '<img src=z onerror="window.__xss=5"> (sip:+4930123@carrier.test)',
    );
    expect(await row.textContent()).toContain('1001');
    expect(await row.textContent()).toMatch(/1m \d+s/);
    // Retrieved: the row leaves on the next refresh.
    await servers.redis.del(redisKeys.parkedCalls);
    await expect.poll(() => page.getByText('No parked calls').count(), { timeout: 10_000 }).toBe(1);
    expect(await page.locator('img[src="z"]').count()).toBe(0);
    expect(await page.evaluate('window.__xss')).toBeUndefined();
  });

  it('edits a newly installed plugin (Enabled on) through its JSON Schema form and says when the change is live', async () => {
    // Announced by a worker, never saved: the worker runs it enabled, so the switch must say so.
    await servers.redis.hset(
      'sb:plugins',
      'extensions',
      JSON.stringify({
        id: 'extensions',
        version: '0.1.0',
        description: 'Rings the registered phones of the called extension',
        enabled: true,
        configJsonSchema: {
          type: 'object',
          properties: {
            ringSeconds: { type: 'integer', minimum: 5, maximum: 300 },
            onNoAnswer: { type: 'string', enum: ['voicemail', 'reject'] },
          },
        },
      }),
    );
    // Stands in for one routing worker (its real side: apps/b2bua/test/routing-plugins.test.ts):
    // it reports the revision it runs, and applies a new one when told on the change channel.
    const worker = fakeProcess(servers, server, 'worker', 'e2e-worker');
    const channel = await standInPluginWorker(servers.redis, worker);
    try {
      await openPage('plugins', 'Plugins');
      await expect.poll(() => page.getByTestId('plugin-workers').textContent()).toContain('1 routing worker');
      expect(await page.getByRole('switch', { name: 'Enabled' }).isChecked()).toBe(true);
      const ring = page.getByLabel('ringSeconds');
      await ring.fill('1');
      await page.getByRole('button', { name: 'Save' }).click();
      await expect.poll(() => page.getByTestId('plugin-card').textContent()).toMatch(/>=5/);
      await ring.fill('25');
      await page.getByRole('button', { name: 'Save' }).click();
      await expect
        .poll(() => page.getByTestId('plugin-card').textContent())
        .toContain('Saved. Live on the routing worker (no restart needed).');
      const row = await servers.prisma.pluginConfig.findUniqueOrThrow({ where: { pluginId: 'extensions' } });
      expect(row).toMatchObject({ enabled: true, config: { ringSeconds: 25 } });
      await shot('plugins');
    } finally {
      channel.disconnect();
      await worker.leave();
    }
  });

  it('lists the signalling and worker processes with their heartbeats on the Status page', async () => {
    // Heartbeats written as the b2bua writes them (the real processes: health-processes.test.ts).
    const signalling = fakeProcess(servers, server, 'signalling', 'sig-1');
    const worker = fakeProcess(servers, server, 'worker', 'worker-1');
    const silent = fakeProcess(servers, server, 'worker', 'worker-2');
    await Promise.all([signalling.beat(), worker.beat(), silent.beat()]);
    // worker-2 last beat a minute minus 10 s ago: down, still listed.
    const oldBeat = Date.now() - 50_000;
    await servers.redis.zadd(processesKey(server.queuePrefix, 'worker'), oldBeat, silent.id);
    await servers.redis.hset(processKey(server.queuePrefix, silent.id), 'lastBeat', oldBeat);
    const beating = setInterval(() => void Promise.all([signalling.beat(), worker.beat()]), 1000);
    try {
      await openPage('status', 'Status');
      const processes = page.getByTestId('processes-table');
      await expect.poll(() => processes.locator('tbody tr').count()).toBe(3);
      const rows = await processes.locator('tbody tr').allTextContents();
      expect(rows.find((r) => r.includes('sig-1.test'))).toMatch(/^signalling.*4242.*0\.1\.0.*up$/);
      expect(rows.find((r) => r.includes('worker-1.test'))).toMatch(/^worker.*up$/);
      expect(rows.find((r) => r.includes('worker-2.test'))).toMatch(/^worker.*5\ds ago.*down$/);
      const health = await page.getByTestId('health-table').textContent();
      expect(health).toContain('SIP signallingup1 of 1 alive');
      expect(health).toContain('Routing workersup1 of 2 alive');
      await shot('status');
    } finally {
      clearInterval(beating);
      await Promise.all([signalling.leave(), worker.leave(), silent.leave()]);
    }
  });

  it('plays voicemail in the browser and marks it heard', async () => {
    const ext = await servers.prisma.extension.findUniqueOrThrow({ where: { number: '1001' } });
    // Created with the extension by the form (voicemail on by default).
    const box = await servers.prisma.voicemailBox.findUniqueOrThrow({ where: { extensionId: ext.id } });
    mkdirSync(path.join(servers.dataDir, 'vm'), { recursive: true });
    writeFileSync(path.join(servers.dataDir, 'vm', 'a.wav'), silentWav());
    const msg = await servers.prisma.voicemailMessage.create({
      data: {
        boxId: box.id,
        callerNumber: '1002',
        callerName: '<i>Bob</i>',
        durationSeconds: 1,
        wavPath: 'vm/a.wav',
        idempotencyKey: 'e2e-1',
      },
    });
    await openPage('voicemail', 'Voicemail');
    await page.getByRole('button', { name: 'Messages' }).click();
    const item = page.getByTestId('voicemail-message');
    await expect.poll(() => item.textContent()).toContain('<i>Bob</i> <1002>');
    const duration = await page.locator('audio').evaluate(
      (el) =>
        new Promise<number>((resolve, reject) => {
          const audio = el as unknown as {
            duration: number;
            load(): void;
            onloadedmetadata: () => void;
            onerror: () => void;
          };
          audio.onloadedmetadata = () => resolve(audio.duration);
          audio.onerror = () => reject(new Error('audio failed to load'));
          audio.load();
        }),
    );
    expect(duration).toBeCloseTo(1, 1);
    await shot('voicemail-messages');
    // A change that fails (the message was deleted meanwhile) shows why; the next one that works clears it.
    const gone = await servers.prisma.voicemailMessage.create({
      data: {
        boxId: box.id,
        callerNumber: '1003',
        durationSeconds: 1,
        wavPath: 'vm/a.wav',
        idempotencyKey: 'e2e-2',
      },
    });
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    await page.getByRole('button', { name: 'Messages' }).click();
    await expect.poll(() => item.count()).toBe(2);
    await servers.prisma.voicemailMessage.delete({ where: { id: gone.id } });
    const dialog = page.getByRole('dialog');
    await item.filter({ hasText: '1003' }).getByRole('button', { name: 'Mark heard' }).click();
    await expect.poll(() => dialog.getByRole('alert').count()).toBe(1);
    await item.filter({ hasText: '1002' }).getByRole('button', { name: 'Mark heard' }).click();
    await expect
      .poll(
        async () =>
          (await servers.prisma.voicemailMessage.findUniqueOrThrow({ where: { id: msg.id } })).heard,
      )
      .toBe(true);
    await expect.poll(() => dialog.getByRole('alert').count()).toBe(0);
    await page.keyboard.press('Escape');
  });

  it('creates an API token shown once, which works as a Bearer token until revoked', async () => {
    await openPage('tokens', 'API tokens');
    await page.locator('input[name="tokenName"]').fill('backup script');
    await page.getByRole('button', { name: 'Create token' }).click();
    const secret = page.getByTestId('revealed-secret');
    await secret.waitFor();
    const token = (await secret.textContent())?.trim() ?? '';
    expect(token).toMatch(/^sbt_/);
    await page.getByRole('button', { name: 'Done' }).click();
    const table = page.getByTestId('tokens-table');
    await expect.poll(() => table.textContent()).toContain('backup script');
    expect(await table.textContent()).not.toContain(token);
    const read = (t: string) =>
      fetch(`${server.baseUrl}/api/extensions`, { headers: { authorization: `Bearer ${t}` } });
    expect((await read(token)).status).toBe(200);
    await shot('api-tokens');
    page.once('dialog', (d) => void d.accept());
    await table.getByRole('button', { name: 'Revoke' }).click();
    await expect.poll(() => table.textContent()).toContain('revoked');
    expect((await read(token)).status).toBe(401);
  });

  it('renders every other main page (screenshots saved)', async () => {
    await servers.prisma.callRecord.create({
      data: {
        id: 'cdr-1',
        callerNumber: '1001',
        callerName: 'Alice',
        calleeNumber: '600',
        startedAt: new Date(),
        disposition: 'answered',
      },
    });
    for (const [route, heading] of [
      ['follow-me', 'Follow-me'],
      ['voicemail', 'Voicemail'],
      ['calls', 'Call history'],
      ['audit', 'Audit log'],
    ] as const) {
      await openPage(route, heading);
      await page.waitForLoadState('networkidle');
      await shot(route);
    }
    await expect.poll(() => page.getByTestId('audit-table').textContent()).toContain('create');
    await page.goto(`${server.baseUrl}/api/docs`);
    await page.locator('.swagger-ui .info').waitFor();
    await shot('api-docs');
  });

  it('fits a phone screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await openPage('extensions', 'Extensions');
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await shot('extensions-phone');
  });
});
