import type { Logger } from '@switchboard/config';
import { routeUri } from '@switchboard/dialog';
import type { SipRequest } from '@switchboard/sip';
import type { Clock, ResolvedTarget } from '@switchboard/transactions';
import { resolveUriDestination } from '../calls/legs/leg-destination.js';
import type { SipStackService } from '../sip/sip-stack.service.js';
import type { EventSubscription } from './event-subscription.js';
import { buildInDialogNotify, type NotifyContent, type NotifyState } from './notify-request.js';
import { afterNotify } from './subscribe-decision.js';
import type { SubscriptionStore } from './subscription.store.js';
import { SubscriptionTimers } from './subscription-timers.js';

export type NotifyOutcome = number | 'timeout' | 'transport-error' | 'no-route';

/**
 * The notifier's half of one event package's subscription dialogs (RFC 6665 §4.2.2): sends a NOTIFY
 * with the dialog's next CSeq (shared through Redis), drops the subscription when the NOTIFY got 481,
 * 408, 6xx or no answer, and tells the package when a subscription expires on this process's timer.
 * The package supplies the bodies.
 */
export class SubscriptionNotifier {
  readonly timers: SubscriptionTimers;
  /** The tail of each subscription's NOTIFY chain (keyed by subscription id). */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly stack: SipStackService,
    private readonly store: SubscriptionStore,
    private readonly logger: Logger,
    clock: Clock,
    /** A subscription expired: the package sends its final NOTIFY (`terminated;reason=timeout`). */
    private readonly expired: (sub: EventSubscription) => Promise<unknown>,
  ) {
    this.timers = new SubscriptionTimers(clock, (key) => this.expire(key));
  }

  stop(): void {
    this.timers.stop();
  }

  /** NOTIFY in the subscription's dialog; the subscription is removed when terminated or the phone is gone. */
  async notify(sub: EventSubscription, state: NotifyState, content: NotifyContent): Promise<NotifyOutcome> {
    const seq = await this.store.nextNotifySeq(sub.account, sub.id);
    return this.notifyWithSeq(sub, seq, state, content);
  }

  /** As `notify`, with a CSeq the caller took from `store.nextNotifySeq` (the body may depend on it). */
  async notifyWithSeq(
    sub: EventSubscription,
    seq: number,
    state: NotifyState,
    content: NotifyContent,
  ): Promise<NotifyOutcome> {
    const target = await this.targetOf(sub);
    const outcome: NotifyOutcome = target
      ? await this.send(buildInDialogNotify(sub, seq, state, content), target)
      : 'no-route';
    if (state.state === 'terminated' || outcome === 'no-route' || afterNotify(outcome) === 'drop') {
      if (state.state !== 'terminated') {
        this.logger.info(
          { event: sub.event, extension: sub.extension, id: sub.id, outcome },
          'subscription dropped',
        );
      }
      this.cancelExpiry(sub);
      await this.store.remove(sub.account, sub.id);
    }
    return outcome;
  }

  /**
   * Runs `task` (which sends one NOTIFY) after the subscription's previous task finished, so that a
   * phone gets the states in the order they happened (RFC 4235 §4.1 versions, presence documents).
   */
  inOrder<T>(id: string, task: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(id) ?? Promise.resolve();
    const next = previous.then(task, task);
    const tail = next.catch(() => undefined);
    this.queues.set(id, tail);
    // `tail` cannot reject (caught above): this only forgets the queue once it is idle.
    void tail.then(() => {
      if (this.queues.get(id) === tail) this.queues.delete(id);
    });
    return next;
  }

  /** Starts or restarts this process's expiry timer of a subscription. */
  armExpiry(sub: EventSubscription, now = Date.now()): void {
    this.timers.arm(timerKey(sub), sub.expiresAt - now);
  }

  cancelExpiry(sub: EventSubscription): void {
    this.timers.cancel(timerKey(sub));
  }

  /** Our Contact for a NOTIFY or a SUBSCRIBE's answer; `secure` per RFC 3261 §8.1.1.8 / §12.1.1. */
  localContact(protocol: ResolvedTarget['protocol'], user: string, secure = false): string {
    try {
      return this.stack.localUri(protocol, user, secure);
    } catch {
      return this.stack.localUri('UDP', user);
    }
  }

  /** The first route's address when there is a route set (RFC 3261 §12.2.1.1), else where the SUBSCRIBE came from. */
  private async targetOf(sub: EventSubscription): Promise<ResolvedTarget | undefined> {
    const first = sub.routeSet[0];
    if (first === undefined) return sub.destination;
    try {
      return await resolveUriDestination(this.stack, routeUri(first));
    } catch {
      return undefined;
    }
  }

  send(request: SipRequest, target: ResolvedTarget): Promise<NotifyOutcome> {
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
        await this.expired(sub);
      })
      .catch((err: unknown) => this.logger.warn({ err, account }, 'subscription expiry failed'));
  }
}

export function secondsLeft(sub: EventSubscription, now: number): number {
  return Math.max(0, Math.round((sub.expiresAt - now) / 1000));
}

/** Neither account URIs nor Call-IDs (RFC 3261 §25.1 `word`) contain a space. */
function timerKey(sub: EventSubscription): string {
  return `${sub.account} ${sub.id}`;
}

function splitTimerKey(key: string): [string, string] {
  const i = key.indexOf(' ');
  return [key.slice(0, i), key.slice(i + 1)];
}
