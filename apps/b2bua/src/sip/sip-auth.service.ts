import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Logger, SwitchboardConfig } from '@switchboard/config';
import { digestAlgorithmNames, type PrismaClient } from '@switchboard/db';
import {
  type AuthFailureReason,
  type AuthResult,
  type ChallengeKind,
  type DigestBaseAlgorithm,
  DigestAuthenticator,
  parseDigestCredentials,
} from '@switchboard/dialog';
import { createResponse, type SipRequest, type SipResponse } from '@switchboard/sip';
import type { Redis } from 'ioredis';
import type { Clock } from '@switchboard/transactions';
import type { SecurityMetrics } from '../security/security-metrics.js';
import { CONFIG, LOGGER, PRISMA, REDIS, SECURITY_METRICS, SIP_CLOCK } from '../tokens.js';
import { DigestChallengeWatch, type UnansweredChallenge } from './digest-challenge-watch.js';
import { Ha1Cache, type Ha1Row } from './ha1-cache.js';
import { loadDigestSecret } from './digest-secret.js';
import { RedisNonceCountStore } from './redis-nonce-count-store.js';
import { DeferredNonceCount } from './deferred-nonce-count.js';
import type { LockScope } from './auth-failure-limiter.js';
import type { IncomingSipRequest, RequestOrigin } from './sip-request-handler.js';
import { identityUser } from './request-identity.js';
import { SipAuthLockout } from './sip-auth-lockout.js';
import { challengeResponse, StatelessChallenger } from './stateless-challenger.js';

export type SipAuthOutcome =
  | {
      ok: true;
      username: string;
      algorithm: DigestBaseAlgorithm;
      /** The authenticated extension's display name from its record. */
      displayName?: string;
    }
  /** The stack already answered (401/407 challenge, 403 lockout, 503 if the digest row is unreadable). */
  | { ok: false; status: number };

/**
 * How long an extension's digest row is reused between the 407 and the authenticated INVITE, and
 * across calls: a disabled extension or a new password is refused within this time.
 */
const HA1_CACHE_MS = 2000;

/** A digest row read slower than this is answered from the outage cache (the read goes on). */
const SLOW_DB_MS = 500;

/** Retry-After (seconds) of the 503 sent while an uncached digest row cannot be read. */
const DB_UNAVAILABLE_RETRY_AFTER = 30;

/**
 * A phone answers a challenge within a round trip (plus UDP retransmissions); one that sent no
 * credentials this long after a challenge has given up on it.
 */
const CHALLENGE_SILENCE_MS = 10_000;

/** Failures that are normal steps of the protocol, not guesses: never counted towards a lockout. */
const BENIGN: ReadonlySet<AuthFailureReason> = new Set([
  'missing-credentials',
  'stale-nonce',
  'replayed-nonce-count',
]);

/**
 * Digest authentication of requests from our extensions (RFC 3261 §22, RFC 7616, RFC 8760):
 * HA1 from PostgreSQL (the password is never stored), realm = the SIP domain, nonces any
 * signalling process accepts (shared secret in Redis), nonce counts in Redis, and a lockout
 * after repeated failures from one source.
 */
@Injectable()
export class SipAuthService implements OnModuleInit, OnModuleDestroy {
  private authenticator: DigestAuthenticator | undefined;
  private readonly lockout: SipAuthLockout;
  private readonly challenger: StatelessChallenger;
  private readonly ha1Rows: Ha1Cache;
  private readonly watch: DigestChallengeWatch;

  constructor(
    @Inject(CONFIG) private readonly config: SwitchboardConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(SIP_CLOCK) clock: Clock,
    @Inject(SECURITY_METRICS) metrics: SecurityMetrics,
  ) {
    this.lockout = new SipAuthLockout(config, logger, redis, clock, metrics);
    this.watch = new DigestChallengeWatch({
      clock,
      silenceMs: CHALLENGE_SILENCE_MS,
      maxEntries: 10_000,
      onSilent: (c) => this.logSilentPhone(c),
    });
    // SWITCHBOARD_DB_OUTAGE_CACHE_SECONDS: a known extension still authenticates while PostgreSQL is down.
    this.ha1Rows = new Ha1Cache(
      {
        ttlMs: HA1_CACHE_MS,
        staleMs: config.database.outageCacheSeconds * 1000,
        slowLoadMs: SLOW_DB_MS,
        maxEntries: 10_000,
        now: () => performance.now(),
        onStale: (user, err, ageMs) =>
          this.logger.warn(
            { err, user, ageMs: Math.round(ageMs) },
            'database unreachable: using the cached digest row',
          ),
      },
      (number) =>
        this.prisma.extension
          .findUnique({
            where: { number },
            select: {
              enabled: true,
              displayName: true,
              sipRealm: true,
              ha1Md5: true,
              ha1Sha256: true,
              digestAlgorithms: true,
            },
          })
          .then((row) =>
            row ? { ...row, digestAlgorithms: digestAlgorithmNames(row.digestAlgorithms) } : undefined,
          ),
    );
    this.challenger = new StatelessChallenger({
      authenticator: () => this.authenticator,
      ha1Rows: this.ha1Rows,
      watch: this.watch,
      algorithmsOf: (row) => this.algorithmsOf(row),
      logger,
      clock,
    });
  }

  async onModuleInit(): Promise<void> {
    this.authenticator = new DigestAuthenticator({
      realm: this.config.sip.domain,
      secret: await loadDigestSecret(this.redis),
      nonceCounts: new RedisNonceCountStore(this.redis),
      algorithms: this.config.auth.algorithms,
      lookupHa1: (username, realm, algorithm) => this.lookupHa1(username, realm, algorithm),
    });
  }

  onModuleDestroy(): void {
    this.watch.stop();
    this.challenger.stop();
  }

  /** Entries held by the bounded caches of authentication (memory figures, SIGUSR2 summary). */
  get sizes(): { ha1Rows: number; statelessAnswers: number; watchedChallenges: number } {
    return {
      ha1Rows: this.ha1Rows.size,
      statelessAnswers: this.challenger.size,
      watchedChallenges: this.watch.size,
    };
  }

  get realm(): string {
    return this.config.sip.domain;
  }

  /** The stateless challenge of a request without credentials (stateless-challenger.ts); false with credentials. */
  challengeStatelessly(
    request: SipRequest,
    origin: RequestOrigin,
    kind: ChallengeKind,
    send: (response: SipResponse) => Promise<void>,
  ): boolean {
    return this.challenger.challenge(request, origin, kind, send);
  }

  /** The extension's own algorithms (#16 item 1), else the global setting (unknown users look the same). */
  private algorithmsOf(row: Ha1Row | undefined): readonly DigestBaseAlgorithm[] {
    return row && row.digestAlgorithms.length > 0 ? row.digestAlgorithms : this.config.auth.algorithms;
  }

  /**
   * Authenticates `incoming`; on failure the response is already sent. `kind` 'www' answers
   * 401 (registrar, RFC 3261 §22.2), 'proxy' 407 (INVITE and other requests we relay, §22.3).
   * Unknown users and wrong passwords get the same 401/407 (no extension enumeration).
   */
  async authenticate(incoming: IncomingSipRequest, kind: ChallengeKind): Promise<SipAuthOutcome> {
    const { request, tx, origin } = incoming;
    const authenticator = this.authenticator;
    if (!authenticator) throw new Error('SipAuthService is not initialised');
    const header = kind === 'www' ? 'Authorization' : 'Proxy-Authorization';
    const credentials = request.getHeaders(header);
    const claimed = claimedUsername(credentials, this.realm);
    // The claimed extension's digest row is in memory, as after the 407 of every call: verify first
    // and settle the outcome with the lock-out in one Redis round trip. Otherwise (an unknown user
    // is read from the database each time) the reservation comes first, so that a locked-out
    // source costs no database read.
    const cached = claimed === undefined ? undefined : this.ha1Rows.known(claimed)?.row;
    if (claimed !== undefined && cached) {
      const settled = await this.verifyThenSettle(incoming, kind, authenticator, claimed, cached);
      if (settled) return settled;
    }
    const admission = await this.lockout.admit(incoming, claimed, credentials.length > 0);
    if (!admission.ok) return admission;
    const { attempt } = admission;
    // The extension's own algorithm list (item of its record), known before any credentials from
    // the AOR (REGISTER's To, RFC 3261 §10.2) or the caller (From). Unknown extensions and those on
    // the global setting get the same challenge.
    const extension = claimed ?? identityUser(request);
    const source = `${origin.host}:${origin.port}`;
    let row: Ha1Row | undefined;
    let algorithms: readonly DigestBaseAlgorithm[];
    let result: AuthResult;
    try {
      row = extension === undefined ? undefined : await this.ha1Rows.get(extension);
      algorithms = this.algorithmsOf(row);
      result = await authenticator.verify(kind, {
        method: request.method,
        requestUri: request.requestUri,
        credentials,
        algorithms,
      });
    } catch (err) {
      // Nothing was verified (the database failed): the attempt is not a guess.
      await attempt?.release();
      return this.unavailable(incoming, extension, err);
    }
    this.observe(row, extension, credentials.length > 0, result, algorithms, source);
    if (result.ok || BENIGN.has(result.reason)) {
      // Not awaited: the request goes on while Redis drops the reservation (one round trip less on
      // the call path; a pair near its failure budget waits for it in AuthAttemptGate, woken when it ends).
      attempt
        ?.release()
        .catch((err: unknown) =>
          this.logger.warn({ err, callId: request.callId }, 'SIP authentication: reservation not released'),
        );
      if (result.ok) {
        // The caller identity of its calls: the name on the authenticated extension's record.
        const own = extension === result.username ? row : await this.ha1Rows.get(result.username);
        return own ? { ...result, displayName: own.displayName } : result;
      }
    } else {
      this.failedOnce(incoming, claimed, result, await this.lockout.failed(attempt));
    }
    tx.respond(challengeResponse(request, result.status, result.headers));
    return { ok: false, status: result.status };
  }

  /**
   * Credentials of `claimed`, whose digest row is cached: verified first (no database read, no
   * Redis), the outcome then settled with the lock-out and the nonce count in one atomic script
   * (AuthFailureLimiter.settle) instead of a reservation before and a nonce-count mark after (two
   * round trips in series on every call's setup). Undefined when verifications in flight fill the
   * pair's failure budget: the caller goes through the reservation, which waits for a slot.
   */
  private async verifyThenSettle(
    incoming: IncomingSipRequest,
    kind: ChallengeKind,
    authenticator: DigestAuthenticator,
    claimed: string,
    row: Ha1Row,
  ): Promise<SipAuthOutcome | undefined> {
    const { request, tx, origin } = incoming;
    const credentials = request.getHeaders(kind === 'www' ? 'Authorization' : 'Proxy-Authorization');
    const algorithms = this.algorithmsOf(row);
    const nonceCount = new DeferredNonceCount();
    let result: AuthResult;
    try {
      result = await authenticator.verify(kind, {
        method: request.method,
        requestUri: request.requestUri,
        credentials,
        algorithms,
        nonceCounts: nonceCount,
      });
    } catch (err) {
      return this.unavailable(incoming, claimed, err);
    }
    const outcome = result.ok ? 'ok' : BENIGN.has(result.reason) ? 'benign' : 'failed';
    const settled = await this.lockout.settle(incoming, claimed, outcome, nonceCount.mark);
    if (settled.kind === 'busy') return undefined;
    if (settled.kind === 'locked') return { ok: false, status: 403 };
    if (settled.kind === 'replayed') {
      // As the authenticator answers a replayed nc (RFC 7616 §3.4): stale, so the UA retries.
      result = {
        ok: false,
        reason: 'replayed-nonce-count',
        status: kind === 'www' ? 401 : 407,
        headers: authenticator.challenge(kind, true, algorithms),
        claimedUsername: claimed,
      };
    }
    this.observe(row, claimed, true, result, algorithms, `${origin.host}:${origin.port}`);
    if (result.ok) return { ...result, displayName: row.displayName };
    if (settled.kind === 'failed') this.failedOnce(incoming, claimed, result, settled.locked);
    tx.respond(challengeResponse(request, result.status, result.headers));
    return { ok: false, status: result.status };
  }

  /** The challenge watch (phones that never answer) and the log of an algorithm not offered. */
  private observe(
    row: Ha1Row | undefined,
    extension: string | undefined,
    withCredentials: boolean,
    result: AuthResult,
    algorithms: readonly DigestBaseAlgorithm[],
    source: string,
  ): void {
    if (!row || extension === undefined) return;
    if (withCredentials) this.watch.answered(extension, source);
    else if (!result.ok) this.watch.challenged({ extension, source, offered: algorithms });
    if (!result.ok && result.reason === 'unsupported-algorithm') {
      this.logger.info(
        { extension, source, offered: algorithms, fix: fixFor(extension, algorithms) },
        'SIP phone answered the digest challenge with an algorithm not offered to it',
      );
    }
  }

  /** A counted failure: logged with the call id, and the lock-out it set now, if any, reported. */
  private failedOnce(
    { request, origin }: IncomingSipRequest,
    claimed: string | undefined,
    result: Extract<AuthResult, { ok: false }>,
    locked: LockScope,
  ): void {
    this.logger.info(
      {
        source: `${origin.host}:${origin.port}`,
        user: result.claimedUsername,
        reason: result.reason,
        locked: locked !== undefined,
        method: request.method,
        callId: request.callId,
        status: result.status,
      },
      'SIP authentication failed',
    );
    if (locked) this.lockout.lockedOut(origin.host, claimed ?? result.claimedUsername, locked, request);
  }

  /**
   * The digest row could not be read and none is cached (PostgreSQL down): a temporary condition,
   * so 503 with Retry-After (RFC 3261 §21.5.4), never 500. The error's text stays in the log.
   */
  private unavailable(
    { request, tx }: IncomingSipRequest,
    user: string | undefined,
    err: unknown,
  ): SipAuthOutcome {
    this.logger.error({ err, callId: request.callId, user }, 'SIP authentication: digest row unreadable');
    const retryAfter = ['Retry-After', String(DB_UNAVAILABLE_RETRY_AFTER)] as const;
    tx.respond(createResponse(request, 503, { reason: 'Service Unavailable', headers: [retryAfter] }));
    return { ok: false, status: 503 };
  }

  private logSilentPhone(c: UnansweredChallenge): void {
    this.logger.info(
      { extension: c.extension, source: c.source, offered: c.offered, fix: fixFor(c.extension, c.offered) },
      'SIP phone did not answer the digest challenge',
    );
  }

  private async lookupHa1(
    username: string,
    realm: string,
    algorithm: DigestBaseAlgorithm,
  ): Promise<string | undefined> {
    const row = await this.ha1Rows.get(username);
    if (!row || !row.enabled || row.sipRealm !== realm) return undefined;
    return (algorithm === 'MD5' ? row.ha1Md5 : row.ha1Sha256) ?? undefined;
  }
}

/** What to change when a phone does not take the challenge it got. */
function fixFor(extension: string, offered: readonly DigestBaseAlgorithm[]): string {
  const setting = `the extension's digest algorithms (admin UI, API digestAlgorithms, or \`switchboard extension set-digest ${extension} MD5\`)`;
  return offered.includes('SHA-256')
    ? `the phone probably supports MD5 only (baresip 1.0, most desk phones): set ${setting} to MD5`
    : `check the phone's password and realm; if it needs SHA-256, set ${setting} to include SHA-256`;
}

/** The username of our realm's credentials, for the lockout check before any database work. */
function claimedUsername(values: readonly string[], realm: string): string | undefined {
  for (const value of values) {
    try {
      const creds = parseDigestCredentials(value);
      if (creds.realm === realm) return creds.username;
    } catch {
      // Malformed credentials: the authenticator reports them.
    }
  }
  return undefined;
}
