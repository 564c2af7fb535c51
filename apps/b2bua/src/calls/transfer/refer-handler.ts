import { incomingRequestFromSip, type IncomingRequest } from '@switchboard/dialog';
import { createResponse, formatNameAddr, type SipMessage, type SipRequest } from '@switchboard/sip';
import type { ServerTransaction } from '@switchboard/transactions';
import type { BridgeSide, Side } from '../bridge/call-bridge.js';
import { other } from '../bridge/relayed-invites.js';
import type { CallDeps } from '../call-deps.js';
import { authorityOf, type CallIdentity } from '../call-routing.js';
import type { AuthorisedTrunks } from '../legs/call-trunk-legs.js';
import type { CallLogIds } from '../call-session-hooks.js';
import type { CalleeLeg } from '../legs/callee-leg.js';
import { sendBye } from '../legs/in-dialog-route.js';
import type { LegRecord } from '../plan/branch-types.js';
import type { TransferRecord } from '../../jobs/call-record-job.js';
import { announceThen, type AnnouncingTo } from '../park/park-announcer.js';
import { ParkedCall } from '../park/parked-call.js';
import { AttendedTransfer } from './attended-transfer.js';
import type { LocalAppEnd } from '../local/local-apps.js';
import { BlindTransfer, type LocalJoinOutcome } from './blind-transfer.js';
import { checkRefer, type ReferTarget } from './refer-request.js';
import type { TransferMedia } from './transfer-media.js';
import { TransferNotifier } from './transfer-notifier.js';

/** What the REFER handling reads from and does to its call. */
export interface ReferHost {
  readonly deps: CallDeps;
  readonly log: CallLogIds;
  readonly invite: SipRequest;
  /** Who placed the call (the caller side's party until a transfer replaces it). */
  readonly callerIdentity: CallIdentity;
  /** The call is established (the caller's ACK received). */
  bridged(): boolean;
  /** Who answered it (extension number, AOR or URI). */
  answeredKey(): string | undefined;
  legStarted(callId: string, side: Side): void;
  addLegs(legs: readonly LegRecord[]): void;
  /** The bridge now joins these two sides (one of them the transfer target); `targetKey` answered. */
  connected(sides: Record<Side, BridgeSide>, targetKey: string): void;
  /**
   * The party at `side` (`identity`) joins a local application instead of a new peer: a transfer
   * whose target's plan ends in voicemail, a room or a menu (calls/local/LocalAppJoin).
   */
  joinLocal(
    side: BridgeSide,
    identity: CallIdentity,
    end: LocalAppEnd,
    outcome: LocalJoinOutcome,
  ): {
    stop(): void;
  };
  /**
   * The call was parked: its bridge relays nothing more (the parked party's BYE still ends it). Returns
   * the music the party on `side` hears while parked (the `parker` extension's class), if any.
   */
  parked(side: Side, parker: string | undefined): { stop(): void } | undefined;
  /** The parked call was retrieved (its party now belongs to the retriever's call): end without BYE. */
  retrieved(cause: string): void;
  /** The parked call was given up (BYE sent to the parked party): end. */
  abandoned(cause: string): void;
  /** The call's trunk legs: a transfer's outside target goes out on the transferor's limit (absent: no trunks). */
  readonly trunks?: AuthorisedTrunks;
  /** The call's media anchor for a blind transfer of `transferee` away from `replaced`. */
  transferMedia?(transferee: BridgeSide, replaced: BridgeSide): TransferMedia;
}

/** A chain entry for a transfer's outcome (`status`, and who answered or the destination). */
type ChainEntry = (status: number, target: string) => TransferRecord;

/** A park in progress: who parks which side, its NOTIFYs, chain entry and the call's media anchor. */
interface Parking {
  readonly from: Side;
  readonly sides: Record<Side, BridgeSide>;
  readonly notifier: TransferNotifier;
  readonly parker: CallIdentity;
  readonly entry: ChainEntry;
  readonly media: TransferMedia | undefined;
}

/** Digits, `*`, `#`, `+`: the plan's key of an extension (else an AOR or URI). */
const EXTENSION_KEY = /^[0-9*#+]+$/;

/**
 * The transfers of one bridged call (RFC 3515 REFER from either party): checks the REFER, answers it
 * 202 and runs one transfer at a time (BlindTransfer, or AttendedTransfer when the Refer-To carries
 * Replaces); a transferor replaced by the target keeps its dialog
 * here until it ends (its BYE is answered 200, never relayed). Keeps the call's transfer chain.
 */
export class ReferHandler {
  private running: { stop(): void } | undefined;
  private parkedCall: ParkedCall | undefined;
  /** Music to the parked party until it leaves its slot. */
  private parkMusic: { stop(): void } | undefined;
  /** The parker hears its slot (park-announcer.ts) before the final NOTIFY and BYE. */
  private announcing: AnnouncingTo | undefined;
  private count = 0;
  private readonly parties: Partial<Record<Side, CallIdentity>> = {};
  private readonly retired: BridgeSide[] = [];
  readonly chain: TransferRecord[] = [];

  constructor(private readonly host: ReferHost) {}

  /** A REFER inside the bridged call from `from` (already accepted by that side's dialog). */
  refer(
    from: Side,
    sides: Record<Side, BridgeSide>,
    request: SipRequest,
    tx: ServerTransaction<SipMessage>,
    inbound: IncomingRequest,
  ): void {
    const transferor = sides[from];
    const respond = (status: number, reason: string): void => {
      tx.respond(createResponse(request, status, { reason }));
      transferor.dialog.responseSent(inbound, status);
    };
    // RFC 3515 §2.4.1: a transfer needs the established call (the caller's ACK received).
    if (!this.host.bridged()) return respond(491, 'Request Pending');
    if (this.running || this.parkedCall) return respond(491, 'Transfer Already In Progress');
    const check = checkRefer(request);
    if (!check.ok) {
      this.host.deps.logger.info(
        { ...this.host.log, status: check.status, reason: check.reason },
        'REFER refused',
      );
      return respond(check.status, check.reason);
    }
    respond(202, 'Accepted'); // RFC 3515 §2.4.2
    const toSide = other(from);
    const by = this.party(from);
    const transferee = this.party(toSide);
    const entry = (kind: TransferRecord['kind']) => (status: number, target: string) => ({
      transferor: labelOf(by),
      transferee: labelOf(transferee),
      target,
      at: new Date(this.host.deps.wallNow()).toISOString(),
      status,
      ...(kind ? { kind } : {}),
    });
    const notifier = new TransferNotifier(transferor, this.host.deps.logger, this.host.log);
    this.count += 1;
    const replaces = check.target.replaces;
    this.host.deps.logger.info(
      {
        ...this.host.log,
        transferor: labelOf(by),
        target: check.target.uri,
        attended: replaces !== undefined,
      },
      'transfer requested',
    );
    if (replaces) {
      const attended = new AttendedTransfer({
        deps: this.host.deps,
        log: this.host.log,
        transferor: labelOf(by),
        transferee: sides[toSide],
        replaces,
        notifier,
        ...this.mediaFor(sides[toSide], transferor),
        redial: (target) => this.blind(from, sides, target, notifier, entry('attended')),
        takeOver: (callId) => this.host.legStarted(callId, from),
        connected: (side, targetKey) => {
          this.running = undefined;
          this.chain.push(entry('attended')(200, targetKey));
          this.retired.push(transferor);
          this.moved(from, sides, side, targetKey);
          // RFC 5589 §7: the transferor's dialogs end once it knows (its consultation leg already has).
          notifier.final(200, 'OK', () => sendBye(transferor.route, transferor.dialog));
        },
        failed: (status, reason, target) => {
          if (this.running === attended) this.running = undefined;
          this.chain.push(entry('attended')(status, target || check.target.destination));
          notifier.final(status, reason);
        },
      });
      this.running = attended;
      attended.start();
      return;
    }
    const park = this.host.deps.park;
    if (park && check.target.destination === park.lot.number) {
      this.park(from, sides, notifier, by, transferee, entry(undefined));
      return;
    }
    if (this.host.deps.conference?.isFactoryRoom(check.target.destination)) {
      this.intoRoom(from, sides, check.target.destination, notifier, entry(undefined));
      return;
    }
    this.blind(from, sides, check.target, notifier, entry(undefined));
  }

  /**
   * RFC 4579 conferencing by REFER: a phone in a conference asks its other call's party to
   * join the conference URI. That party, ours, joins the factory-made room directly (no routing).
   */
  private intoRoom(
    from: Side,
    sides: Record<Side, BridgeSide>,
    room: string,
    notifier: TransferNotifier,
    entry: ChainEntry,
  ): void {
    const outcome = this.joinedOrFailed(sides[from], notifier, entry, room);
    notifier.progress(100);
    this.running = this.host.joinLocal(
      sides[other(from)],
      this.party(other(from)),
      { kind: 'conference', room },
      outcome,
    );
  }

  /** What a transfer into a local application does when it is over: NOTIFY, BYE, the chain. */
  private joinedOrFailed(
    transferor: BridgeSide,
    notifier: TransferNotifier,
    entry: ChainEntry,
    destination: string,
  ): LocalJoinOutcome {
    return {
      joined: (label) => {
        this.running = undefined;
        this.chain.push(entry(200, label));
        this.retired.push(transferor);
        // RFC 5589 §6.1 as for a person: the application answered, the transferor's call ends.
        notifier.final(200, 'OK', () => sendBye(transferor.route, transferor.dialog));
      },
      failed: (status, reason) => {
        this.running = undefined;
        this.chain.push(entry(status, destination));
        this.host.deps.logger.info({ ...this.host.log, status, reason }, 'transfer failed, call kept');
        notifier.final(status, reason);
      },
    };
  }

  /** Who is on `side` now (extension number, else URI): the transfer chain's name for it. */
  label(side: Side): string {
    return labelOf(this.party(side));
  }

  /** The transferee (the side facing `from`) is routed to `target` as a new call (BlindTransfer). */
  private blind(
    from: Side,
    sides: Record<Side, BridgeSide>,
    target: ReferTarget,
    notifier: TransferNotifier,
    entry: ChainEntry,
  ): void {
    const toSide = other(from);
    const transferor = sides[from];
    const transfer = new BlindTransfer({
      deps: this.host.deps,
      log: this.host.log,
      invite: this.host.invite,
      routingId: `${this.host.log.call}:transfer:${this.count}`,
      transferee: { identity: this.party(toSide), side: sides[toSide] },
      target,
      // The transferor authorises the target (its dialling class and outside-call limit, not the transferee's).
      authority: { by: authorityOf(this.party(from)), trunks: this.host.trunks },
      referredBy: target.referredBy ?? formatNameAddr({ uri: this.party(from).callerUri }),
      notifier,
      ...this.mediaFor(sides[toSide], transferor),
      legStarted: (callId) => this.host.legStarted(callId, from),
      addLegs: (legs) => this.host.addLegs(legs),
      joinLocal: (end, outcome) => {
        const done = this.joinedOrFailed(transferor, notifier, entry, target.destination);
        return this.host.joinLocal(sides[toSide], this.party(toSide), end, {
          joined: (label) => {
            outcome.joined(label);
            done.joined(label);
          },
          failed: (status, reason) => outcome.failed(status, reason), // the transfer's own failed()
        });
      },
      connected: (leg: CalleeLeg, targetKey: string) => {
        this.running = undefined;
        this.chain.push(entry(200, targetKey));
        this.retired.push(transferor);
        const side = sideOf(leg);
        if (side) this.moved(from, sides, side, targetKey);
        // RFC 5589 §6.1: the transferor's call ends once it knows the transfer worked.
        notifier.final(200, 'OK', () => sendBye(transferor.route, transferor.dialog));
      },
      failed: (status, reason) => {
        this.running = undefined;
        this.chain.push(entry(status, target.destination));
        this.host.deps.logger.info({ ...this.host.log, status, reason }, 'blind transfer failed, call kept');
        notifier.final(status, reason);
      },
    });
    this.running = transfer;
    transfer.start();
  }

  /** The call's media anchor for moving `transferee` away from `replaced` (absent: SDP as is). */
  private mediaFor(transferee: BridgeSide, replaced: BridgeSide): { media?: TransferMedia } {
    return this.host.transferMedia ? { media: this.host.transferMedia(transferee, replaced) } : {};
  }

  /** `side` (a transfer target, or the parker rung again) now takes side `to` of the call. */
  private moved(to: Side, sides: Record<Side, BridgeSide>, side: BridgeSide, targetKey: string): void {
    this.parties[to] = partyOf(targetKey, this.host.deps.domain);
    this.host.connected({ ...sides, [to]: side }, targetKey);
  }

  /**
   * A transfer to the park number: the transferee waits in the first free slot (ParkedCall), the
   * parker is told the slot in the final NOTIFY's sipfrag (`200 Parked at 701`) and gets BYE. A full
   * lot is a failure NOTIFY (486), a failed claim (Redis) one with 500; either way the call stays.
   */
  private park(
    from: Side,
    sides: Record<Side, BridgeSide>,
    notifier: TransferNotifier,
    parker: CallIdentity,
    transferee: CallIdentity,
    entry: ChainEntry,
  ): void {
    const park = this.host.deps.park;
    if (!park) return;
    const toSide = other(from);
    const { media } = this.mediaFor(sides[toSide], sides[from]);
    const parked = new ParkedCall({
      deps: this.host.deps,
      log: this.host.log,
      invite: this.host.invite,
      // The parker rung again on timeout joins the parked party through the call's anchor.
      ...(media ? { media } : {}),
      lot: park.lot,
      timeoutMs: park.timeoutMs,
      slots: park.slots,
      parked: { identity: transferee, side: sides[toSide], name: toSide },
      parker,
      trunks: this.host.trunks,
      legStarted: (callId, side) => this.host.legStarted(callId, side),
      addLegs: (legs) => this.host.addLegs(legs),
      connected: (leg, key) => {
        this.leavePark();
        this.chain.push({ ...entry(200, key), transferor: 'park timeout' });
        const side = sideOf(leg);
        if (side) this.moved(from, sides, side, key);
      },
      retrieved: (slot, by) => {
        this.leavePark();
        this.chain.push({ ...entry(200, by), transferor: `park ${slot}` });
        this.host.retrieved(`parked at ${slot}, retrieved by ${by}`);
      },
      abandoned: (cause) => {
        this.leavePark();
        this.host.abandoned(cause);
      },
    });
    // The REFER is answered 202 already: the final NOTIFY follows the slot's claim. Meanwhile the
    // call counts as parking (another REFER is 491; the call's end frees the claimed slot).
    this.parkedCall = parked;
    parked.park().then(
      (slot) => {
        if (this.parkedCall !== parked) return; // the call ended while the claim ran
        if (slot === undefined) {
          this.parkedCall = undefined;
          this.chain.push(entry(486, park.lot.number));
          notifier.final(486, 'Park Lot Full');
          return;
        }
        this.parkedIn(slot, { from, sides, notifier, parker, entry, media });
      },
      (err: unknown) => {
        if (this.parkedCall !== parked) return;
        this.parkedCall = undefined;
        this.host.deps.logger.error({ ...this.host.log, err }, 'park slot not claimed, call kept');
        this.chain.push(entry(500, park.lot.number));
        notifier.final(500, 'Park Slot Not Claimed');
      },
    );
  }

  /** The transferee holds `slot`: the parker hears it, gets the final NOTIFY (`200 Parked at 701`) and BYE. */
  private parkedIn(slot: number, parking: Parking): void {
    const park = this.host.deps.park;
    if (!park) return;
    const { from, sides, notifier, parker, entry, media } = parking;
    this.chain.push(entry(200, `park ${slot}`));
    this.retired.push(sides[from]);
    this.parkMusic = this.host.parked(other(from), parker.callerExtension);
    const transferor = sides[from];
    this.announcing = announceThen(park.announcer, transferor, slot, this.host.log, () => {
      this.announcing = undefined;
      notifier.final(200, `Parked at ${slot}`, () => {
        sendBye(transferor.route, transferor.dialog);
        media?.replaced(); // the parker's leg leaves rtpengine; the parked party keeps its ports
      });
    });
  }

  /**
   * A request on the dialog of a transferor the target replaced: its BYE gets 200 (the call goes on
   * without it), anything else 481. False: not such a dialog.
   */
  retiredRequest(request: SipRequest, tx: ServerTransaction<SipMessage>): boolean {
    const side = this.retired.find(
      (s) => s.dialog.id.callId === request.callId && s.dialog.id.remoteTag === (request.from.tag ?? ''),
    );
    if (!side) return false;
    const inbound = incomingRequestFromSip(request);
    const check = side.dialog.receiveRequest(inbound);
    const status = check.accept && request.method === 'BYE' ? 200 : 481;
    tx.reply(status);
    side.dialog.responseSent(inbound, status);
    if (status === 200 && this.announcing?.side === side) this.announcing.stop();
    return true;
  }

  /** The call ended: a running transfer is abandoned. */
  stop(): void {
    this.running?.stop();
    this.running = undefined;
    this.parkedCall?.stop();
    this.leavePark();
    this.announcing?.stop();
  }

  /** The parked party left its slot (retrieved, rung back, given up) or the call ended. */
  private leavePark(): void {
    this.parkedCall = undefined;
    this.parkMusic?.stop();
    this.parkMusic = undefined;
  }

  private party(side: Side): CallIdentity {
    const known = this.parties[side];
    if (known) return known;
    const identity =
      side === 'caller'
        ? this.host.callerIdentity
        : partyOf(this.host.answeredKey() ?? 'unknown', this.host.deps.domain);
    this.parties[side] = identity;
    return identity;
  }
}

/** An answered leg as a side of the bridge (only an answered leg is connected). */
export function sideOf(leg: CalleeLeg): BridgeSide | undefined {
  const { route, dialog } = leg;
  return route && dialog ? { dialog, route, contact: leg.localContact } : undefined;
}

/** An answering party as the caller of a new call: an extension in our domain, or its URI. */
export function partyOf(key: string, domain: string): CallIdentity {
  if (EXTENSION_KEY.test(key))
    return { callerUri: `sip:${key}@${domain}`, callerExtension: key, destination: '', requestUri: '' };
  return { callerUri: key, destination: '', requestUri: '' };
}

function labelOf(identity: CallIdentity): string {
  return identity.callerExtension ?? identity.callerUri;
}
