// Runs `prisma generate` for prisma/schema.prisma into src/generated/prisma, offline and cross-shell.
// The Prisma CLI wants a native schema engine even for `generate`, which it never runs: pointing
// PRISMA_SCHEMA_ENGINE_BINARY at any existing file (here the node binary) stops the download attempt.
// Skips the work when the schema and the Prisma version are unchanged (a stamp file), and holds a
// lock directory so that turbo's parallel build/typecheck/lint of this package do not race.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const schemaPath = path.resolve(packageDir, '../../prisma/schema.prisma');
const generatedDir = path.join(packageDir, 'src/generated');
const outputDir = path.join(generatedDir, 'prisma');
const stampPath = path.join(generatedDir, '.schema-stamp');
const lockDir = path.join(generatedDir, '.lock');
const require = createRequire(path.join(packageDir, 'package.json'));

const prismaCli = require.resolve('prisma/build/index.js');
const prismaVersion = JSON.parse(readFileSync(require.resolve('prisma/package.json'), 'utf8')).version;
const stamp = createHash('sha256')
  .update(readFileSync(schemaPath))
  .update(`\0prisma@${prismaVersion}`)
  .digest('hex');

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function acquireLock() {
  mkdirSync(generatedDir, { recursive: true });
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lockDir);
      return;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      // A lock older than two minutes belongs to a process that died: take it over.
      if (Date.now() - statSync(lockDir, { throwIfNoEntry: false })?.mtimeMs > 120_000)
        rmSync(lockDir, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`generate: timed out waiting for ${lockDir}`);
      sleep(100);
    }
  }
}

function isFresh() {
  return (
    existsSync(path.join(outputDir, 'client.ts')) &&
    existsSync(stampPath) &&
    readFileSync(stampPath, 'utf8') === stamp
  );
}

acquireLock();
try {
  if (!isFresh()) generate();
} finally {
  rmSync(lockDir, { recursive: true, force: true });
}

function generate() {
  rmSync(stampPath, { force: true });
  const result = spawnSync(process.execPath, [prismaCli, 'generate', '--schema', schemaPath], {
    cwd: packageDir,
    stdio: 'inherit',
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
      CHECKPOINT_DISABLE: '1',
    },
  });
  if (result.status !== 0) {
    console.error(`generate: prisma generate failed (exit ${result.status ?? result.signal})`);
    process.exitCode = 1;
  } else {
    writeFileSync(stampPath, stamp);
  }
}
