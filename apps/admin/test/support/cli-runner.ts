import { runCli } from '../../src/cli/switchboard-cli.js';
import type { TestServers } from './test-environment.js';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** The environment the CLI gets in tests: the test file's database, Redis and data directory. */
export function cliEnv({ databaseUrl, redisUrl, dataDir }: TestServers): NodeJS.ProcessEnv {
  return {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    SWITCHBOARD_SIP_DOMAIN: 'pbx.cli',
    SWITCHBOARD_DATA_DIR: dataDir,
  };
}

/** Runs `switchboard …` in-process, as from a shell: exit status and what it printed. */
export function cliRunner(servers: () => TestServers) {
  return async (...argv: string[]): Promise<CliRun> => {
    let out = '';
    let err = '';
    const code = await runCli(argv, {
      out: (t) => (out += t),
      err: (t) => (err += t),
      env: cliEnv(servers()),
    });
    return { code, out, err };
  };
}
