import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Logger, SwitchboardConfig } from '@switchboard/config';
import { createResponse, generateTag, unescapeUriPart, type SipRequest } from '@switchboard/sip';
import { NODE_ID } from '../registrar/node-id.js';
import { LocalDomain } from '../sip/local-domain.js';
import { SipAuthService } from '../sip/sip-auth.service.js';
import type { IncomingSipRequest, SipRequestHandler } from '../sip/sip-request-handler.js';
import { SipStackService } from '../sip/sip-stack.service.js';
import { uasNeedsSipsContact } from '../sip/sips-contact.js';
import { CONFIG, LOGGER } from '../tokens.js';
import type { EventPackage } from './event-package.js';
import { subscriptionId, type EventSubscription } from './event-subscription.js';
import { badEvent, decideSubscribe, type SubscribeDecision } from './subscribe-decision.js';

type Reply = (status: number, reason: string, headers?: ReadonlyArray<readonly [string, string]>) => void;
type Accepted = Exclude<SubscribeDecision, { kind: 'reject' }>;

/** The event packages the SUBSCRIBE handler serves (each module adds its own). */
export const EVENT_PACKAGES = Symbol('EVENT_PACKAGES');

/**
 * SUBSCRIBE for the packages we serve (RFC 6665 §4.2.1): digest-authenticated extensions subscribe
 * to a resource the package allows them to watch; 200 then an immediate NOTIFY with the full state;
 * refresh and unsubscribe inside the dialog; other event packages get 489 with Allow-Events.
 */
@Injectable()
export class SubscribeHandler implements SipRequestHandler, OnModuleInit {
  private readonly local: LocalDomain;
  private readonly packages: ReadonlyMap<string, EventPackage>;

  constructor(
    @Inject(CONFIG) private readonly config: SwitchboardConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(SipStackService) private readonly stack: SipStackService,
    @Inject(SipAuthService) private readonly auth: SipAuthService,
    @Inject(EVENT_PACKAGES) packages: readonly EventPackage[],
  ) {
    this.local = new LocalDomain(config);
    this.packages = new Map(packages.map((p) => [p.event, p]));
  }

  onModuleInit(): void {
    // The subscription ends here (we are the notifier), so Max-Forwards 0 is still served.
    this.stack.registerHandler('SUBSCRIBE', this, { local: true });
  }

  async handle(incoming: IncomingSipRequest): Promise<void> {
    const { request, tx } = incoming;
    const reply: Reply = (status, reason, headers) =>
      tx.respond(createResponse(request, status, { reason, ...(headers ? { headers: [...headers] } : {}) }));

    if (!this.local.owns(request.uri)) {
      reply(404, 'Domain Not Served Here');
      return;
    }
    const pkg = this.packages.get(request.event?.type.toLowerCase() ?? '');
    if (!pkg) {
      // Before the challenge: which packages we serve is no secret, and the phone learns it at once.
      answer(reply, badEvent([...this.packages.keys()]));
      return;
    }
    const auth = await this.auth.authenticate(incoming, 'www');
    if (!auth.ok) return;

    const resource = resourceOf(request, this.local);
    if (resource === undefined) {
      reply(404, 'Not Found');
      return;
    }
    const refusal = await pkg.authorize(auth.username, resource, request);
    if (refusal) {
      reply(refusal.status, refusal.reason);
      return;
    }
    const account = pkg.accountOf(resource);
    const toTag = request.to.tag;
    const existing =
      toTag === undefined ? undefined : await pkg.store.get(account, subscriptionId(request.callId, toTag));
    const decision = decideSubscribe(factsOf(request, existing), this.config.mwi, pkg);
    if (decision.kind === 'reject') {
      answer(reply, decision);
      return;
    }
    const now = Date.now();
    const sub = existing
      ? refreshed(existing, request, decision, now)
      : this.created(incoming, pkg, { resource, watcher: auth.username }, decision, now);
    // Stored before the 200, so that a subscription we accepted can always be NOTIFYed and refreshed.
    if (decision.kind === 'subscribe') await pkg.store.save(sub, now);
    tx.respond(
      createResponse(request, 200, {
        ...(existing ? {} : { toTag: sub.localTag }),
        headers: [
          ['Contact', `<${sub.localContact}>`],
          ['Expires', decision.kind === 'subscribe' ? decision.expires : 0],
        ],
      }),
    );
    if (decision.kind === 'unsubscribe') {
      // RFC 6665 §4.2.1.4: a final NOTIFY; for an initial SUBSCRIBE with Expires 0 it is a one-time fetch.
      await pkg.notifyFullState(sub, { state: 'terminated', reason: 'timeout' });
      this.logger.debug({ event: pkg.event, resource, id: sub.id }, 'unsubscribe');
      return;
    }
    pkg.notifier.armExpiry(sub, now);
    // §4.2.1.2: a NOTIFY right after every accepted SUBSCRIBE, initial or refresh.
    await pkg.notifyFullState(sub, { state: 'active', expires: decision.expires });
    this.logger.debug(
      { event: pkg.event, resource, id: sub.id, expires: decision.expires, refresh: !!existing },
      'subscription',
    );
  }

  private created(
    { request, origin }: IncomingSipRequest,
    pkg: EventPackage,
    who: { resource: string; watcher: string },
    decision: Accepted,
    now: number,
  ): EventSubscription {
    const localTag = generateTag();
    const account = pkg.accountOf(who.resource);
    return {
      id: subscriptionId(request.callId, localTag),
      event: pkg.event,
      extension: who.resource,
      account,
      watcher: who.watcher,
      callId: request.callId,
      localTag,
      remoteTag: request.from.tag ?? '',
      localHeader: `${request.getHeader('To') ?? `<${account}>`};tag=${localTag}`,
      remoteHeader: request.getHeader('From') ?? '',
      remoteTarget: firstContact(request) ?? request.from.uriText,
      routeSet: request.getHeaderValues('Record-Route'),
      localContact: pkg.notifier.localContact(origin.protocol, who.resource, uasNeedsSipsContact(request)),
      destination: { host: origin.host, port: origin.port, protocol: origin.protocol },
      ...(request.event?.id === undefined ? {} : { eventId: request.event.id }),
      remoteSeq: request.cseq.seq,
      expiresAt: now + (decision.kind === 'subscribe' ? decision.expires * 1000 : 0),
      createdAt: now,
      node: NODE_ID,
    };
  }
}

function answer(reply: Reply, decision: SubscribeDecision): void {
  if (decision.kind === 'reject') reply(decision.status, decision.reason, decision.headers);
}

function factsOf(
  request: SipRequest,
  existing: EventSubscription | undefined,
): Parameters<typeof decideSubscribe>[0] {
  return {
    accept: request.getHeaderValues('Accept'),
    expires: request.expires,
    inDialog: request.to.tag !== undefined,
    fromTag: request.from.tag,
    cseq: request.cseq.seq,
    existing,
  };
}

/** A refresh moves the expiry and the remote target (SUBSCRIBE is a target refresh, RFC 6665 §4.1.2.1). */
function refreshed(
  sub: EventSubscription,
  request: SipRequest,
  decision: Accepted,
  now: number,
): EventSubscription {
  return {
    ...sub,
    remoteTarget: firstContact(request) ?? sub.remoteTarget,
    remoteSeq: request.cseq.seq,
    expiresAt: decision.kind === 'subscribe' ? now + decision.expires * 1000 : now,
    node: NODE_ID,
  };
}

function firstContact(request: SipRequest): string | undefined {
  const contacts = request.contacts;
  return contacts === '*' ? undefined : contacts[0]?.uriText;
}

/**
 * The watched resource: the Request-URI's user (RFC 3842 §4, RFC 4235 §3.1), else the To user
 * (in-dialog requests go to our Contact).
 */
function resourceOf(request: SipRequest, local: LocalDomain): string | undefined {
  const target = request.uri;
  if (target.kind === 'sip' && target.user) return unescapeUriPart(target.user);
  const to = request.to.uri;
  if (to.kind !== 'sip' || !to.user || !local.owns(to)) return undefined;
  return unescapeUriPart(to.user);
}
