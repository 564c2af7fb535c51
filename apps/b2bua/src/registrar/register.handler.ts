import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Logger, SwitchboardConfig } from '@switchboard/config';
import { METRICS, type ProcessMetrics } from '@switchboard/metrics';
import type { Counter } from 'prom-client';
import { redisKeys } from '@switchboard/live-state';
import type { Redis } from 'ioredis';
import {
  createResponse,
  formatDate,
  formatUri,
  type SipRequest,
  type SipResponse,
  unescapeUriPart,
} from '@switchboard/sip';
import { CONFIG, LOGGER, REDIS } from '../tokens.js';
import { SipAuthService } from '../sip/sip-auth.service.js';
import type { IncomingSipRequest, RequestOrigin, SipRequestHandler } from '../sip/sip-request-handler.js';
import { SipStackService } from '../sip/sip-stack.service.js';
import { contactHeaderValues, planBindings } from './contact-bindings.js';
import { NatKeepAliveService } from './nat-keepalive.service.js';
import { RegistrationBindingStore } from './registration-binding.store.js';
import { RegistrationFlowsService } from './registration-flows.service.js';
import { LocalDomain } from '../sip/local-domain.js';
import { pathToEcho } from './registration-path.js';

import { NODE_ID } from './node-id.js';

export { NODE_ID };

/**
 * The registrar (RFC 3261 §10.3), step by step; bindings go to Redis through
 * RegistrationBindingStore. Step 2 (Require → 420) is done by the SIP stack for every request.
 */
@Injectable()
export class RegisterHandler implements SipRequestHandler, OnModuleInit {
  private readonly local: LocalDomain;
  private readonly answers: Counter<'status'>;

  constructor(
    @Inject(CONFIG) private readonly config: SwitchboardConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(SipStackService) private readonly stack: SipStackService,
    @Inject(SipAuthService) private readonly auth: SipAuthService,
    @Inject(RegistrationBindingStore) private readonly store: RegistrationBindingStore,
    @Inject(NatKeepAliveService) private readonly natKeepAlive: NatKeepAliveService,
    @Inject(RegistrationFlowsService) private readonly flows: RegistrationFlowsService,
    @Inject(METRICS) metrics: ProcessMetrics,
    @Inject(REDIS) redis: Redis,
  ) {
    this.local = new LocalDomain(config);
    this.answers = metrics.counter({
      name: 'switchboard_register_requests_total',
      help: 'REGISTER requests by the final status we answered (200 accepted; 404, 403, 423, 400, 500 refused; 401 challenges and lock-outs are counted by the digest layer)',
      labelNames: ['status'],
    });
    metrics.gauge({
      name: 'switchboard_registered_aors',
      help: 'Addresses of record with at least one live binding (all signalling processes, from Redis)',
      async collect() {
        this.set(await redis.zcount(redisKeys.registrations, Date.now(), '+inf'));
      },
    });
  }

  onModuleInit(): void {
    this.stack.registerHandler('REGISTER', this, { local: true });
    this.stack.addSupported('outbound');
    // RFC 3327 §5.3: we store Path and route requests to the contact through it.
    this.stack.addSupported('path');
  }

  /** Step 3's challenge of a REGISTER without credentials, for a domain we serve, is stateless. */
  screen(
    request: SipRequest,
    origin: RequestOrigin,
    send: (response: SipResponse) => Promise<void>,
  ): boolean {
    return this.local.owns(request.uri) && this.auth.challengeStatelessly(request, origin, 'www', send);
  }

  get aorDomain(): string {
    return this.config.sip.domain;
  }

  async handle(incoming: IncomingSipRequest): Promise<void> {
    const { request, tx, origin } = incoming;
    const source = `${origin.protocol} ${origin.host}:${origin.port}`;
    /** A refusal: counted and logged at info with its reason (an operator's first question). */
    const reply = (status: number, reason?: string, headers?: Record<string, string>): void => {
      tx.respond(
        createResponse(request, status, { ...(reason ? { reason } : {}), ...(headers ? { headers } : {}) }),
      );
      this.answers.inc({ status: String(status) });
      this.logger.info(
        {
          event: 'register-refused',
          status,
          reason,
          to: formatUri(request.to.uri),
          source,
          sipCallId: request.callId,
        },
        `REGISTER refused: ${status} ${reason ?? ''}`.trimEnd(),
      );
    };

    // Step 1: the Request-URI names a domain we serve (we do not forward REGISTERs).
    const target = request.uri;
    if (!this.local.owns(target)) {
      reply(404, 'Domain Not Served Here');
      return;
    }

    // Step 3: authenticate (401 challenge, SHA-256 and MD5 offered).
    const auth = await this.auth.authenticate(incoming, 'www');
    if (!auth.ok) return;

    // Steps 4 and 5: the To URI is the AOR of the authenticated extension, in our domain.
    const user = addressOfRecordUser(request, this.local);
    if (user === undefined) {
      reply(404, 'Unknown Address Of Record');
      return;
    }
    if (user !== auth.username) {
      reply(403, 'Not Allowed To Register This Address Of Record');
      return;
    }
    const aor = `sip:${user}@${this.aorDomain}`;

    // Steps 6 and 7: Contact processing, then one atomic update with the Call-ID/CSeq rule.
    const now = Date.now();
    const plan = planBindings(request, {
      aor,
      now,
      origin,
      node: NODE_ID,
      minExpires: this.config.registrar.minExpires,
      maxExpires: this.config.registrar.maxExpires,
    });
    if (plan.kind === 'reject') {
      reply(plan.status, plan.reason, plan.headers);
      return;
    }
    const seq = { callId: request.callId, cseq: request.cseq.seq };
    const result =
      plan.kind === 'query'
        ? { ok: true as const, bindings: await this.store.current(aor, now) }
        : await this.store.apply(
            aor,
            seq,
            plan.kind === 'remove-all' ? { wildcard: true } : { wildcard: false, changes: plan.changes },
            now,
          );
    if (!result.ok) {
      // §10.3 step 7: a REGISTER older than what we stored (same Call-ID, CSeq not higher) fails.
      reply(500, 'Out Of Order CSeq For This Binding');
      return;
    }

    if (plan.kind !== 'query') this.flows.sync(aor, result.bindings, now);

    // Step 8: 200 with every current binding and its remaining time, plus Date (§20.17).
    tx.respond(
      createResponse(request, 200, {
        headers: [
          ...contactHeaderValues(result.bindings, now).map((c) => ['Contact', c] as const),
          ['Date', formatDate(new Date(now))],
          ...(plan.kind === 'update' ? pathHeadersOf(request, plan.path) : []),
          ...(plan.kind === 'update' && plan.outbound
            ? outboundHeadersOf(this.config.registrar.flowTimer)
            : []),
        ],
      }),
    );
    if (plan.kind !== 'query') this.natKeepAlive.keepAlive.registered(aor, result.bindings, NODE_ID);
    this.answers.inc({ status: '200' });
    this.logger.info(
      { event: 'register', aor, source, bindings: result.bindings.length, sipCallId: request.callId },
      plan.kind === 'query' ? 'REGISTER query answered' : 'REGISTER accepted',
    );
  }
}

/**
 * RFC 5626 §6: the 200 to a REGISTER that used outbound carries `Require: outbound`, and Flow-Timer
 * (§4.4.1) tells the phone how often to send its CRLF keep-alive on the flow.
 */
function outboundHeadersOf(flowTimer: number): (readonly [string, string])[] {
  return [
    ['Require', 'outbound'],
    ['Supported', 'outbound'],
    ...(flowTimer > 0 ? [['Flow-Timer', String(flowTimer)] as const] : []),
  ];
}

/** RFC 3327 §5.3: the stored Path values, echoed in the 200 to a UA that supports path. */
function pathHeadersOf(
  request: SipRequest,
  path: readonly string[] | undefined,
): (readonly [string, string])[] {
  return (pathToEcho(request, path) ?? []).map((value) => ['Path', value] as const);
}

/** The extension number in the To URI when its host is ours (§10.3 step 5), else undefined. */
function addressOfRecordUser(request: SipRequest, local: LocalDomain): string | undefined {
  const uri = request.to.uri;
  if (uri.kind !== 'sip' || uri.user === undefined || uri.user === '') return undefined;
  if (!local.owns(uri)) return undefined;
  return unescapeUriPart(uri.user);
}
