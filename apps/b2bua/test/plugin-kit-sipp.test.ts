import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { redisKeys } from '@switchboard/live-state';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { enableExtensionsPlugin, killAllSipp, sippCallAnswered } from './support/calls-harness.js';
import { startSignalling, type SignallingHarness } from './support/sip-test-kit.js';
import { requiredEnv } from './support/test-env.js';

/**
 * The plugin author's whole path, outside the repository: `switchboard plugin new` in a temporary
 * folder, the packed SDK (`pnpm pack`) installed with npm offline, the project's own build and test
 * scripts, then the folder loaded by path into a routing worker process of a running PBX and a sipp
 * call to the plugin's number answered by the extension the plugin rerouted it to.
 * CI has no registry: the project's devDependencies (typescript, vitest) are linked from this
 * repository before `npm install --offline`, which installs the SDK tarball; npm's cache is in the
 * temporary folder too.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const main = path.resolve(here, '../dist/main.js');
const cli = path.resolve(here, '../../admin/dist/cli.js');
const sdkDir = path.resolve(here, '../../../packages/plugin-sdk');
const run = promisify(execFile);

let tmp: string;
let project: string;
let toolEnv: NodeJS.ProcessEnv;
let h: SignallingHarness;
const children: ChildProcess[] = [];

/** The folder of an installed package, through pnpm's links (a link to it works from anywhere). */
function packageFolder(name: string): string {
  return fs.realpathSync(path.dirname(createRequire(import.meta.url).resolve(`${name}/package.json`)));
}

/** A process's output lines; `exit` resolves with its code and everything it printed. */
function startProcess(args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const lines: string[] = [];
  const collect = (chunk: Buffer): void => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exit = new Promise<{ code: number | null; output: string }>((resolve) =>
    child.once('exit', (code) => resolve({ code, output: lines.join('\n') })),
  );
  return { child, lines, exit };
}

function workerEnv(plugins: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    DATABASE_URL: h.config.databaseUrl,
    REDIS_URL: requiredEnv('REDIS_URL'),
    SWITCHBOARD_SIP_DOMAIN: h.domain,
    SWITCHBOARD_QUEUE_PREFIX: h.config.queuePrefix,
    SWITCHBOARD_PLUGINS: plugins,
    SWITCHBOARD_LOG_LEVEL: 'info',
  };
}

beforeAll(async () => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'sb-plugin-kit-')));
  project = path.join(tmp, 'front-desk');
  // npm and the project's scripts see only this, not the test runner's environment (VITEST…).
  toolEnv = {
    PATH: process.env.PATH,
    HOME: tmp,
    npm_config_cache: path.join(tmp, 'npm-cache'),
    npm_config_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    NO_COLOR: '1',
  };
  h = await startSignalling({ SWITCHBOARD_SIP_DIGEST_ALGORITHMS: 'MD5,SHA-256' });
  await h.addExtension('8700', 'pw-8700');
  await h.addExtension('8711', 'pw-8711');
  await enableExtensionsPlugin(h);
  await h.prisma.pluginConfig.create({
    data: { pluginId: 'front-desk', enabled: true, config: { number: '7500', target: '8711' } },
  });
}, 60_000);

afterAll(async () => {
  killAllSipp();
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await h?.redis.del(redisKeys.registration(`sip:8711@${h?.domain}`));
  await h?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('plugin author kit, end to end', () => {
  it('scaffolds a plugin outside the repository, installs the packed SDK offline, builds it and passes its test', async () => {
    await run('pnpm', ['pack', '--pack-destination', tmp], { cwd: sdkDir });
    const tarball = fs.readdirSync(tmp).find((f) => /^switchboard-plugin-sdk-.*\.tgz$/.test(f));
    expect(tarball).toBeDefined();
    const made = await run(
      process.execPath,
      [cli, 'plugin', 'new', 'front-desk', '--dir', project, '--sdk', `file:../${tarball}`],
      { env: toolEnv },
    );
    expect(made.stdout).toContain(`wrote plugin "front-desk" to ${project}`);

    fs.mkdirSync(path.join(project, 'node_modules'));
    for (const tool of ['typescript', 'vitest']) {
      fs.symlinkSync(packageFolder(tool), path.join(project, 'node_modules', tool));
    }
    await run('npm', ['install'], { cwd: project, env: toolEnv });
    const installed = path.join(project, 'node_modules/@switchboard/plugin-sdk');
    expect(fs.lstatSync(installed).isSymbolicLink()).toBe(false); // a copy from the tarball, not the workspace
    expect(fs.existsSync(path.join(installed, 'node_modules/zod/package.json'))).toBe(true);

    await run('npm', ['run', 'build'], { cwd: project, env: toolEnv });
    expect(fs.existsSync(path.join(project, 'dist/index.js'))).toBe(true);
    expect(fs.existsSync(path.join(project, 'dist/index.d.ts'))).toBe(true);
    const tested = await run('npm', ['test'], { cwd: project, env: toolEnv });
    expect(tested.stdout).toMatch(/Tests\s+3 passed/);
  }, 120_000);

  it('a routing worker loads it by path; a call to its number is rerouted to and answered by the target extension', async () => {
    const worker = startProcess([main, 'worker'], workerEnv(`${project},@switchboard/plugin-extensions`));
    await vi.waitFor(
      () => {
        if (worker.child.exitCode !== null) throw new Error(`worker exited:\n${worker.lines.join('\n')}`);
        expect(worker.lines.some((l) => l.includes('routing worker ready'))).toBe(true);
      },
      { timeout: 30_000, interval: 50 },
    );
    const loaded = worker.lines.find((l) => l.includes('routing plugins loaded'));
    expect(JSON.parse(loaded ?? '{}')).toMatchObject({ chain: ['front-desk@0.1.0', 'extensions@0.1.0'] });

    const rec = await sippCallAnswered(h, { caller: '8700', dialled: '7500', callee: '8711' });
    expect(rec).toMatchObject({ callerNumber: '8700', answeredBy: '8711', disposition: 'answered' });
    // The plugin's own log line, from the worker process, for this call.
    const logged = worker.lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.callId === rec.id);
    expect(logged).toMatchObject({ msg: 'rerouting', pluginId: 'front-desk', target: '8711' });
  }, 60_000);

  it('a plugin path that does not exist stops the worker at start-up with a message naming it', async () => {
    const missing = path.join(tmp, 'no-such-plugin');
    const worker = startProcess([main, 'worker'], workerEnv(`${missing},@switchboard/plugin-extensions`));
    const { code, output } = await worker.exit;
    expect(code).toBe(1);
    expect(output).toContain(`cannot load plugin module "${missing}": plugin path ${missing} does not exist`);
  }, 30_000);
});
