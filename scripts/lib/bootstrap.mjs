// Makes sure pnpm exists and the workspace dependencies are installed.
import { SetupError, capture, log, run, which } from './util.mjs';

export const PNPM_VERSION = '12.21.0';

export function ensurePnpm() {
  if (which('pnpm')) return;
  log(`pnpm not found: installing pnpm@${PNPM_VERSION} with npm`);
  // Corepack cannot verify signatures against some registries, so install the native pnpm from npm.
  run('npm', ['install', '--global', '--allow-scripts=pnpm', `pnpm@${PNPM_VERSION}`]);
  if (!which('pnpm')) {
    const prefix = capture('npm', ['prefix', '--global']);
    throw new SetupError(`pnpm was installed but is not on PATH; add ${prefix}/bin to PATH and try again`);
  }
}

export function installDependencies() {
  ensurePnpm();
  log('installing dependencies (pnpm install)');
  const frozen = process.env.CI ? ['--frozen-lockfile'] : [];
  run('pnpm', ['install', ...frozen], { env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' } });
}

export function turbo(args, env = process.env) {
  run('pnpm', ['exec', 'turbo', ...args], {
    env: { ...env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' },
  });
}
