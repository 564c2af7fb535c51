import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Logger, SwitchboardConfig } from '@switchboard/config';
import { createResponse, generateTag, unescapeUriPart, type SipRequest } from '@switchboard/sip';
import { NODE_ID } from '../registrar/node-id.js';
import { SipAuthService } from '../sip/sip-auth.service.js';
import type { IncomingSipRequest, SipRequestHandler } from '../sip/sip-request-handler.js';
import { SipStackService } from '../sip/sip-stack.service.js';
import { uasNeedsSipsContact } from '../sip/sips-contact.js';
import { CONFIG, LOGGER } from '../tokens.js';
import { MESSAGE_SUMMARY_EVENT } from './message-summary-body.js';
import { subscriptionId, type MwiSubscription } from './mwi-subscription.js';
import { MwiSubscriptionStore } from './mwi-subscription.store.js';
import { MwiNotifierService } from './mwi-notifier.service.js';
import { decideSubscribe, type SubscribeDecision } from './subscribe-decision.js';
import { LocalDomain } from '../sip/local-domain.js';

type Reply = (status: number, reason: string, headers?: ReadonlyArray<readonly [string, string]>) => void;

/**
 * SUBSCRIBE for `message-summary` (RFC 3842, RFC 6665 §4.2.1): digest-authenticated extensions
 * subscribe to their own mailbox; 200 then an immediate NOTIFY with the counts; refresh and
 * unsubscribe inside the dialog; other event packages get 489.
 */
@Injectable()
export class SubscribeHandler implements SipRequestHandler, OnModuleInit {
  private readonly local: LocalDomain;

  constructor(
    @Inject(CONFIG) private readonly config: SwitchboardConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(SipStackService) private readonly stack: SipStackService,
    @Inject(SipAuthService) private readonly auth: SipAuthService,
    @Inject(MwiSubscriptionStore) private readonly store: MwiSubscriptionStore,
    @Inject(MwiNotifierService) private readonly notifier: MwiNotifierService,
  ) {
    this.local = new LocalDomain(config);
  }

  onModuleInit(): void {
    // The subscription ends here (we are the notifier), so Max-Forwards 0 is still served.
    this.stack.registerHandler('SUBSCRIBE', this, { local: true });
  }

  async handle(incoming: IncomingSipRequest): Promise<void> {
    const { request, tx } = incoming;
    const reply: Reply = (status, reason, headers) =>
      tx.respond(createResponse(request, status, { reason, ...(headers ? { headers: [...headers] } : {}) }));

    const target = request.uri;
    if (!this.local.owns(target)) {
      reply(404, 'Domain Not Served Here');
      return;
    }
    const event = request.event;
    if (event?.type.toLowerCase() !== MESSAGE_SUMMARY_EVENT) {
      // Before the challenge: which packages we serve is no secret, and the phone learns it at once.
      this.answer(reply, decideSubscribe(factsOf(request, undefined), this.config.mwi));
      return;
    }
    const auth = await this.auth.authenticate(incoming, 'www');
    if (!auth.ok) return;

    const mailbox = mailboxOf(request, this.local);
    if (mailbox === undefined) {
      reply(404, 'No Such Mailbox');
      return;
    }
    if (mailbox !== auth.username) {
      // A phone reads its own mailbox's state only (the counts say who has messages).
      reply(403, 'Not Allowed To Subscribe To This Mailbox');
      return;
    }
    const toTag = request.to.tag;
    const existing =
      toTag === undefined
        ? undefined
        : await this.store.get(this.notifier.accountOf(mailbox), subscriptionId(request.callId, toTag));
    const decision = decideSubscribe(factsOf(request, existing), this.config.mwi);
    if (decision.kind === 'reject') {
      this.answer(reply, decision);
      return;
    }
    const now = Date.now();
    const sub = existing
      ? refreshed(existing, request, decision, now)
      : this.created(incoming, mailbox, decision, now);
    // Stored before the 200, so that a subscription we accepted can always be NOTIFYed and refreshed.
    if (decision.kind === 'subscribe') await this.store.save(sub, now);
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
      await this.notifier.notifyWithCounts(sub, { state: 'terminated', reason: 'timeout' });
      this.logger.debug({ mailbox, id: sub.id }, 'MWI unsubscribe');
      return;
    }
    this.notifier.armExpiry(sub, now);
    // §4.2.1.2: a NOTIFY right after every accepted SUBSCRIBE, initial or refresh.
    await this.notifier.notifyWithCounts(sub, { state: 'active', expires: decision.expires });
    this.logger.debug(
      { mailbox, id: sub.id, expires: decision.expires, refresh: !!existing },
      'MWI subscription',
    );
  }

  private answer(reply: Reply, decision: SubscribeDecision): void {
    if (decision.kind === 'reject') reply(decision.status, decision.reason, decision.headers);
  }

  private created(
    { request, origin }: IncomingSipRequest,
    mailbox: string,
    decision: Exclude<SubscribeDecision, { kind: 'reject' }>,
    now: number,
  ): MwiSubscription {
    const localTag = generateTag();
    const contact = firstContact(request);
    return {
      id: subscriptionId(request.callId, localTag),
      extension: mailbox,
      account: this.notifier.accountOf(mailbox),
      callId: request.callId,
      localTag,
      remoteTag: request.from.tag ?? '',
      localHeader: `${request.getHeader('To') ?? `<${this.notifier.accountOf(mailbox)}>`};tag=${localTag}`,
      remoteHeader: request.getHeader('From') ?? '',
      remoteTarget: contact ?? request.from.uriText,
      routeSet: request.getHeaderValues('Record-Route'),
      localContact: this.notifier.localContact(origin.protocol, mailbox, uasNeedsSipsContact(request)),
      destination: { host: origin.host, port: origin.port, protocol: origin.protocol },
      ...(request.event?.id === undefined ? {} : { eventId: request.event.id }),
      remoteSeq: request.cseq.seq,
      expiresAt: now + (decision.kind === 'subscribe' ? decision.expires * 1000 : 0),
      createdAt: now,
      node: NODE_ID,
    };
  }
}

function factsOf(
  request: SipRequest,
  existing: MwiSubscription | undefined,
): Parameters<typeof decideSubscribe>[0] {
  return {
    eventType: request.event?.type,
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
  sub: MwiSubscription,
  request: SipRequest,
  decision: Exclude<SubscribeDecision, { kind: 'reject' }>,
  now: number,
): MwiSubscription {
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

/** The mailbox: the Request-URI's user (RFC 3842 §4), else the To user (in-dialog requests go to our Contact). */
function mailboxOf(request: SipRequest, local: LocalDomain): string | undefined {
  const target = request.uri;
  if (target.kind === 'sip' && target.user) return unescapeUriPart(target.user);
  const to = request.to.uri;
  if (to.kind !== 'sip' || !to.user || !local.owns(to)) return undefined;
  return unescapeUriPart(to.user);
}
