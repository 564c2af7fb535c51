import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger, SwitchboardConfig } from '@switchboard/config';
import { redisKeys } from '@switchboard/live-state';
import type { SipRequest } from '@switchboard/sip';
import type { Clock } from '@switchboard/transactions';
import type { Redis } from 'ioredis';
import { bindingDestination } from '../calls/legs/leg-destination.js';
import { RegistrationBindingStore } from '../registrar/registration-binding.store.js';
import { SipStackService } from '../sip/sip-stack.service.js';
import { uacNeedsSipsContact } from '../sip/sips-contact.js';
import type { EventPackage, Refusal } from '../subscriptions/event-package.js';
import type { EventSubscription } from '../subscriptions/event-subscription.js';
import type { NotifyContent, NotifyState } from '../subscriptions/notify-request.js';
import {
  secondsLeft,
  SubscriptionNotifier,
  type NotifyOutcome,
} from '../subscriptions/subscription-notifier.js';
import { NODE_ID } from '../registrar/node-id.js';
import { SubscriptionStore } from '../subscriptions/subscription.store.js';
import { CONFIG, LOGGER, REDIS, SIP_CLOCK } from '../tokens.js';
import type { MessageWaitingNotifier } from '../voicemail/message-waiting-notifier.js';
import { MailboxCountsRepository } from './mailbox-counts.repository.js';
import {
  buildMessageSummary,
  MESSAGE_SUMMARY_EVENT,
  MESSAGE_SUMMARY_TYPE,
  type MailboxCounts,
} from './message-summary-body.js';
import { buildUnsolicitedNotify } from './unsolicited-notify.js';

export type { NotifyOutcome };

/** RFC 3842 §4 suggests hour-long subscriptions when the subscriber names no duration. */
export const DEFAULT_MWI_EXPIRES = 3600;

/** What one mailbox change did, for logs and tests. */
export interface MailboxNotifyReport {
  readonly counts: MailboxCounts;
  readonly subscriptions: ReadonlyArray<{ readonly id: string; readonly outcome: NotifyOutcome }>;
  readonly unsolicited: ReadonlyArray<{ readonly contact: string; readonly outcome: NotifyOutcome }>;
}

/**
 * The message-summary event package (RFC 3842) in a signalling process: a phone watches its own
 * mailbox; NOTIFYs carry the counts from PostgreSQL to every live subscription of a mailbox (and, when
 * configured, unsolicited ones to registered phones without a subscription).
 */
@Injectable()
export class MwiNotifierService implements MessageWaitingNotifier, EventPackage, OnApplicationShutdown {
  readonly event = MESSAGE_SUMMARY_EVENT;
  readonly contentType = MESSAGE_SUMMARY_TYPE;
  readonly defaultExpires = DEFAULT_MWI_EXPIRES;
  readonly store: SubscriptionStore;
  readonly notifier: SubscriptionNotifier;

  constructor(
    @Inject(CONFIG) private readonly config: SwitchboardConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(SipStackService) stack: SipStackService,
    @Inject(REDIS) redis: Redis,
    @Inject(MailboxCountsRepository) private readonly mailboxes: MailboxCountsRepository,
    @Inject(RegistrationBindingStore) private readonly registrations: RegistrationBindingStore,
    @Inject(SIP_CLOCK) clock: Clock,
  ) {
    this.store = new SubscriptionStore(
      redis,
      {
        subscriptions: redisKeys.mwiSubscriptions,
        notifySeq: redisKeys.mwiNotifySeq,
      },
      NODE_ID,
    );
    this.notifier = new SubscriptionNotifier(stack, this.store, logger, clock, (sub) =>
      this.notifyFullState(sub, { state: 'terminated', reason: 'timeout' }),
    );
  }

  onApplicationShutdown(): void {
    this.notifier.stop();
  }

  accountOf(extension: string): string {
    return `sip:${extension}@${this.config.sip.domain}`;
  }

  /** A phone reads its own mailbox's state only (the counts say who has messages). */
  authorize(watcher: string, mailbox: string): Promise<Refusal | undefined> {
    return Promise.resolve(
      mailbox === watcher ? undefined : { status: 403, reason: 'Not Allowed To Subscribe To This Mailbox' },
    );
  }

  async mailboxChanged(extensionNumber: string): Promise<void> {
    await this.notifyMailbox(extensionNumber);
  }

  /** NOTIFYs every live subscription of the mailbox (and unsolicited ones if configured), with fresh counts. */
  async notifyMailbox(extension: string, now = Date.now()): Promise<MailboxNotifyReport> {
    const [counts, subs] = await Promise.all([
      this.mailboxes.counts(extension),
      this.store.live(this.accountOf(extension), now),
    ]);
    const body = this.body(extension, counts);
    const subscriptions = await Promise.all(
      subs.map(async (sub) => ({
        id: sub.id,
        outcome: await this.notifier.notify(
          sub,
          { state: 'active', expires: secondsLeft(sub, now) },
          { contentType: MESSAGE_SUMMARY_TYPE, body },
        ),
      })),
    );
    const unsolicited =
      this.config.mwi.unsolicited && subs.length === 0
        ? await this.notifyRegistered(extension, body, now)
        : [];
    this.logger.debug({ extension, counts, subscriptions, unsolicited }, 'message-waiting NOTIFYs sent');
    return { counts, subscriptions, unsolicited };
  }

  /** NOTIFY in a subscription's dialog with the current counts; drops the subscription when the phone is gone. */
  async notifyFullState(sub: EventSubscription, state: NotifyState): Promise<NotifyOutcome> {
    return this.notifier.notify(sub, state, await this.content(sub.extension));
  }

  private async content(extension: string): Promise<NotifyContent> {
    const counts = await this.mailboxes.counts(extension);
    return { contentType: MESSAGE_SUMMARY_TYPE, body: this.body(extension, counts) };
  }

  private body(extension: string, counts: MailboxCounts): string {
    return buildMessageSummary({ account: this.accountOf(extension), ...counts });
  }

  private async notifyRegistered(
    extension: string,
    body: string,
    now: number,
  ): Promise<Array<{ contact: string; outcome: NotifyOutcome }>> {
    const bindings = await this.registrations.current(this.accountOf(extension), now);
    return Promise.all(
      bindings.map(async (binding) => {
        const target = bindingDestination(binding);
        const protocol = target?.protocol ?? 'UDP';
        const request: SipRequest = buildUnsolicitedNotify({
          contact: binding.contact,
          account: this.accountOf(extension),
          localContact: this.notifier.localContact(protocol, extension, uacNeedsSipsContact(binding.contact)),
          expires: Math.round((binding.expiresAt - now) / 1000),
          body,
          ...(binding.path ? { route: binding.path } : {}),
        });
        const outcome: NotifyOutcome = target ? await this.notifier.send(request, target) : 'no-route';
        return { contact: binding.contact, outcome };
      }),
    );
  }
}
