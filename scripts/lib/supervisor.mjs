// Keeps the long-running roles of `npm start` alive: a role that exits is logged and started again
// after a backoff (doubling from minBackoffMs up to maxBackoffMs, reset once it has stayed up for
// stableMs), while the other roles keep running. Only stop() ends them (Ctrl-C / SIGTERM in start.mjs).
// Plain Node, no dependencies: start.mjs runs before the workspace is built.

/**
 * @typedef {object} SupervisorOptions
 * @property {(msg: string) => void} log
 * @property {number} [minBackoffMs] first restart delay (default 1 s)
 * @property {number} [maxBackoffMs] longest restart delay (default 30 s)
 * @property {number} [stableMs] a role that ran this long restarts with the first delay again (default 60 s)
 * @property {number} [stopTimeoutMs] SIGTERM, then SIGKILL after this long (default 10 s)
 */

export class Supervisor {
  /** @param {SupervisorOptions} options */
  constructor(options) {
    this.log = options.log;
    this.minBackoffMs = options.minBackoffMs ?? 1000;
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
    this.stableMs = options.stableMs ?? 60_000;
    this.stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
    /** @type {Map<string, {start: () => import('node:child_process').ChildProcess, child?: import('node:child_process').ChildProcess, startedAt: number, failures: number, restarts: number, timer?: NodeJS.Timeout}>} */
    this.roles = new Map();
    this.stopping = false;
  }

  /** Starts `name` now with `start()` and restarts it whenever it exits, until stop(). */
  add(name, start) {
    if (this.roles.has(name)) throw new Error(`role ${name} is already supervised`);
    const role = { start, startedAt: 0, failures: 0, restarts: 0 };
    this.roles.set(name, role);
    this.launch(name, role);
  }

  /** The running process of a role (undefined while it waits for its restart). */
  child(name) {
    return this.roles.get(name)?.child;
  }

  /** How often a role has been restarted. */
  restarts(name) {
    return this.roles.get(name)?.restarts ?? 0;
  }

  launch(name, role) {
    role.timer = undefined;
    role.startedAt = Date.now();
    const child = role.start();
    role.child = child;
    // A spawn failure (missing binary) arrives as 'error' and maybe no 'exit': treat it as an exit.
    let exited = false;
    const onExit = (code, signal) => {
      if (exited) return;
      exited = true;
      role.child = undefined;
      if (this.stopping) return;
      const ranMs = Date.now() - role.startedAt;
      if (ranMs >= this.stableMs) role.failures = 0;
      const delay = Math.min(this.maxBackoffMs, this.minBackoffMs * 2 ** role.failures);
      role.failures += 1;
      role.restarts += 1;
      this.log(
        `${name} exited (${code ?? signal}) after ${(ranMs / 1000).toFixed(1)} s; ` +
          `restarting in ${delay / 1000} s (restart ${role.restarts}); the other roles keep running`,
      );
      role.timer = setTimeout(() => this.launch(name, role), delay);
    };
    child.once('exit', onExit);
    child.once('error', (err) => {
      this.log(`${name} could not run: ${err.message}`);
      onExit(null, 'spawn error');
    });
  }

  /** Stops every role (SIGTERM, SIGKILL after stopTimeoutMs) and cancels pending restarts. */
  async stop() {
    this.stopping = true;
    await Promise.all(
      [...this.roles.values()].map((role) => {
        if (role.timer) clearTimeout(role.timer);
        const child = role.child;
        if (!child || child.exitCode !== null || child.signalCode !== null) return undefined;
        return new Promise((resolve) => {
          const kill = setTimeout(() => child.kill('SIGKILL'), this.stopTimeoutMs);
          child.once('exit', () => {
            clearTimeout(kill);
            resolve(undefined);
          });
          child.kill('SIGTERM');
        });
      }),
    );
  }
}
