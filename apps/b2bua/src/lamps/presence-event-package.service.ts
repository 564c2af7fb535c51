import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger, SwitchboardConfig } from '@switchboard/config';
import { lampState, redisKeys } from '@switchboard/live-state';
import type { SipRequest } from '@switchboard/sip';
import type { Clock } from '@switchboard/transactions';
import type { Redis } from 'ioredis';
import { NODE_ID } from '../registrar/node-id.js';
import { SipStackService } from '../sip/sip-stack.service.js';
import type { EventPackage, Refusal } from '../subscriptions/event-package.js';
import type { EventSubscription } from '../subscriptions/event-subscription.js';
import type { NotifyState } from '../subscriptions/notify-request.js';
import {
  secondsLeft,
  SubscriptionNotifier,
  type NotifyOutcome,
} from '../subscriptions/subscription-notifier.js';
import { SubscriptionStore } from '../subscriptions/subscription.store.js';
import { CONFIG, LOGGER, REDIS, SIP_CLOCK } from '../tokens.js';
import { DialogEventPackageService } from './dialog-event-package.service.js';
import { DialogStateStore } from './dialog-state.store.js';
import { buildPidf, PIDF_TYPE, PRESENCE_EVENT } from './pidf-body.js';

/**
 * Presence (RFC 3856) for the same phone states as the busy lamps: PIDF with the extension's lamp
 * state (RFC 3863, RPID on-the-phone). Who may watch whom is the dialog package's rule. PIDF has no
 * partial state here, so every NOTIFY carries the whole document; changes arrive through the dialog
 * package's listener on `sb:dialog-changes`.
 */
@Injectable()
export class PresenceEventPackageService
  implements EventPackage, OnApplicationBootstrap, OnApplicationShutdown
{
  readonly event = PRESENCE_EVENT;
  readonly contentType = PIDF_TYPE;
  readonly defaultExpires = 3600;
  readonly store: SubscriptionStore;
  readonly notifier: SubscriptionNotifier;
  private readonly dialogs: DialogStateStore;

  constructor(
    @Inject(CONFIG) private readonly config: SwitchboardConfig,
    @Inject(LOGGER) logger: Logger,
    @Inject(SipStackService) stack: SipStackService,
    @Inject(REDIS) redis: Redis,
    @Inject(DialogEventPackageService) private readonly dialogPackage: DialogEventPackageService,
    @Inject(SIP_CLOCK) clock: Clock,
  ) {
    this.dialogs = new DialogStateStore(redis);
    this.store = new SubscriptionStore(
      redis,
      {
        subscriptions: redisKeys.presenceSubscriptions,
        notifySeq: redisKeys.presenceNotifySeq,
      },
      NODE_ID,
    );
    this.notifier = new SubscriptionNotifier(stack, this.store, logger, clock, (sub) =>
      this.notifyFullState(sub, { state: 'terminated', reason: 'timeout' }),
    );
    dialogPackage.addChangeListener({
      watchesNothing: () => this.store.holdsNone(),
      watches: (resource, now) => this.store.holdsAny(this.accountOf(resource), now),
      changed: (resource) => this.notifyResource(resource),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.store.adoptHeld();
  }

  onApplicationShutdown(): void {
    this.notifier.stop();
  }

  accountOf(resource: string): string {
    return `sip:${resource}@${this.config.sip.domain}`;
  }

  authorize(watcher: string, resource: string, request: SipRequest): Promise<Refusal | undefined> {
    return this.dialogPackage.authorize(watcher, resource, request);
  }

  /** The document is read when its turn comes, so each NOTIFY carries the state at its sending. */
  notifyFullState(sub: EventSubscription, state: NotifyState): Promise<NotifyOutcome> {
    return this.notifier.inOrder(sub.id, async () => {
      const lamp = lampState(await this.dialogs.dialogs(sub.extension));
      return this.notifier.notify(sub, state, { contentType: PIDF_TYPE, body: buildPidf(sub.account, lamp) });
    });
  }

  /** A dialog of `resource` changed: the whole document to each of its subscriptions this process holds. */
  private async notifyResource(resource: string, now = Date.now()): Promise<void> {
    const account = this.accountOf(resource);
    if (!this.store.holdsAny(account, now)) return;
    const subs = (await this.store.live(account, now)).filter((s) => s.node === NODE_ID);
    await Promise.all(
      subs.map((sub) => this.notifyFullState(sub, { state: 'active', expires: secondsLeft(sub, now) })),
    );
  }
}
