import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Logger, SwitchboardConfig } from '@switchboard/config';
import type { PrismaClient } from '@switchboard/db';
import {
  type AuthFailureReason,
  type ChallengeKind,
  type DigestBaseAlgorithm,
  DigestAuthenticator,
  parseDigestCredentials,
} from '@switchboard/dialog';
import { createResponse, type SipRequest } from '@switchboard/sip';
import type { Redis } from 'ioredis';
import { CONFIG, LOGGER, PRISMA, REDIS } from '../tokens.js';
import { AuthFailureLimiter } from './auth-failure-limiter.js';
import { Ha1Cache } from './ha1-cache.js';
import { loadDigestSecret } from './digest-secret.js';
import { RedisNonceCountStore } from './redis-nonce-count-store.js';
import type { IncomingSipRequest } from './sip-request-handler.js';

export type SipAuthOutcome =
  | { ok: true; username: string; algorithm: DigestBaseAlgorithm }
  /** The stack already answered (401/407 challenge, 403 lockout, or 500 if the database failed). */
  | { ok: false; status: number };

/**
 * How long an extension's digest row is reused between the 407 and the authenticated INVITE, and
 * across calls: a disabled extension or a new password is refused within this time.
 */
const HA1_CACHE_MS = 2000;

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
export class SipAuthService implements OnModuleInit {
  private authenticator: DigestAuthenticator | undefined;
  private readonly limiter: AuthFailureLimiter;
  private readonly ha1Rows: Ha1Cache;

  constructor(
    @Inject(CONFIG) private readonly config: SwitchboardConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(PRISMA) private readonly prisma: PrismaClient,
  ) {
    this.limiter = new AuthFailureLimiter(redis, config.auth, config.sip.domain);
    this.ha1Rows = new Ha1Cache(
      { ttlMs: HA1_CACHE_MS, maxEntries: 10_000, now: () => performance.now() },
      (number) =>
        this.prisma.extension
          .findUnique({
            where: { number },
            select: { enabled: true, sipRealm: true, ha1Md5: true, ha1Sha256: true },
          })
          .then((row) => row ?? undefined),
    );
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

  get realm(): string {
    return this.config.sip.domain;
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
    if (await this.limiter.isLocked(origin.host, claimed)) {
      tx.respond(createResponse(request, 403, { reason: 'Too Many Failed Authentications' }));
      return { ok: false, status: 403 };
    }
    const result = await authenticator.verify(kind, {
      method: request.method,
      requestUri: request.requestUri,
      credentials,
    });
    if (result.ok) return result;
    if (!BENIGN.has(result.reason)) {
      const locked = await this.limiter.recordFailure(origin.host, result.claimedUsername ?? claimed);
      this.logger.info(
        {
          source: `${origin.host}:${origin.port}`,
          user: result.claimedUsername,
          reason: result.reason,
          locked,
        },
        'SIP authentication failed',
      );
    }
    tx.respond(challenge(request, result.status, result.headers));
    return { ok: false, status: result.status };
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

function challenge(request: SipRequest, status: number, headers: { name: string; value: string }[]) {
  return createResponse(request, status, { headers: headers.map((h) => [h.name, h.value] as const) });
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
