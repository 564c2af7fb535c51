// `switchboard backup` / `switchboard restore` against the real PostgreSQL (pg_dump/pg_restore of the
// installed server) and a data directory on disk: backup → wipe → restore brings the extensions and
// a voicemail message (row and WAV bytes) back; a damaged or newer backup and a non-empty database
// are refused before anything changes; a backup older than the code gets the newer migrations.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  computeDigestCredentials,
  createPrismaClient,
  defaultMigrationsDir,
  migrate,
  withDatabase,
  type PrismaClient,
} from '@switchboard/db';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../src/cli/switchboard-cli.js';
import { requiredServerUrls } from './support/test-environment.js';

vi.setConfig({ testTimeout: 60_000 });

const serverUrl = requiredServerUrls().databaseUrl;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-backup-test-'));
const dataDir = path.join(work, 'data');
const settingsFile = path.join(work, 'settings.env');
const archive = path.join(work, 'out', 'switchboard.tar.gz');
const databases: string[] = [];
let databaseUrl = '';
let prisma: PrismaClient;

/** A fresh database, migrated with `migrationsDir` (default: every migration of the code). */
async function newDatabase(migrationsDir?: string): Promise<string> {
  const name = `sb_backup_test_${randomBytes(6).toString('hex')}`;
  databases.push(name);
  const url = withDatabase(serverUrl, name);
  await migrate(url, migrationsDir ? { migrationsDir } : {});
  return url;
}

async function dropDatabase(url: string): Promise<void> {
  const admin = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${new URL(url).pathname.slice(1)}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

async function cli(url: string, ...argv: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(argv, {
    out: (t) => (out += t),
    err: (t) => (err += t),
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: url,
      REDIS_URL: 'redis://127.0.0.1:9/0',
      SWITCHBOARD_DATA_DIR: dataDir,
      SWITCHBOARD_SETTINGS: settingsFile,
    },
  });
  return { code, out, err };
}

/** Unpacks the archive, lets `change` edit it, packs it as a new archive. */
function tampered(name: string, change: (dir: string) => void): string {
  const dir = fs.mkdtempSync(path.join(work, 'tamper-'));
  execFileSync('tar', ['-xzf', archive, '-C', dir]);
  change(dir);
  const out = path.join(work, name);
  execFileSync('tar', ['-czf', out, '-C', dir, '.']);
  return out;
}

const wav = Buffer.concat([Buffer.from('RIFF'), randomBytes(4000)]);
const recording = randomBytes(2000);
const secretKey = randomBytes(32).toString('base64');

beforeAll(async () => {
  databaseUrl = await newDatabase();
  prisma = createPrismaClient(databaseUrl);
  for (const number of ['7001', '7002']) {
    await prisma.extension.create({
      data: { number, displayName: `Ext ${number}`, ...computeDigestCredentials(number, 'pbx.backup', 'pw') },
    });
  }
  const ext = await prisma.extension.findUniqueOrThrow({ where: { number: '7001' } });
  const box = await prisma.voicemailBox.create({ data: { extensionId: ext.id, email: 'a@example.org' } });
  await prisma.voicemailMessage.create({
    data: {
      boxId: box.id,
      callerNumber: '7002',
      durationSeconds: 4,
      wavPath: `voicemail/${box.id}/m1.wav`,
      idempotencyKey: 'backup-test-1',
    },
  });
  fs.mkdirSync(path.join(dataDir, 'voicemail', box.id), { recursive: true });
  fs.writeFileSync(path.join(dataDir, 'voicemail', box.id, 'm1.wav'), wav);
  fs.mkdirSync(path.join(dataDir, 'recordings', '2026-12-07'), { recursive: true });
  fs.writeFileSync(path.join(dataDir, 'recordings', '2026-12-07', 'call-1.wav'), recording);
  fs.mkdirSync(path.join(dataDir, 'recordings', 'spool'), { recursive: true });
  fs.writeFileSync(path.join(dataDir, 'recordings', 'spool', 'raw.wav'), 'transient');
  fs.writeFileSync(path.join(dataDir, 'secret.key'), secretKey, { mode: 0o600 });
  fs.writeFileSync(settingsFile, `SWITCHBOARD_SIP_DOMAIN=pbx.backup\nDATABASE_URL=${databaseUrl}\n`);
});

afterAll(async () => {
  await prisma?.$disconnect();
  for (const name of databases) await dropDatabase(withDatabase(serverUrl, name));
  fs.rmSync(work, { recursive: true, force: true });
});

describe('switchboard backup / restore', () => {
  it('backup → wipe database and data directory → restore: extensions and the voicemail message are back', async () => {
    const made = await cli(databaseUrl, 'backup', archive);
    expect(made, made.err).toMatchObject({ code: 0 });
    expect(made.out).toMatch(/database at \d{14}_\w+, 3 data file\(s\), settings/);
    expect(fs.statSync(archive).mode & 0o777).toBe(0o600);
    const listing = execFileSync('tar', ['-tzf', archive], { encoding: 'utf8' }).split('\n').sort();
    expect(listing).toContain('database.dump');
    expect(listing).not.toContain('files/recordings/spool/raw.wav');
    const manifest = JSON.parse(
      execFileSync('tar', ['-xzOf', archive, 'manifest.json'], { encoding: 'utf8' }),
    ) as {
      schemaMigration: string;
      files: { path: string; sha256: string }[];
    };
    const migrations = fs
      .readdirSync(defaultMigrationsDir())
      .filter((n) => /^\d{14}_/.test(n))
      .sort();
    expect(manifest.schemaMigration).toBe(migrations.at(-1));
    expect(manifest.files.map((f) => f.path).sort()).toEqual([
      'database.dump',
      'files/recordings/2026-12-07/call-1.wav',
      'files/secret.key',
      expect.stringMatching(/^files\/voicemail\/[0-9a-f-]{36}\/m1\.wav$/),
      'settings/settings.env',
    ]);

    const refused = await cli(databaseUrl, 'restore', archive);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(
      /^switchboard: the database is not empty \(rows in .*extensions.*\): pass --force/,
    );

    await prisma.$disconnect();
    await dropDatabase(databaseUrl);
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.writeFileSync(
      settingsFile,
      'SWITCHBOARD_SIP_DOMAIN=changed.example\nREDIS_URL=redis://127.0.0.1:7/0\n',
    );

    const restored = await cli(databaseUrl, 'restore', archive);
    expect(restored, restored.err).toMatchObject({ code: 0 });
    expect(restored.out).toContain('3 data file(s)');
    // Trunk passwords are sealed with this key: without it they could not be read again.
    expect(fs.readFileSync(path.join(dataDir, 'secret.key'), 'utf8')).toBe(secretKey);
    prisma = createPrismaClient(databaseUrl);
    const exts = await prisma.extension.findMany({ orderBy: { number: 'asc' } });
    expect(exts.map((e) => [e.number, e.sipRealm])).toEqual([
      ['7001', 'pbx.backup'],
      ['7002', 'pbx.backup'],
    ]);
    const msg = await prisma.voicemailMessage.findUniqueOrThrow({
      where: { idempotencyKey: 'backup-test-1' },
      include: { box: { include: { extension: true } } },
    });
    expect(msg).toMatchObject({ callerNumber: '7002', durationSeconds: 4, heard: false });
    expect(msg.box).toMatchObject({ email: 'a@example.org', extension: { number: '7001' } });
    expect(fs.readFileSync(path.join(dataDir, msg.wavPath)).equals(wav)).toBe(true);
    expect(fs.readFileSync(path.join(dataDir, 'recordings/2026-12-07/call-1.wav')).equals(recording)).toBe(
      true,
    );
    // The realm the restored HA1s are hashed for; this machine's Redis stays.
    const settings = fs.readFileSync(settingsFile, 'utf8');
    expect(settings).toContain('SWITCHBOARD_SIP_DOMAIN=pbx.backup\n');
    expect(settings).toContain('REDIS_URL=redis://127.0.0.1:7/0\n');
  });

  it('refuses a damaged archive and a newer schema before touching the database, even with --force', async () => {
    const damaged = tampered('damaged.tar.gz', (dir) => {
      const [voicemail] = fs.readdirSync(path.join(dir, 'files', 'voicemail'));
      fs.appendFileSync(path.join(dir, 'files', 'voicemail', voicemail ?? '', 'm1.wav'), 'x');
    });
    const bad = await cli(databaseUrl, 'restore', damaged, '--force');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(
      /^switchboard: backup is damaged: checksum mismatch for files\/voicemail\/.*m1\.wav/,
    );

    const newer = tampered('newer.tar.gz', (dir) => {
      const file = path.join(dir, 'manifest.json');
      const m = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
      fs.writeFileSync(file, JSON.stringify({ ...m, schemaMigration: '29991231000000_from_the_future' }));
    });
    const future = await cli(databaseUrl, 'restore', newer, '--force');
    expect(future.code).toBe(1);
    expect(future.err).toContain(
      'backup schema 29991231000000_from_the_future is newer than this Switchboard',
    );

    expect((await cli(databaseUrl, 'restore', path.join(work, 'missing.tar.gz'))).err).toContain(
      'does not exist',
    );
    expect(await prisma.extension.count()).toBe(2);
  });

  it('replaces a non-empty database with --force, and applies the migrations a backup predates', async () => {
    const migrations = fs.readdirSync(defaultMigrationsDir());
    const older = path.join(work, 'older-migrations');
    fs.mkdirSync(older);
    const names = migrations.filter((n) => /^\d{14}_/.test(n)).sort();
    for (const name of [...names.slice(0, 3), 'migration_lock.toml'])
      fs.cpSync(path.join(defaultMigrationsDir(), name), path.join(older, name), { recursive: true });
    const oldUrl = await newDatabase(older);
    const oldArchive = path.join(work, 'old.tar.gz');
    const made = await cli(oldUrl, 'backup', oldArchive);
    expect(made.out).toContain(`database at ${names[2] ?? ''}`);

    const restored = await cli(databaseUrl, 'restore', oldArchive, '--force');
    expect(restored, restored.err).toMatchObject({ code: 0 });
    expect(restored.out).toContain(`applied newer migrations: ${names.slice(3).join(', ')}`);
    expect(await prisma.extension.count()).toBe(0);
  });
});
