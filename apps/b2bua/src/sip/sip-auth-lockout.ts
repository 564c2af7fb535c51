import { LogThrottle, type Logger, type SwitchboardConfig } from '@switchboard/config';
import { createResponse, type SipRequest } from '@switchboard/sip';
import type { Clock } from '@switchboard/transactions';
import type { Redis } from 'ioredis';
import type { SecurityMetrics } from '../security/security-metrics.js';
import { AuthAttemptGate, type ReservedAttempt } from './auth-attempt-gate.js';
import {
  AuthFailureLimiter,
  type LockScope,
  type NonceCountMark,
  type SettleResult,
} from './auth-failure-limiter.js';
import type { IncomingSipRequest } from './sip-request-handler.js';

/** One "refused while locked out" line per source + user per minute (the rest are counted in it). */
const REFUSED_LOG_INTERVAL_MS = 60_000;
/** Source + user pairs whose refusals are throttled at once (the oldest is forgotten first). */
const REFUSED_LOG_MAX_KEYS = 10_000;

/** May the request's credentials be verified: within `attempt` (none without credentials), or already answered. */
export type LockoutAdmission =
  | { readonly ok: true; readonly attempt: ReservedAttempt | undefined }
  | { readonly ok: false; readonly status: number };

/**
 * The lock-out side of SIP digest authentication: the atomic attempt reservation before any
 * verification (auth-attempt-gate.ts, #17 item 1) or the atomic settling of a verification made
 * from a cached digest row, the 403/503 answers when none is granted, and
 * the warn-level lock-out and refusal events with their metrics (#17 item 6).
 */
export class SipAuthLockout {
  private readonly limiter: AuthFailureLimiter;
  private readonly gate: AuthAttemptGate;
  private readonly refusedLog = new LogThrottle({
    intervalMs: REFUSED_LOG_INTERVAL_MS,
    maxKeys: REFUSED_LOG_MAX_KEYS,
    now: () => performance.now(),
  });

  constructor(
    private readonly config: SwitchboardConfig,
    private readonly logger: Logger,
    redis: Redis,
    clock: Clock,
    private readonly metrics: SecurityMetrics,
  ) {
    this.limiter = new AuthFailureLimiter(redis, config.auth, config.sip.domain);
    this.gate = new AuthAttemptGate(this.limiter, { clock });
  }

  /**
   * Credentials are verified only within a reserved attempt, so parallel guesses cannot all be
   * checked before the lock-out lands; without credentials there is nothing to verify and the lock
   * is only read. A refusal is answered here (403 locked, 503 no slot free).
   */
  async admit(
    incoming: IncomingSipRequest,
    claimed: string | undefined,
    withCredentials: boolean,
  ): Promise<LockoutAdmission> {
    const { origin } = incoming;
    let attempt: ReservedAttempt | undefined;
    if (withCredentials) {
      const gate = await this.gate.enter(origin.host, claimed ?? '');
      if (gate.kind === 'busy') return this.busy(incoming, claimed);
      if (gate.kind === 'reserved') attempt = gate.attempt;
    }
    if (withCredentials ? !attempt : await this.limiter.isLocked(origin.host, claimed)) {
      this.refuseLocked(incoming, claimed);
      return { ok: false, status: 403 };
    }
    return { ok: true, attempt };
  }

  /**
   * Settles a verification made before any reservation (AuthFailureLimiter.settle): refused while
   * locked (403 answered here, as `admit` does); `busy` when verifications in flight fill the failure
   * budget (verify again through `admit`, which waits for a slot); a failure is counted.
   */
  async settle(
    incoming: IncomingSipRequest,
    claimed: string,
    outcome: 'ok' | 'benign' | 'failed',
    nonceCount: NonceCountMark | undefined,
  ): Promise<SettleResult> {
    const settled = await this.limiter.settle(incoming.origin.host, claimed, outcome, nonceCount);
    if (settled.kind === 'locked') this.refuseLocked(incoming, claimed);
    else if (settled.kind === 'failed') {
      this.metrics.increment('authFailures');
    }
    return settled;
  }

  private refuseLocked(incoming: IncomingSipRequest, claimed: string | undefined): void {
    this.refused(incoming, claimed);
    incoming.tx.respond(createResponse(incoming.request, 403, { reason: 'Too Many Failed Authentications' }));
  }

  /** Counts a failed verification of `attempt`; resolves with the lock it set now, if any. */
  failed(attempt: ReservedAttempt | undefined): Promise<LockScope> {
    this.metrics.increment('authFailures');
    return attempt ? attempt.failed() : Promise.resolve(undefined);
  }

  /**
   * No verification slot came free in time (the attempts of one address + user in flight fill its
   * failure budget for RESERVATION_TTL_MS): overload, not a failed guess, so 503 + Retry-After.
   */
  private busy({ request, tx, origin }: IncomingSipRequest, user: string | undefined): LockoutAdmission {
    this.logger.warn(
      { callId: request.callId, ip: origin.host, user, waiting: this.gate.waitingCount },
      'SIP authentication: no verification slot free for this address and user',
    );
    const retryAfter = ['Retry-After', '1'] as const;
    tx.respond(createResponse(request, 503, { reason: 'Service Unavailable', headers: [retryAfter] }));
    return { ok: false, status: 503 };
  }

  /** A lock-out is a warn-level event with the address first, for fail2ban-style log watchers. */
  lockedOut(
    ip: string,
    user: string | undefined,
    scope: Exclude<LockScope, undefined>,
    request: Pick<SipRequest, 'method' | 'callId'>,
  ): void {
    this.metrics.increment('authLockouts');
    this.logger.warn(
      {
        event: 'sip-auth-lockout',
        ip,
        user,
        scope,
        method: request.method,
        callId: request.callId,
        maxFailures: this.config.auth.maxFailures,
        lockoutSeconds: this.config.auth.lockoutSeconds,
      },
      `SIP authentication lockout: ${ip} (${scope === 'user' ? `user ${user ?? ''}` : scope}) ` +
        `after ${this.config.auth.maxFailures} failures, for ${this.config.auth.lockoutSeconds} s`,
    );
  }

  /** Refused while locked out: counted always, logged once a minute per source + user. */
  private refused({ request, origin }: IncomingSipRequest, user: string | undefined): void {
    this.metrics.increment('authRefusedWhileLocked');
    const suppressed = this.refusedLog.admit(`${origin.host} ${user ?? ''}`);
    if (suppressed === undefined) return;
    this.logger.warn(
      {
        event: 'sip-auth-refused-locked',
        ip: origin.host,
        port: origin.port,
        user,
        method: request.method,
        callId: request.callId,
        suppressed,
      },
      `SIP request refused during lockout: ${origin.host}` +
        (suppressed > 0 ? ` (${suppressed} more since the last line)` : ''),
    );
  }
}
