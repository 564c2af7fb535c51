import { type ChildProcess, spawn } from 'node:child_process';

/** A child process whose stdout and stderr lines are kept, with a wait for a line. */
export interface LoggedProcess {
  readonly child: ChildProcess;
  readonly lines: string[];
  /**
   * The first line (already logged or coming) matching `re`; rejects if the process exits first, or
   * after `timeoutMs` (default: the spawn's `waitTimeoutMs`; none: the test's own timeout bounds it).
   */
  waitFor(re: RegExp, timeoutMs?: number): Promise<string>;
}

/** `command` with its output lines kept (a PBX role, Kamailio) for tests that wait for a log line. */
export function spawnLogged(
  command: string,
  args: string[],
  env?: NodeJS.ProcessEnv,
  waitTimeoutMs?: number,
): LoggedProcess {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters: { re: RegExp; resolve: (l: string) => void }[] = [];
  const onData = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
      lines.push(line);
      for (const w of waiters.filter((x) => x.re.test(line))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const tail = (): string => lines.slice(-20).join('\n');
  const name = [command, ...args].map((a) => a.split('/').pop()).join(' ');
  const waitFor = (re: RegExp, timeoutMs = waitTimeoutMs): Promise<string> =>
    new Promise((resolve, reject) => {
      const hit = lines.find((l) => re.test(l));
      if (hit) return resolve(hit);
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(
              () => reject(new Error(`${name}: no ${re} within ${timeoutMs} ms:\n${tail()}`)),
              timeoutMs,
            );
      waiters.push({
        re,
        resolve: (l) => {
          clearTimeout(timer);
          resolve(l);
        },
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited (${code}) before ${re}:\n${tail()}`));
      });
    });
  return { child, lines, waitFor };
}
