import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/switchboard-cli.js';
import { verifyPassword } from '../src/auth/password-hasher.js';
import { cliRunner } from './support/cli-runner.js';
import { createTestServers, type TestServers } from './support/test-environment.js';

let servers: TestServers;

const cli = cliRunner(() => servers);

beforeAll(async () => {
  servers = await createTestServers(14);
});

afterAll(async () => {
  await servers?.dispose();
});

describe('switchboard CLI', () => {
  it('bootstraps the first admin once, with a one-time password', async () => {
    const first = await cli('admin', 'bootstrap');
    expect(first.code).toBe(0);
    const otp = /one-time password: (\S+)/.exec(first.out)?.[1] ?? '';
    expect(otp).toMatch(/^[A-Za-z0-9]{16}$/);
    const admin = await servers.prisma.adminUser.findUniqueOrThrow({ where: { username: 'admin' } });
    expect(admin.mustChangePassword).toBe(true);
    expect(await verifyPassword(admin.passwordHash, otp)).toBe(true);
    const second = await cli('admin', 'bootstrap');
    expect(second.code).toBe(0);
    expect(second.out).toContain('an admin user exists already');
    expect(second.out).toContain('switchboard admin reset-password');
    expect(await servers.prisma.adminUser.count()).toBe(1);
  });

  it('creates admins and resets passwords', async () => {
    const created = await cli('admin', 'create', 'operator');
    expect(created.code).toBe(0);
    expect(created.out).toMatch(/one-time password: \S{16}/);
    expect((await cli('admin', 'create', 'operator')).err).toContain('already exists');
    const reset = await cli('admin', 'reset-password', 'operator');
    const otp = /: (\S+)\n$/.exec(reset.out)?.[1] ?? '';
    const row = await servers.prisma.adminUser.findUniqueOrThrow({ where: { username: 'operator' } });
    expect(await verifyPassword(row.passwordHash, otp)).toBe(true);
    const missing = await cli('admin', 'reset-password', 'ghost');
    expect(missing).toMatchObject({ code: 1, err: 'switchboard: admin user "ghost" not found\n' });
  });

  it('gives roles, disables and enables users, and keeps the last enabled admin', async () => {
    const viewer = await cli('admin', 'create', 'viewer', '--role', 'read-only');
    expect(viewer.out).toContain('created read-only user "viewer"');
    expect((await cli('admin', 'create', 'x1', '--role', 'boss')).err).toContain(
      'must be admin or read_only',
    );
    // "admin" (bootstrap) and "operator" are admins: one may go, the other then stays.
    expect((await cli('admin', 'disable', 'operator')).out).toBe('"operator" disabled\n');
    const last = await cli('admin', 'set-role', 'admin', 'read-only');
    expect(last.code).toBe(1);
    expect(last.err).toContain('"admin" is the last enabled admin');
    expect((await cli('admin', 'disable', 'admin')).err).toContain('last enabled admin');
    expect((await cli('admin', 'set-role', 'viewer', 'admin')).out).toBe('"viewer" is now admin\n');
    expect((await cli('admin', 'set-role', 'admin', 'read-only')).out).toBe('"admin" is now read-only\n');
    expect((await cli('admin', 'enable', 'operator')).code).toBe(0);
    const listed = await cli('admin', 'list');
    expect(listed.out).toContain('admin (read-only, must change password)\n');
    expect(listed.out).toContain('operator (admin, must change password)\n');
    expect(listed.out).toContain('viewer (admin, must change password)\n');
    const audit = await servers.prisma.auditLog.findFirstOrThrow({
      where: { entity: 'admin_user', action: 'update', actor: 'cli' },
      orderBy: { at: 'asc' },
    });
    expect(audit).toMatchObject({
      before: { username: 'operator', role: 'admin', disabled: false },
      after: { username: 'operator', role: 'admin', disabled: true },
    });
  });

  it('adds, lists, re-keys and removes extensions', async () => {
    const add = await cli('extension', 'add', '1001', 'Alice');
    expect(add.code).toBe(0);
    const password = /SIP password \(shown once\): (\S+)/.exec(add.out)?.[1] ?? '';
    const row = await servers.prisma.extension.findUniqueOrThrow({ where: { number: '1001' } });
    expect(row.ha1Md5).toBe(createHash('md5').update(`1001:pbx.cli:${password}`).digest('hex'));
    expect(
      (await cli('extension', 'add', '1002', 'Bob', '--password', 'bob-secret-password', '--max-calls', '4'))
        .code,
    ).toBe(0);
    const dup = await cli('extension', 'add', '1001', 'Again');
    expect(dup).toMatchObject({
      code: 1,
      err: 'switchboard: number 1001 is already in use by an extension\n',
    });
    const bad = await cli('extension', 'add', 'x1', '');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('number: must be 2 to 12 digits');
    expect(bad.err).toContain('displayName: is required');
    const list = await cli('extension', 'list');
    expect(list.out.split('\n')[0]).toMatch(
      /^NUMBER\s+NAME\s+ENABLED\s+MAX CALLS\s+SIP PASSWORD\s+DIGEST\s+MEDIA\s+SRTP\s+DIAL CLASS$/,
    );
    expect(list.out).toMatch(/1002\s+Bob\s+yes\s+4\s+set\s+default\s+inherit\s+optional/);
    // Per-extension media mode and SRTP policy.
    expect((await cli('extension', 'edit', '1002', '--media', 'relay', '--srtp', 'required')).out).toContain(
      'media relay; srtp required',
    );
    expect(await servers.prisma.extension.findUniqueOrThrow({ where: { number: '1002' } })).toMatchObject({
      mediaMode: 'relay',
      srtpPolicy: 'required',
    });
    const badMedia = await cli('extension', 'edit', '1002', '--media', 'proxy');
    expect(badMedia.code).toBe(1);
    expect(badMedia.err).toContain('mediaMode: must be inherit, relay, direct or auto');
    await cli('extension', 'edit', '1002', '--media', 'inherit', '--srtp', 'optional');
    // Per-extension digest algorithms (an MD5-only phone such as baresip 1.0).
    expect((await cli('extension', 'set-digest', '1002', 'md5')).out).toBe(
      'digest algorithms of 1002: MD5\n',
    );
    expect((await cli('extension', 'list')).out).toMatch(/1002\s+Bob\s+yes\s+4\s+set\s+MD5/);
    expect((await cli('extension', 'set-digest', '1002', 'SHA-512')).err).toContain('must be SHA-256 or MD5');
    expect((await cli('extension', 'set-digest', '1002', 'default')).out).toBe(
      'digest algorithms of 1002: the global setting\n',
    );
    expect(
      (await cli('extension', 'add', '1005', 'Dee', '--digest', 'MD5,SHA-256', '--srtp', 'off')).code,
    ).toBe(0);
    const dee = await servers.prisma.extension.findUniqueOrThrow({ where: { number: '1005' } });
    expect(dee.digestAlgorithms).toEqual(['MD5', 'SHA_256']);
    expect(dee.srtpPolicy).toBe('off');
    await cli('extension', 'remove', '1005');
    const json = JSON.parse((await cli('extension', 'list', '--json')).out) as { number: string }[];
    expect(json.map((e) => e.number)).toEqual(['1001', '1002']);
    const set = await cli('extension', 'set-password', '1002');
    const newPassword = /shown once\): (\S+)/.exec(set.out)?.[1] ?? '';
    const bob = await servers.prisma.extension.findUniqueOrThrow({ where: { number: '1002' } });
    expect(bob.ha1Sha256).toBe(createHash('sha256').update(`1002:pbx.cli:${newPassword}`).digest('hex'));
    expect((await cli('extension', 'remove', '1002')).out).toBe('removed extension 1002\n');
    expect((await cli('extension', 'remove', '1002')).err).toBe('switchboard: no extension 1002\n');
  });

  it('adds and lists ring groups', async () => {
    await cli('extension', 'add', '1003', 'Carol');
    const add = await cli(
      'ring-group',
      'add',
      '600',
      'Sales',
      '--members',
      '1003,1001',
      '--strategy',
      'hunt',
    );
    expect(add.out).toBe('created ring group 600 (Sales) with 2 member(s)\n');
    const list = await cli('ring-group', 'list');
    expect(list.out).toMatch(/600\s+Sales\s+yes\s+hunt\s+30s\s+1003,1001/);
    const bad = await cli('ring-group', 'add', '601', 'Bad', '--members', '9999');
    expect(bad).toMatchObject({ code: 1 });
    expect(bad.err).toContain('no extension 9999');
  });

  it('shows registrations and calls from Redis, with control characters neutralised', async () => {
    expect((await cli('show', 'registrations')).out).toBe('no registrations\n');
    expect((await cli('show', 'calls')).out).toBe('no active calls\n');
    const now = Date.now();
    await servers.redis.zadd('sb:regs', now + 60_000, 'sip:1001@pbx.cli');
    await servers.redis.hset('sb:reg:sip:1001@pbx.cli', {
      c: JSON.stringify({
        aor: 'sip:1001@pbx.cli',
        contact: 'sip:1001@10.1.1.1',
        expiresAt: now + 60_000,
        userAgent: 'Evil\u001b[2JPhone',
        sourceAddress: '10.1.1.1:5060',
      }),
    });
    await servers.redis.zadd('sb:calls', now, 'x');
    await servers.redis.hset('sb:call:x', {
      state: 'ringing',
      from: 'sip:1001@pbx.cli',
      to: 'sip:600@pbx.cli',
      startedAt: String(now),
    });
    const regs = await cli('show', 'registrations');
    expect(regs.out).toContain('Evil\\x1b[2JPhone');
    expect(regs.out).not.toContain('\u001b');
    expect((await cli('show', 'calls')).out).toMatch(/sip:1001@pbx.cli\s+sip:600@pbx.cli\s+ringing/);
  });

  it('explains a missing configuration', async () => {
    let err = '';
    const code = await runCli(['extension', 'list'], {
      out: () => undefined,
      err: (t) => (err += t),
      env: {},
    });
    expect(code).toBe(1);
    expect(err).toContain('DATABASE_URL: is required');
  });
});

describe('CLI parity with the admin UI', () => {
  it('enables, disables and edits an extension, including its voicemail box', async () => {
    expect((await cli('extension', 'add', '3301', 'Carol')).code).toBe(0);
    expect((await cli('extension', 'disable', '3301')).out).toBe('extension 3301 disabled\n');
    const row = () =>
      servers.prisma.extension.findUniqueOrThrow({
        where: { number: '3301' },
        include: { voicemailBox: true },
      });
    expect((await row()).enabled).toBe(false);
    expect((await cli('extension', 'enable', '3301')).code).toBe(0);
    expect((await row()).enabled).toBe(true);
    const edited = await cli(
      'extension',
      'edit',
      '3301',
      '--name',
      'Carol C',
      '--pin',
      '2468',
      '--email',
      'c@example.com',
    );
    expect(edited).toMatchObject({
      code: 0,
      out: 'updated extension 3301 (Carol C); voicemail on; media inherit; srtp optional; dial class national\n',
    });
    expect((await row()).voicemailBox).toMatchObject({ enabled: true, email: 'c@example.com' });
    expect((await cli('extension', 'edit', '3301', '--voicemail', 'off')).out).toContain('voicemail off');
    expect((await row()).voicemailBox).toMatchObject({ enabled: false, email: 'c@example.com' });
    expect((await cli('extension', 'edit', '3301', '--voicemail', 'maybe')).err).toBe(
      'switchboard: voicemail: must be on or off\n',
    );
    expect((await cli('extension', 'edit', '3301', '--pin', '12')).err).toContain(
      'voicemailPin: must be 4 to 12 digits',
    );
    expect((await cli('extension', 'disable', '9999')).err).toBe('switchboard: no extension 9999\n');
    // Music on hold: only a class directory of the data directory; `default` clears it.
    expect((await cli('extension', 'edit', '3301', '--moh-class', 'lobby')).err).toContain(
      "mohClass: no music class 'lobby'",
    );
    mkdirSync(path.join(servers.dataDir, 'moh', 'lobby'), { recursive: true });
    expect((await cli('extension', 'edit', '3301', '--moh-class', 'lobby')).code).toBe(0);
    expect((await row()).mohClass).toBe('lobby');
    expect((await cli('extension', 'show', '3301')).out).toMatch(/music on hold\s+lobby/);
    expect((await cli('extension', 'edit', '3301', '--moh-class', 'default')).code).toBe(0);
    expect((await row()).mohClass).toBeNull();
  });

  it('lists plugins and enables/disables one (a new configuration revision for the workers)', async () => {
    await servers.redis.hset(
      'sb:plugins',
      'blocklist',
      JSON.stringify({ id: 'blocklist', version: '1.2.0', enabled: true }),
    );
    const list = await cli('plugin', 'list');
    expect(list.out).toMatch(/blocklist\s+1\.2\.0\s+yes\s+yes/);
    const disabled = await cli('plugin', 'disable', 'blocklist');
    expect(disabled.out).toMatch(
      /^plugin blocklist disabled \(configuration revision \d+\): no routing worker is running; it applies when one starts\n$/,
    );
    expect(
      await servers.prisma.pluginConfig.findUniqueOrThrow({ where: { pluginId: 'blocklist' } }),
    ).toMatchObject({
      enabled: false,
    });
    expect(JSON.parse((await cli('plugin', 'list', '--json')).out)).toEqual([
      expect.objectContaining({ id: 'blocklist', enabled: false }),
    ]);
    expect((await cli('plugin', 'enable', 'nope')).err).toBe('switchboard: no plugin "nope"\n');
  });
});

describe('switchboard from a plain shell', () => {
  const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
  /** `pnpm switchboard …` from the repository root, as the start banner prints it, without DATABASE_URL/REDIS_URL. */
  async function shell(env: Record<string, string>, ...argv: string[]) {
    const { DATABASE_URL: _d, REDIS_URL: _r, SWITCHBOARD_SIP_DOMAIN: _s, ...rest } = process.env;
    return promisify(execFile)('pnpm', ['--silent', 'switchboard', ...argv], {
      cwd: repoRoot,
      env: { ...rest, ...env },
    });
  }

  it('prints its version', async () => {
    const { version } = (await import('../package.json', { with: { type: 'json' } })).default;
    expect((await cli('--version')).out).toBe(`${version}\n`);
    expect((await shell({}, '--version')).stdout.trim()).toBe(version);
  });

  it("reads the data directory's settings file written by npm start", async () => {
    const file = path.join(servers.dataDir, 'settings.env');
    writeFileSync(
      file,
      `# written by npm start\nDATABASE_URL=${servers.databaseUrl}\nREDIS_URL=${servers.redisUrl}\nSWITCHBOARD_SIP_DOMAIN=pbx.cli\n`,
      { mode: 0o600 },
    );
    const listed = await shell({ SWITCHBOARD_SETTINGS: file }, 'admin', 'list');
    expect(listed.stdout).toContain('admin');
    await expect(
      shell({ SWITCHBOARD_SETTINGS: path.join(servers.dataDir, 'nope.env') }, 'admin', 'list'),
    ).rejects.toMatchObject({
      stderr: expect.stringContaining('SWITCHBOARD_SETTINGS') as unknown,
    });
  });
});
