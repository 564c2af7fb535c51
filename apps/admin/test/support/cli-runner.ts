import { runCli } from '../../src/cli/switchboard-cli.js';
import type { TestServers } from './test-environment.js';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** Runs `switchboard …` in-process against the test file's database, Redis and data directory. */
export function cliRunner(servers: () => TestServers) {
  return async (...argv: string[]): Promise<CliRun> => {
    let out = '';
    let err = '';
    const { databaseUrl, redisUrl, dataDir } = servers();
    const code = await runCli(argv, {
      out: (t) => (out += t),
      err: (t) => (err += t),
      env: {
        DATABASE_URL: databaseUrl,
        REDIS_URL: redisUrl,
        SWITCHBOARD_SIP_DOMAIN: 'pbx.cli',
        SWITCHBOARD_DATA_DIR: dataDir,
      },
    });
    return { code, out, err };
  };
}
