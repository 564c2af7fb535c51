import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger, SwitchboardConfig } from '@switchboard/config';
import { routeUri } from '@switchboard/dialog';
import type { SipRequest } from '@switchboard/sip';
import type { Clock, ResolvedTarget } from '@switchboard/transactions';
import { bindingDestination, resolveUriDestination } from '../calls/legs/leg-destination.js';
import { RegistrationBindingStore } from '../registrar/registration-binding.store.js';
import { SipStackService } from '../sip/sip-stack.service.js';
import { uacNeedsSipsContact } from '../sip/sips-contact.js';
import { CONFIG, LOGGER, SIP_CLOCK } from '../tokens.js';
import type { MessageWaitingNotifier } from '../voicemail/message-waiting-notifier.js';
import { MailboxCountsRepository } from './mailbox-counts.repository.js';
import { buildMessageSummary, type MailboxCounts } from './message-summary-body.js';
import type { MwiSubscription } from './mwi-subscription.js';
import { MwiSubscriptionStore } from './mwi-subscription.store.js';
import { buildInDialogNotify, buildUnsolicitedNotify, type NotifyState } from './notify-request.js';
import { afterNotify } from './subscribe-decision.js';
import { SubscriptionTimers } from './subscription-timers.js';

export type NotifyOutcome = number | 'timeout' | 'transport-error' | 'no-route';

/** What one mailbox change did, for logs and tests. */
export interface MailboxNotifyReport {
  readonly counts: MailboxCounts;
  readonly subscriptions: ReadonlyArray<{ readonly id: string; readonly outcome: NotifyOutcome }>;
  readonly unsolicited: ReadonlyArray<{ readonly contact: string; readonly outcome: NotifyOutcome }>;
}

/**
 * The notifier side of message-waiting indication in a signalling process: sends NOTIFYs with the
 * counts from PostgreSQL to every live subscription of a mailbox (and, when configured, unsolicited
 * ones to registered phones without a subscription), drops subscriptions whose NOTIFY got 481 or no
 * answer (RFC 6665 §4.2.2), and ends subscriptions at their expiry with `terminated;reason=timeout`.
 */
@Injectable()
export class MwiNotifierService implements MessageWaitingNotifier, OnApplicationShutdown {
  readonly timers: SubscriptionTimers;

  constructor(
    @Inject(CONFIG) private readonly config: SwitchboardConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(SipStackService) private readonly stack: SipStackService,
    @Inject(MwiSubscriptionStore) private readonly store: MwiSubscriptionStore,
    @Inject(MailboxCountsRepository) private readonly mailboxes: MailboxCountsRepository,
    @Inject(RegistrationBindingStore) private readonly registrations: RegistrationBindingStore,
    @Inject(SIP_CLOCK) clock: Clock,
  ) {
    this.timers = new SubscriptionTimers(clock, (key) => this.expire(key));
  }

  onApplicationShutdown(): void {
    this.timers.stop();
  }

  accountOf(extension: string): string {
    return `sip:${extension}@${this.config.sip.domain}`;
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
        outcome: await this.notify(sub, { state: 'active', expires: secondsLeft(sub, now) }, body),
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
  async notifyWithCounts(sub: MwiSubscription, state: NotifyState): Promise<NotifyOutcome> {
    const counts = await this.mailboxes.counts(sub.extension);
    return this.notify(sub, state, this.body(sub.extension, counts));
  }

  /** Starts or restarts this process's expiry timer of a subscription. */
  armExpiry(sub: MwiSubscription, now = Date.now()): void {
    this.timers.arm(timerKey(sub), sub.expiresAt - now);
  }

  cancelExpiry(sub: MwiSubscription): void {
    this.timers.cancel(timerKey(sub));
  }

  private body(extension: string, counts: MailboxCounts): string {
    return buildMessageSummary({ account: this.accountOf(extension), ...counts });
  }

  private async notify(sub: MwiSubscription, state: NotifyState, body: string): Promise<NotifyOutcome> {
    const seq = await this.store.nextNotifySeq(sub.account, sub.id);
    const target = await this.targetOf(sub);
    const outcome: NotifyOutcome = target
      ? await this.send(buildInDialogNotify(sub, seq, state, body), target)
      : 'no-route';
    if (state.state === 'terminated' || outcome === 'no-route' || afterNotify(outcome) === 'drop') {
      if (state.state !== 'terminated') {
        this.logger.info({ extension: sub.extension, id: sub.id, outcome }, 'MWI subscription dropped');
      }
      this.cancelExpiry(sub);
      await this.store.remove(sub.account, sub.id);
    }
    return outcome;
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
        const request = buildUnsolicitedNotify({
          contact: binding.contact,
          account: this.accountOf(extension),
          localContact: this.localContact(protocol, extension, uacNeedsSipsContact(binding.contact)),
          expires: Math.round((binding.expiresAt - now) / 1000),
          body,
        });
        const outcome: NotifyOutcome = target ? await this.send(request, target) : 'no-route';
        return { contact: binding.contact, outcome };
      }),
    );
  }

  /** Our Contact for a NOTIFY or a SUBSCRIBE's answer; `secure` per RFC 3261 §8.1.1.8 / §12.1.1. */
  localContact(protocol: ResolvedTarget['protocol'], extension: string, secure = false): string {
    try {
      return this.stack.localUri(protocol, extension, secure);
    } catch {
      return this.stack.localUri('UDP', extension);
    }
  }

  /** The first route's address when there is a route set (RFC 3261 §12.2.1.1), else where the SUBSCRIBE came from. */
  private async targetOf(sub: MwiSubscription): Promise<ResolvedTarget | undefined> {
    const first = sub.routeSet[0];
    if (first === undefined) return sub.destination;
    try {
      return await resolveUriDestination(this.stack, routeUri(first));
    } catch {
      return undefined;
    }
  }

  private send(request: SipRequest, target: ResolvedTarget): Promise<NotifyOutcome> {
    return new Promise((resolve) => {
      try {
        this.stack.sendRequest(request, target, {
          onResponse: (_response, status) => {
            if (status >= 200) resolve(status);
          },
          onTimeout: () => resolve('timeout'),
          onTransportError: () => resolve('transport-error'),
        });
      } catch (err) {
        this.logger.warn({ err, target }, 'NOTIFY could not be sent');
        resolve('transport-error');
      }
    });
  }

  /** This process's timer fired: end the subscription unless another process refreshed it meanwhile. */
  private expire(key: string): void {
    const [account, id] = splitTimerKey(key);
    this.store
      .get(account, id)
      .then(async (sub) => {
        if (!sub || sub.expiresAt > Date.now() + 1000) return;
        await this.notifyWithCounts(sub, { state: 'terminated', reason: 'timeout' });
      })
      .catch((err: unknown) => this.logger.warn({ err, account }, 'MWI subscription expiry failed'));
  }
}

function secondsLeft(sub: MwiSubscription, now: number): number {
  return Math.max(0, Math.round((sub.expiresAt - now) / 1000));
}

/** Neither account URIs nor Call-IDs (RFC 3261 §25.1 `word`) contain a space. */
function timerKey(sub: MwiSubscription): string {
  return `${sub.account} ${sub.id}`;
}

function splitTimerKey(key: string): [string, string] {
  const i = key.indexOf(' ');
  return [key.slice(0, i), key.slice(i + 1)];
}
