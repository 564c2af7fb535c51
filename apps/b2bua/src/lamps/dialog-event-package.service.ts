import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger, SwitchboardConfig } from '@switchboard/config';
import {
  openChannelSubscriber,
  redisKeys,
  type DialogChange,
  type ExtensionDialog,
} from '@switchboard/live-state';
import { unescapeUriPart, type SipRequest } from '@switchboard/sip';
import type { Clock } from '@switchboard/transactions';
import type { Redis } from 'ioredis';
import { NODE_ID } from '../registrar/node-id.js';
import { LocalDomain } from '../sip/local-domain.js';
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
import { decodeDialogChanges } from './dialog-change-message.js';
import { buildDialogInfo, DIALOG_EVENT, DIALOG_INFO_TYPE } from './dialog-info-body.js';
import { DialogStateStore } from './dialog-state.store.js';
import { WatchableResources } from './watchable-resources.js';

/** Another package fed by the same changes (presence). */
export interface DialogChangeListener {
  /** True when this process holds no subscription of the listener's package at all. */
  watchesNothing(): boolean;
  /** Whether this process holds a subscription of the listener's package to `resource`. */
  watches(resource: string, now: number): boolean;
  /** One call per resource and message, after the dialog package's own NOTIFYs are queued. */
  changed(resource: string): Promise<void>;
}

/** Phones refresh dialog subscriptions about hourly; RFC 4235 §3.3 names no default, so we follow RFC 3842's. */
const DEFAULT_DIALOG_EXPIRES = 3600;

/**
 * The dialog event package (RFC 4235) in a signalling process, for busy lamps: an extension of this
 * PBX watches another extension's calls. The first NOTIFY of a subscription (and one after every
 * refresh) carries the full state, later ones the changed dialog only (§4.1, version one higher each
 * time; version = NOTIFY CSeq − 1, as both count the NOTIFYs of the dialog from the first one).
 * Changes come from the call sessions of every signalling process through `sb:dialog-changes` (one
 * message per write batch); each process NOTIFYs the subscriptions it accepted, one NOTIFY at a time
 * per subscription so that versions reach the phone in order. Changes of resources no subscription
 * of this process watches are dropped after the message's JSON.parse (or before it, when the process
 * watches nothing at all).
 */
@Injectable()
export class DialogEventPackageService
  implements EventPackage, OnApplicationBootstrap, OnApplicationShutdown
{
  readonly event = DIALOG_EVENT;
  readonly contentType = DIALOG_INFO_TYPE;
  readonly defaultExpires = DEFAULT_DIALOG_EXPIRES;
  readonly store: SubscriptionStore;
  readonly notifier: SubscriptionNotifier;
  readonly dialogs: DialogStateStore;
  private readonly local: LocalDomain;
  private subscriber: Redis | undefined;
  /** Other packages fed by the same changes (presence). */
  private readonly changeListeners: DialogChangeListener[] = [];

  constructor(
    @Inject(CONFIG) private readonly config: SwitchboardConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(SipStackService) stack: SipStackService,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(WatchableResources) private readonly resources: WatchableResources,
    @Inject(SIP_CLOCK) clock: Clock,
  ) {
    this.local = new LocalDomain(config);
    this.dialogs = new DialogStateStore(redis);
    this.store = new SubscriptionStore(
      redis,
      {
        subscriptions: redisKeys.dialogSubscriptions,
        notifySeq: redisKeys.dialogNotifySeq,
      },
      NODE_ID,
    );
    this.notifier = new SubscriptionNotifier(stack, this.store, logger, clock, (sub) =>
      this.notifyFullState(sub, { state: 'terminated', reason: 'timeout' }),
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    this.subscriber = await openChannelSubscriber(
      this.redis,
      redisKeys.dialogChanges,
      (text) => this.onChange(text),
      this.logger,
      'dialog changes channel',
    );
    await this.store.adoptHeld();
  }

  async onApplicationShutdown(): Promise<void> {
    this.notifier.stop();
    await this.subscriber?.quit().catch(() => undefined);
  }

  /** Also tell `listener` of the changes this process hears (after its own NOTIFYs are queued). */
  addChangeListener(listener: DialogChangeListener): void {
    this.changeListeners.push(listener);
  }

  accountOf(resource: string): string {
    return `sip:${resource}@${this.config.sip.domain}`;
  }

  /**
   * RFC 4235 §5 leaves the policy to the notifier: the subscriber must be the extension it
   * authenticated as, on this PBX (From), and the resource must be one of this PBX's extensions
   * (or another watchable resource such as a park slot).
   */
  async authorize(watcher: string, resource: string, request: SipRequest): Promise<Refusal | undefined> {
    const from = request.from.uri;
    const fromUser = from.kind === 'sip' && from.user ? unescapeUriPart(from.user) : undefined;
    if (!this.local.owns(from) || fromUser !== watcher) {
      return { status: 403, reason: 'Watcher Is Not An Extension Of This PBX' };
    }
    if (!(await this.resources.watchable(resource))) return { status: 404, reason: 'No Such Extension' };
    return undefined;
  }

  /** The full state (RFC 4235 §4.1): every current dialog of the resource. */
  notifyFullState(sub: EventSubscription, state: NotifyState): Promise<NotifyOutcome> {
    return this.notifier.inOrder(sub.id, async () => {
      const seq = await this.store.nextNotifySeq(sub.account, sub.id);
      const body = await this.fullBody(sub, seq);
      return this.notifier.notifyWithSeq(sub, seq, state, { contentType: DIALOG_INFO_TYPE, body });
    });
  }

  /** A dialog of `resource` changed: a partial NOTIFY to each of its subscriptions this process holds. */
  async notifyChange(change: DialogChange, now = Date.now()): Promise<NotifyOutcome[]> {
    const account = this.accountOf(change.resource);
    if (!this.store.holdsAny(account, now)) return [];
    const subs = (await this.store.live(account, now)).filter((s) => s.node === NODE_ID);
    return Promise.all(
      subs.map((sub) =>
        this.notifier.inOrder(sub.id, async () => {
          const seq = await this.store.nextNotifySeq(sub.account, sub.id);
          // A change that overtakes the subscription's first NOTIFY (published between the SUBSCRIBE's
          // 200 and that NOTIFY) must not be the first body the phone sees: §4.1 starts with full state.
          const body =
            seq === 1
              ? await this.fullBody(sub, seq)
              : buildDialogInfo({
                  version: seq - 1,
                  state: 'partial',
                  entity: sub.account,
                  dialogs: [change.dialog],
                  now: Date.now(),
                });
          return this.notifier.notifyWithSeq(
            sub,
            seq,
            { state: 'active', expires: secondsLeft(sub, Date.now()) },
            { contentType: DIALOG_INFO_TYPE, body },
          );
        }),
      ),
    );
  }

  private async fullBody(sub: EventSubscription, seq: number): Promise<string> {
    const dialogs: ExtensionDialog[] = await this.dialogs.dialogs(sub.extension);
    return buildDialogInfo({
      version: seq - 1,
      state: 'full',
      entity: sub.account,
      dialogs,
      now: Date.now(),
    });
  }

  private onChange(text: string, now = Date.now()): void {
    // Most signalling processes watch nothing most of the time: then a message is not even parsed.
    if (this.store.holdsNone() && this.changeListeners.every((l) => l.watchesNothing())) return;
    const { changes, malformed } = decodeDialogChanges(text, (resource) => this.watched(resource, now));
    if (malformed) this.logger.warn({ message: text.slice(0, 200) }, 'ignored a malformed dialog change');
    for (const change of changes) {
      this.notifyChange(change, now).catch((err: unknown) =>
        this.logger.warn({ err, resource: change.resource }, 'dialog NOTIFY failed'),
      );
    }
    // The other packages NOTIFY the whole state when sent: once per resource of the message is enough.
    for (const resource of new Set(changes.map((c) => c.resource))) {
      for (const listener of this.changeListeners) {
        if (!listener.watches(resource, now)) continue;
        listener
          .changed(resource)
          .catch((err: unknown) => this.logger.warn({ err, resource }, 'NOTIFY for a dialog change failed'));
      }
    }
  }

  /** Whether any package of this process holds a subscription to `resource`. */
  private watched(resource: string, now: number): boolean {
    if (this.store.holdsAny(this.accountOf(resource), now)) return true;
    return this.changeListeners.some((listener) => listener.watches(resource, now));
  }
}
