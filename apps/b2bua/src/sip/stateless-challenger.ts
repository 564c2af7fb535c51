import { createHash } from 'node:crypto';
import type { Logger } from '@switchboard/config';
import type { ChallengeKind, DigestAuthenticator, DigestBaseAlgorithm } from '@switchboard/dialog';
import { createResponse, type SipRequest, type SipResponse } from '@switchboard/sip';
import type { Clock } from '@switchboard/transactions';
import type { DigestChallengeWatch } from './digest-challenge-watch.js';
import type { Ha1Cache, Ha1Row } from './ha1-cache.js';
import { identityUser } from './request-identity.js';
import type { RequestOrigin } from './sip-request-handler.js';
import { StatelessAnswers } from './stateless-answers.js';

/** Stateless challenges remembered for their retransmissions: this many at most, 64*T1 each. */
const ANSWERS_MAX = 4096;
const ANSWERS_TTL_MS = 32_000;

/** Whether `request` carries credentials of `kind` (RFC 3261 §22.2 Authorization, §22.3 Proxy-Authorization). */
export function hasCredentials(request: SipRequest, kind: ChallengeKind): boolean {
  return request.getHeaders(kind === 'www' ? 'Authorization' : 'Proxy-Authorization').length > 0;
}

export interface StatelessChallengerOptions {
  /** The authenticator once initialised (undefined before: the request goes the stateful way). */
  readonly authenticator: () => DigestAuthenticator | undefined;
  readonly ha1Rows: Ha1Cache;
  readonly watch: DigestChallengeWatch;
  /** The algorithms offered to the extension of `row` (or to an unknown one). */
  readonly algorithmsOf: (row: Ha1Row | undefined) => readonly DigestBaseAlgorithm[];
  readonly logger: Logger;
  readonly clock: Clock;
}

/**
 * The challenge of a request without credentials, sent statelessly (RFC 3261 §8.2.7): no
 * transaction, no Redis, and no database read when the caller's extension row (or its absence)
 * is in the HA1 cache — so a flood of unauthenticated INVITEs or REGISTERs before the flood
 * guard's ban costs a nonce (HMAC, digest-nonce.ts) and one datagram each. The nonce is
 * self-validating, so nothing needs keeping but the answers, for their retransmissions
 * (bounded, StatelessAnswers); a lock-out is met by the credentials.
 */
export class StatelessChallenger {
  private readonly answers: StatelessAnswers;

  constructor(private readonly options: StatelessChallengerOptions) {
    this.answers = new StatelessAnswers({
      maxEntries: ANSWERS_MAX,
      ttlMs: ANSWERS_TTL_MS,
      clock: options.clock,
    });
  }

  /** Stops the expiry of kept answers (at shutdown). */
  stop(): void {
    this.answers.stop();
  }

  /** Answers kept for retransmissions now (memory figures). */
  get size(): number {
    return this.answers.size;
  }

  /** False for a request with credentials (SipAuthService.authenticate verifies it in a transaction). */
  challenge(
    request: SipRequest,
    origin: RequestOrigin,
    kind: ChallengeKind,
    send: (response: SipResponse) => Promise<void>,
  ): boolean {
    const authenticator = this.options.authenticator();
    if (!authenticator || hasCredentials(request, kind)) return false;
    // A retransmission gets the first answer again, or none while that is being made (§17.2.2).
    const before = this.answers.seen(request);
    if (before !== undefined) {
      if (before !== 'pending') this.send(request, before, send);
      return true;
    }
    const { ha1Rows, watch, algorithmsOf, logger } = this.options;
    const extension = identityUser(request);
    const answer = (row: Ha1Row | undefined): void => {
      const algorithms = algorithmsOf(row);
      if (row && extension !== undefined)
        watch.challenged({ extension, source: `${origin.host}:${origin.port}`, offered: algorithms });
      const headers = authenticator.challenge(kind, false, algorithms);
      // §8.2.7: the To tag of a stateless answer is the same for every retransmission of the request.
      const response = challengeResponse(request, kind === 'www' ? 401 : 407, headers, statelessTag(request));
      this.answers.answered(request, response);
      this.send(request, response, send);
    };
    const known = extension === undefined ? { row: undefined } : ha1Rows.known(extension);
    if (known) answer(known.row);
    else
      ha1Rows
        .get(extension ?? '')
        .then(answer, (err: unknown) => {
          // The row is unreadable (PostgreSQL down): the shipped algorithms; the credentials meet the 503.
          logger.warn(
            { err, callId: request.callId, user: extension },
            'digest row unreadable for a challenge',
          );
          answer(undefined);
        })
        .catch((err: unknown) => logger.error({ err, callId: request.callId }, 'stateless challenge failed'));
    return true;
  }

  private send(
    request: SipRequest,
    response: SipResponse,
    send: (response: SipResponse) => Promise<void>,
  ): void {
    send(response).catch((err: unknown) =>
      this.options.logger.warn({ err, callId: request.callId }, 'stateless challenge could not be sent'),
    );
  }
}

/** A 401/407 (or the authenticator's other refusals) carrying the authenticator's headers. */
export function challengeResponse(
  request: SipRequest,
  status: number,
  headers: { name: string; value: string }[],
  toTag?: string,
): SipResponse {
  return createResponse(request, status, {
    headers: headers.map((h) => [h.name, h.value] as const),
    ...(toTag === undefined ? {} : { toTag }),
  });
}

/** A To tag derived from the request's identity (RFC 3261 §8.2.7, §19.3): equal for its retransmissions. */
export function statelessTag(request: SipRequest): string {
  const branch = request.topVia.branch ?? '';
  return createHash('sha256')
    .update(`${request.callId}\0${request.from.tag ?? ''}\0${branch}\0${request.cseq.seq}`)
    .digest('hex')
    .slice(0, 16);
}
