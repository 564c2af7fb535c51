import type { TimerHandle } from '@switchboard/transactions';
import type { BridgeSide, Side } from '../bridge/call-bridge.js';
import { authorityOf, type CallIdentity } from '../call-routing.js';
import type { AuthorisedTrunks } from '../legs/call-trunk-legs.js';
import type { PartyMedia } from '../media/call-media.js';
import { sendBye } from '../legs/in-dialog-route.js';
import { BlindTransfer, type BlindTransferHost } from '../transfer/blind-transfer.js';
import { SILENT_PROGRESS } from '../transfer/transfer-notifier.js';
import { NODE_ID } from '../../registrar/node-id.js';
import type { ParkedEntry, ParkLot } from './park-lot.js';
import { ParkSlotPublisher } from './park-slot-publisher.js';
import type { ParkSlotSink, UnslottedParkedCall } from './park-slot.store.js';
import type { ParkedCall as ParkedCallInfo } from '@switchboard/live-state';

/** What a parked call needs from its call (besides what a transfer needs). */
export interface ParkedCallHost extends Pick<
  BlindTransferHost,
  'deps' | 'log' | 'invite' | 'addLegs' | 'connected' | 'media'
> {
  readonly lot: ParkLot;
  readonly timeoutMs: number;
  /** The admin Live page's view of the slots (absent: not shown). */
  readonly slots: ParkSlotSink | undefined;
  /** The parked party and its side. */
  readonly parked: { readonly identity: CallIdentity; readonly side: BridgeSide; readonly name: Side };
  /** Who parked it: rung again when the park times out. */
  readonly parker: CallIdentity;
  /** The call's trunk legs (the parker's no-answer plan may go out, on the parker's limit). */
  readonly trunks: AuthorisedTrunks | undefined;
  /** A ring-back leg's Call-ID is ours (it takes the parker's old side). */
  legStarted(callId: string, side: Side): void;
  /** The retriever took the call: the parked call ends without BYE. */
  retrieved(slot: number, by: string): void;
  /** Nobody took it and the parker's plan did not answer either: BYE to the parked party, call ended. */
  abandoned(cause: string): void;
}

/**
 * One parked call (the park half of issue #19): it waits in its slot (the parked party hears the
 * parker's music-on-hold class, started by the call's answer: hold/held-leg-music.ts) until
 * someone dials the slot (ParkRetrieval) or SWITCHBOARD_PARK_TIMEOUT_SECONDS pass; then it rings the
 * parker again as a new call from the parked party through the routing plugins, so the parker's own
 * no-answer plan (ring time, follow-me, reject) applies.
 */
export class ParkedCall implements ParkedEntry {
  private slotNumber: number | undefined;
  private timer: TimerHandle | undefined;
  private expired = false;
  private ringBack: BlindTransfer | undefined;
  private done = false;
  private readonly board: ParkSlotPublisher;

  constructor(private readonly host: ParkedCallHost) {
    this.board = new ParkSlotPublisher({
      slots: host.slots,
      lamps: host.deps.dialogStates,
      onError: (err) => host.deps.logger.warn({ ...host.log, err }, 'park slot state not written'),
    });
  }

  get side(): BridgeSide {
    return this.host.parked.side;
  }

  get partyMedia(): PartyMedia | undefined {
    return this.host.media?.transfereeMedia();
  }

  get label(): string {
    const p = this.host.parked.identity;
    return p.callerExtension ?? p.callerUri;
  }

  /**
   * Claims the first free slot (in Redis when the lot is shared: ParkSlotStore.claim) and starts the
   * park timer. Undefined: the lot is full, or the call ended while the claim ran (the claimed slot
   * is freed again). Rejects when the claim fails (Redis error): the call is not parked.
   */
  async park(): Promise<number | undefined> {
    const { lot, slots } = this.host;
    const since = this.host.deps.wallNow();
    const info = this.info(since);
    const slot = slots ? await slots.claim(info, lot.first, lot.last) : lot.park(this);
    if (slot === undefined) return undefined;
    if (slots && (this.done || !lot.put(slot, this))) {
      this.soft(slots.vacated(slot, info.call));
      if (this.done) return undefined;
      throw new Error(`park slot ${slot} claimed in Redis but held by another call of this node`);
    }
    this.slotNumber = slot;
    this.timer = this.host.deps.port.clock.schedule(this.host.timeoutMs, () => this.timedOut());
    this.show({ ...info, slot });
    this.host.deps.logger.info({ ...this.host.log, slot, parked: this.label }, 'call parked');
    return slot;
  }

  retrieved(by: string): void {
    if (this.done || this.slotNumber === undefined) return;
    this.done = true;
    this.timer?.cancel();
    this.board.vacated();
    this.host.retrieved(this.slotNumber, by);
  }

  returned(): void {
    if (this.done || this.slotNumber === undefined) return;
    if (this.expired || !this.host.lot.put(this.slotNumber, this)) this.ringParker();
  }

  /** The call ended while parked (the parked party hung up, shutdown): the slot is free again. */
  stop(): void {
    this.done = true;
    this.timer?.cancel();
    this.ringBack?.stop();
    this.board.vacated();
    if (this.slotNumber !== undefined) this.host.lot.release(this.slotNumber, this);
  }

  /** The slot's entry in the admin's park list (`sb:parked`), before it has its slot. */
  private info(since: number): UnslottedParkedCall {
    const { parked, parker, log, timeoutMs } = this.host;
    return {
      parked: this.label,
      ...(parked.identity.callerName ? { parkedName: parked.identity.callerName } : {}),
      parker: parker.callerExtension ?? parker.callerUri,
      since,
      timeoutAt: since + timeoutMs,
      call: log.call,
      node: NODE_ID,
    };
  }

  /** The slot's lamp shows this call. */
  private show(info: ParkedCallInfo): void {
    const { parked } = this.host;
    this.board.occupied(info, parked.side.dialog.id.callId, parked.identity.callerUri);
  }

  private soft(p: Promise<void>): void {
    p.catch((err: unknown) =>
      this.host.deps.logger.warn({ ...this.host.log, err }, 'park slot not released'),
    );
  }

  private timedOut(): void {
    this.expired = true;
    if (this.done || this.slotNumber === undefined) return;
    // Being retrieved right now: `returned` rings the parker if that retrieval fails.
    if (!this.host.lot.occupied.includes(this.slotNumber)) return;
    this.host.lot.release(this.slotNumber, this);
    this.ringParker();
  }

  private ringParker(): void {
    this.board.vacated({ event: 'timeout' });
    const parker = this.host.parker.callerExtension;
    this.host.deps.logger.info({ ...this.host.log, slot: this.slotNumber, parker }, 'park timed out');
    if (parker === undefined) return this.giveUp('park timeout, parker not an extension');
    const parkerSide = this.host.parked.name === 'caller' ? 'callee' : 'caller';
    this.ringBack = new BlindTransfer({
      ...this.host,
      routingId: `${this.host.log.call}:park-timeout`,
      transferee: { identity: this.host.parked.identity, side: this.host.parked.side },
      target: { uri: `sip:${parker}@${this.host.deps.domain}`, destination: parker },
      authority: { by: authorityOf(this.host.parker), trunks: this.host.trunks },
      notifier: SILENT_PROGRESS,
      legStarted: (callId) => this.host.legStarted(callId, parkerSide),
      connected: (leg, key) => {
        this.done = true;
        this.host.connected(leg, key);
      },
      failed: (status, reason) => this.giveUp(`park timeout, parker ${parker}: ${status} ${reason}`),
    });
    this.ringBack.start();
  }

  private giveUp(cause: string): void {
    this.done = true;
    sendBye(this.host.parked.side.route, this.host.parked.side.dialog);
    this.host.abandoned(cause);
  }
}
