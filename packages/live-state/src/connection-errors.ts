/** What emits connection errors: an ioredis connection, a BullMQ Queue or Worker. */
export interface ErrorSource {
  on(event: 'error', listener: (err: Error) => void): unknown;
}

export interface WarnLogger {
  warn(fields: object, message: string): void;
}

/** At most one line per connection this often while it keeps failing. */
export const CONNECTION_ERROR_LOG_INTERVAL_MS = 10_000;

export interface ConnectionErrorLogOptions {
  readonly intervalMs?: number;
  /** Monotonic milliseconds; performance.now() by default. */
  readonly now?: () => number;
}

/**
 * Every Redis connection and BullMQ queue or worker needs an 'error' listener: without one ioredis
 * prints "[ioredis] Unhandled error event" and an EventEmitter throws. This one logs at warn with the
 * connection's name, the first error at once and then at most one line per interval with the number
 * left out since (a connection fails at every reconnect attempt while Redis restarts). ioredis
 * reconnects by itself; the commands waiting meanwhile report their own failures.
 */
export function logConnectionErrors(
  source: ErrorSource,
  logger: WarnLogger,
  connection: string,
  options: ConnectionErrorLogOptions = {},
): void {
  const intervalMs = options.intervalMs ?? CONNECTION_ERROR_LOG_INTERVAL_MS;
  const now = options.now ?? (() => performance.now());
  let loggedAt: number | undefined;
  let leftOut = 0;
  source.on('error', (err) => {
    const t = now();
    if (loggedAt !== undefined && t - loggedAt < intervalMs) {
      leftOut += 1;
      return;
    }
    logger.warn(
      { err, connection, ...(leftOut > 0 ? { leftOut } : {}) },
      `Redis connection error (${connection}): ${err.message}`,
    );
    loggedAt = t;
    leftOut = 0;
  });
}
