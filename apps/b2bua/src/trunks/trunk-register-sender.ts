import { randomUUID } from 'node:crypto';
import type { Logger } from '@switchboard/config';
import type { TrunkSettings } from '@switchboard/db';
import { DigestClient } from '@switchboard/dialog';
import { createRequest, generateTag, parseUri, type SipMessage, SipResponse } from '@switchboard/sip';
import type { ResolvedTarget, TransportProtocol } from '@switchboard/transactions';
import type { SipStackService } from '../sip/sip-stack.service.js';
import type { RegisterOutcome, RegisterSender } from './trunk-registration-machine.js';
import { providerHost, providerTargets } from './trunk-provider-targets.js';

/** The parts of the SIP stack a trunk registration uses. */
export type TrunkSipPort = Pick<SipStackService, 'sendRequest' | 'resolve' | 'localUri'>;

const PROTOCOL: Record<TrunkSettings['transport'], TransportProtocol> = {
  udp: 'UDP',
  tcp: 'TCP',
  tls: 'TLS',
};

/**
 * Sends the REGISTERs of one trunk (RFC 3261 §10.2): one Call-ID and From tag for the life of this
 * registration and a CSeq that grows by one per request (§10.2: the registrar orders our requests by
 * it), the address-of-record `sip:<fromUser>@<fromDomain>` in From and To, our Contact, and answers to
 * 401/407 challenges with the trunk's credentials (MD5 or SHA-256 per RFC 8760, qop=auth, nc counted
 * per nonce by the DigestClient). A second challenge after our credentials is the provider's refusal.
 * The registrar is the outbound proxy when set, else the provider host, located by RFC 3263; the next
 * target is tried when one does not answer.
 */
export class TrunkRegisterSender implements RegisterSender {
  private readonly callId = `${randomUUID()}@switchboard-trunk`;
  private readonly fromTag = generateTag();
  private cseq = 0;
  private readonly digest: DigestClient | undefined;
  private readonly aor: string;
  private readonly user: string;

  constructor(
    private readonly trunk: TrunkSettings,
    private readonly port: TrunkSipPort,
    private readonly logger: Logger,
  ) {
    this.user = registrationUser(trunk);
    this.aor = `sip:${this.user}@${trunk.fromDomain ?? trunk.host}`;
    this.digest =
      trunk.authUsername !== null && trunk.password !== undefined
        ? new DigestClient({ username: trunk.authUsername, password: trunk.password })
        : undefined;
  }

  send(expires: number, done: (outcome: RegisterOutcome) => void): void {
    this.targets()
      .then((targets) => {
        if (targets.length === 0)
          done({ kind: 'no-answer', reason: `no address for ${this.registrarHost()}` });
        else this.attempt(expires, targets, 0, [], done);
      })
      .catch((err: unknown) => {
        this.logger.warn({ err, trunk: this.trunk.name }, 'trunk registrar could not be resolved');
        done({ kind: 'no-answer', reason: `cannot resolve ${this.registrarHost()}` });
      });
  }

  /** Our Contact for this trunk (the address the provider sends inbound calls to). */
  contact(): string {
    return this.port.localUri(PROTOCOL[this.trunk.transport], this.user);
  }

  private attempt(
    expires: number,
    targets: readonly ResolvedTarget[],
    index: number,
    auth: ReadonlyArray<{ name: string; value: string }>,
    done: (outcome: RegisterOutcome) => void,
  ): void {
    const target = targets[index];
    if (target === undefined) return;
    const request = this.build(expires, auth);
    const next = (reason: string): void => {
      if (index + 1 < targets.length) this.attempt(expires, targets, index + 1, auth, done);
      else done({ kind: 'no-answer', reason });
    };
    try {
      this.port.sendRequest(request, target, {
        onResponse: (response: SipMessage, status: number) => {
          if (status < 200 || !(response instanceof SipResponse)) return;
          if ((status === 401 || status === 407) && auth.length === 0 && this.digest) {
            const challenges = response.getHeaders(
              status === 401 ? 'WWW-Authenticate' : 'Proxy-Authenticate',
            );
            const answer = this.digest.answer(status, challenges, {
              method: 'REGISTER',
              uri: this.requestUri(),
            });
            if (answer.length > 0) {
              this.attempt(expires, targets, index, answer, done);
              return;
            }
          }
          done(this.outcomeOf(response, status, expires));
        },
        onTimeout: () => next('timeout'),
        onTransportError: (err) => next(`transport error: ${err.message}`),
      });
    } catch (err) {
      next(`cannot send: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private outcomeOf(response: SipResponse, status: number, asked: number): RegisterOutcome {
    const reason = response.reason;
    if (status >= 200 && status < 300) return { kind: 'registered', expires: this.granted(response, asked) };
    if (status === 423) {
      const minExpires = response.minExpires;
      return minExpires === undefined
        ? { kind: 'rejected', status, reason: `${reason} (no Min-Expires)` }
        : { kind: 'interval-too-brief', minExpires, reason };
    }
    const retryAfter = response.retryAfter?.seconds;
    return { kind: 'rejected', status, reason, ...(retryAfter !== undefined ? { retryAfter } : {}) };
  }

  /**
   * RFC 3261 §10.2.4: the 200 lists every binding of the AOR; ours carries the expiry the registrar
   * chose in its `expires` parameter, else the Expires header applies, else what we asked for.
   */
  private granted(response: SipResponse, asked: number): number {
    const ours = this.contact();
    const contacts = response.contacts;
    if (contacts !== '*') {
      for (const c of contacts) {
        if (sameContact(c.uriText, ours) && c.expires !== undefined) return c.expires;
      }
    }
    return response.expires ?? asked;
  }

  private build(expires: number, auth: ReadonlyArray<{ name: string; value: string }>) {
    this.cseq += 1;
    const proxy = this.trunk.outboundProxy;
    return createRequest({
      method: 'REGISTER',
      uri: this.requestUri(),
      headers: [
        // RFC 3261 §8.1.2: a request sent to an outbound proxy carries it as a loose route.
        ...(proxy !== null ? [['Route', `<sip:${proxy};lr>`] as const] : []),
        ['Max-Forwards', 70],
        ['From', `<${this.aor}>;tag=${this.fromTag}`],
        ['To', `<${this.aor}>`],
        ['Call-ID', this.callId],
        ['CSeq', `${this.cseq} REGISTER`],
        ['Contact', `<${this.contact()}>`],
        ['Expires', expires],
        ['User-Agent', 'Switchboard'],
        ...auth.map((h) => [h.name, h.value] as const),
      ],
    });
  }

  /** RFC 3261 §10.2: the Request-URI names the registrar's domain, without a user part. */
  private requestUri(): string {
    const port = this.trunk.port !== null && this.trunk.outboundProxy === null ? `:${this.trunk.port}` : '';
    const transport = this.trunk.transport === 'udp' ? '' : `;transport=${this.trunk.transport}`;
    return `sip:${this.trunk.fromDomain ?? this.trunk.host}${port}${transport}`;
  }

  private registrarHost(): string {
    return providerHost(this.trunk);
  }

  private targets(): Promise<ResolvedTarget[]> {
    return providerTargets(this.trunk, (input) => this.port.resolve(input));
  }
}

/** The user part of the Contact we register for a trunk: a provider sends our calls to it. */
export function registrationUser(trunk: TrunkSettings): string {
  return trunk.fromUser ?? trunk.authUsername ?? trunk.name;
}

/** RFC 3261 §10.3 step 6 compares Contact URIs by §19.1.4 URI equality; user, host and port suffice here. */
function sameContact(a: string, b: string): boolean {
  try {
    const x = parseUri(a);
    const y = parseUri(b);
    if (x.kind !== 'sip' || y.kind !== 'sip') return false;
    return (
      x.user === y.user &&
      x.host.toLowerCase() === y.host.toLowerCase() &&
      (x.port ?? 5060) === (y.port ?? 5060)
    );
  } catch {
    return false;
  }
}
