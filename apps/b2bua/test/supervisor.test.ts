import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Supervisor } from '../../../scripts/lib/supervisor.mjs';

/** A stand-in role: a node process that stays up until killed, or exits with `code` at once. */
function role(exitCode?: number): ChildProcess {
  const script = exitCode === undefined ? 'setInterval(() => {}, 1000)' : `process.exit(${exitCode})`;
  return spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
}

let supervisor: Supervisor | undefined;
afterEach(async () => {
  await supervisor?.stop();
  supervisor = undefined;
});

describe('npm start supervisor (scripts/lib/supervisor.mjs)', () => {
  it('restarts a killed role with a logged backoff while the other role keeps running', async () => {
    const lines: string[] = [];
    supervisor = new Supervisor({ log: (l) => lines.push(l), minBackoffMs: 50, maxBackoffMs: 400 });
    const s = supervisor;
    s.add('signalling', () => role());
    s.add('worker', () => role());
    const signalling = s.child('signalling')!;
    const worker = s.child('worker')!;
    await once(worker, 'spawn');

    worker.kill('SIGKILL');
    await vi.waitFor(
      () => {
        expect(s.restarts('worker')).toBe(1);
        expect(s.child('worker')?.pid).toBeGreaterThan(0);
      },
      { timeout: 5000, interval: 10 },
    );
    expect(s.child('worker')).not.toBe(worker);
    expect(lines.join('\n')).toMatch(
      /worker exited \(SIGKILL\) after [\d.]+ s; restarting in 0\.05 s \(restart 1\)/,
    );
    // The other role was never touched.
    expect(s.child('signalling')).toBe(signalling);
    expect(signalling.exitCode).toBeNull();
    expect(s.restarts('signalling')).toBe(0);
  });

  it('backs off exponentially up to the maximum for a role that keeps failing', async () => {
    const lines: string[] = [];
    supervisor = new Supervisor({ log: (l) => lines.push(l), minBackoffMs: 20, maxBackoffMs: 80 });
    const s = supervisor;
    s.add('broken', () => role(1));
    await vi.waitFor(() => expect(s.restarts('broken')).toBeGreaterThanOrEqual(4), {
      timeout: 10_000,
      interval: 10,
    });
    const delays = lines.map((l) => /restarting in ([\d.]+) s/.exec(l)?.[1]);
    expect(delays.slice(0, 4)).toEqual(['0.02', '0.04', '0.08', '0.08']);
    expect(lines[0]).toMatch(/^broken exited \(1\)/);
  });

  it('stop() ends every role and cancels pending restarts', async () => {
    supervisor = new Supervisor({ log: () => undefined, minBackoffMs: 50 });
    const s = supervisor;
    s.add('a', () => role());
    s.add('b', () => role(3));
    const a = s.child('a')!;
    await vi.waitFor(() => expect(s.restarts('b')).toBe(1), { timeout: 5000, interval: 10 });
    await s.stop();
    expect(a.signalCode).toBe('SIGTERM');
    const restartsAtStop = s.restarts('b');
    await new Promise((r) => setTimeout(r, 150)); // longer than the pending backoff: nothing restarts
    expect(s.restarts('b')).toBe(restartsAtStop);
    expect(s.child('a')).toBeUndefined();
  });
});
