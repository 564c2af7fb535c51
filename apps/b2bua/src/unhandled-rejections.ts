import type { Logger } from '@switchboard/config';

/** The part of `process` the monitor needs (tests pass an EventEmitter). */
export interface RejectionSource {
  on(event: 'unhandledRejection', listener: (reason: unknown, promise: Promise<unknown>) => void): unknown;
  off(event: 'unhandledRejection', listener: (reason: unknown, promise: Promise<unknown>) => void): unknown;
}

/**
 * Counts and logs promise rejections nobody handled. Every promise on the call path has its own
 * catch; one that escapes is a bug, and it must not take every live call down with the process
 * (Node's default is to exit). `count` is for metrics.
 */
export class UnhandledRejectionMonitor {
  private total = 0;
  private detach: (() => void) | undefined;

  get count(): number {
    return this.total;
  }

  /** Starts listening on `source` (the process); a second call replaces the first. */
  install(source: RejectionSource, logger: Logger, context: Record<string, unknown> = {}): void {
    this.uninstall();
    const listener = (reason: unknown): void => {
      this.total += 1;
      const err = reason instanceof Error ? reason : new Error(`non-error rejection: ${String(reason)}`);
      // Errors raised on behalf of a call may carry its id; keep it in the log line when they do.
      const callId = (reason as { callId?: unknown } | null)?.callId;
      logger.error(
        {
          ...context,
          err,
          unhandledRejections: this.total,
          ...(typeof callId === 'string' ? { callId } : {}),
        },
        'unhandled promise rejection (a bug: the process keeps running)',
      );
    };
    source.on('unhandledRejection', listener);
    this.detach = () => source.off('unhandledRejection', listener);
  }

  uninstall(): void {
    this.detach?.();
    this.detach = undefined;
  }
}

/** The signalling and worker processes' monitor (installed by main.ts). */
export const unhandledRejections = new UnhandledRejectionMonitor();
