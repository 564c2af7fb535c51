import type { Replaces } from '@switchboard/sip';
import type { BridgeSide } from '../bridge/call-bridge.js';
import { other } from '../bridge/relayed-invites.js';
import { reinviteSide } from '../bridge/side-reinvite.js';
import type { CallDeps } from '../call-deps.js';
import type { CallLogIds } from '../call-session-hooks.js';
import { sendBye } from '../legs/in-dialog-route.js';
import type { SessionBody } from '../legs/caller-leg.js';
import type { PartyMedia } from '../media/call-media.js';
import type { ReferTarget } from './refer-request.js';
import type { TransferMedia } from './transfer-media.js';
import type { TransferProgress } from './transfer-notifier.js';

/** What an attended transfer reads from and does to the transferor's call (call A). */
export interface AttendedTransferHost {
  readonly deps: CallDeps;
  readonly log: CallLogIds;
  /** Who sent the REFER (extension number, else URI): it must hold the consultation dialog too. */
  readonly transferor: string;
  /** The transferee's side of call A: re-INVITEd towards the target. */
  readonly transferee: BridgeSide;
  readonly replaces: Replaces;
  readonly notifier: TransferProgress;
  /** Call A's media anchor for moving the transferee to the target (absent: SDP crosses as is). */
  readonly media?: TransferMedia;
  /** The consultation call was still ringing: the transferee is blind-transferred to what it dialled. */
  redial(target: ReferTarget): void;
  /** The target's dialog (this Call-ID) belongs to call A from now on (call table). */
  takeOver(callId: string): void;
  /** The transferee and the target talk: `side` (the target's dialog) replaces the transferor in call A. */
  connected(side: BridgeSide, targetKey: string): void;
  /** The transfer failed; call A stays as it was. `target`: who it was for, if known. */
  failed(status: number, reason: string, target: string): void;
}

type Phase = 'idle' | 'joining' | 'done';

/** A party the holding call has no media facts for: not known to be behind NAT (its SDP is trusted). */
const NAT_UNKNOWN: PartyMedia = { sourceHost: '', behindNat: false };

/**
 * One attended transfer (RFC 5589 §7, RFC 3891 §7): the REFER's Replaces names the transferor's
 * dialog with the PBX in a consultation call B (either party of either call may be the transferor).
 * B's other party, the target, is taken over by call A: B retires its bridge, BYEs the transferor's
 * leg and ends; the target is re-INVITEd without SDP and its offer goes to the transferee in a
 * re-INVITE whose answer rides in the target's ACK (RFC 3725 flow I, as a blind transfer joins its
 * legs). When call A's media go through rtpengine the target's leg joins that anchor (`media`,
 * transfer-media.ts): its offer and the transferee's answer cross ng offer/answer (RFC 3264 §8: a
 * re-INVITE's offer may change the address and ports), so each phone sees rtpengine's address and a
 * NATed phone keeps its audio; the transferor's leg then leaves rtpengine (ng delete of its tag) and
 * call B's own rtpengine session is deleted as call B ends.
 *
 * Rules (documented in the README): a Replaces naming nothing the PBX holds (or call A itself) → 481;
 * a consultation dialog of another party → 403 (only the transferor's own dialog may be joined);
 * B still ringing, with the transferor as its caller → B is cancelled and the transferee is
 * blind-transferred to the number B dialled (RFC 5589 §7.3's early case, done by the PBX); a ringing
 * leg towards the transferor → 481.
 */
export class AttendedTransfer {
  private phase: Phase = 'idle';
  private target: BridgeSide | undefined;

  constructor(private readonly host: AttendedTransferHost) {}

  start(): void {
    const { deps, replaces } = this.host;
    const named = deps.dialogs?.named(replaces);
    if (!named || named.call.id === this.host.log.call)
      return this.fail(481, 'Call/Transaction Does Not Exist', '');
    const { call } = named;
    if (call.party(named.side) !== this.host.transferor) return this.fail(403, 'Forbidden', '');
    if (named.state === 'early-incoming') {
      this.phase = 'done';
      call.abandonEarly();
      this.host.redial({ uri: call.dialled.requestUri, destination: call.dialled.destination });
      return;
    }
    const kept = other(named.side);
    const target = named.state === 'confirmed' ? call.side(kept) : undefined;
    if (!target) return this.fail(481, 'Call/Transaction Does Not Exist', '');
    const key = call.party(kept);
    const targetMedia = call.media(kept) ?? NAT_UNKNOWN;
    this.host.notifier.progress(100);
    this.phase = 'joining';
    this.target = target;
    this.host.takeOver(target.dialog.id.callId);
    const cause = `attended transfer by ${this.host.transferor}: ${key} joined to call ${this.host.log.call}`;
    if (!call.handOver(kept, cause)) return this.abandon(481, 'Call/Transaction Does Not Exist', key);
    deps.logger.info({ ...this.host.log, consultation: call.id, target: key }, 'attended transfer joining');
    this.host.media?.open(target.dialog.id.callId, targetMedia);
    this.join(target, key);
  }

  /** Call A ended meanwhile: a target already taken from call B is released with BYE. */
  stop(): void {
    if (this.phase === 'joining' && this.target) sendBye(this.target.route, this.target.dialog);
    this.phase = 'done';
  }

  private join(target: BridgeSide, key: string): void {
    const { deps, log } = this.host;
    reinviteSide(target, undefined, deps, log, {
      answered: (offer, ackTarget) => {
        if (this.phase !== 'joining') return ackTarget();
        // RFC 3264 §5: a 2xx to an offerless INVITE must offer; without one nothing can be joined.
        if (!offer) {
          ackTarget();
          return this.abandon(488, 'Not Acceptable Here', key);
        }
        const media = this.host.media;
        if (!media) return this.moveTransferee(target, key, offer, ackTarget);
        media.offer(target.dialog.id.callId, offer, (relay) => {
          if (this.phase !== 'joining') return ackTarget();
          if (relay.ok && relay.body) return this.moveTransferee(target, key, relay.body, ackTarget);
          // rtpengine (or the SRTP policy) refused the target's offer: its ACK goes bare, it is released.
          deps.logger.warn({ ...log, reason: relay.ok ? 'no SDP' : relay.reason }, 'target offer refused');
          ackTarget();
          this.abandon(488, 'Not Acceptable Here', key);
        });
      },
      failed: (status, reason) => this.abandon(status, reason, key),
    });
  }

  /** The transferee gets the target's offer in a re-INVITE; its answer rides in the target's ACK. */
  private moveTransferee(
    target: BridgeSide,
    key: string,
    offer: SessionBody,
    ackTarget: (answer?: SessionBody) => void,
  ): void {
    const { deps, log, transferee, media } = this.host;
    reinviteSide(transferee, offer, deps, log, {
      answered: (answer, ackTransferee) => {
        ackTransferee();
        if (!media) return this.joined(target, key, () => ackTarget(answer));
        media.answer(target.dialog.id.callId, answer, (relay) => {
          if (relay.ok) return this.joined(target, key, () => ackTarget(relay.body));
          // The transferee already took the target's offer: the target gets no answer and is released.
          deps.logger.warn({ ...log, reason: relay.reason }, 'transferee answer refused');
          ackTarget();
          this.abandon(488, 'Not Acceptable Here', key);
        });
      },
      failed: (status, reason) => {
        // The target's offer has no answer: its ACK goes bare and its dialog ends at once.
        ackTarget();
        this.abandon(status, reason, key);
      },
    });
  }

  /** The target's ACK carries the answer: the two talk, the transferor's leg leaves the media anchor. */
  private joined(target: BridgeSide, key: string, ackTarget: () => void): void {
    ackTarget();
    if (this.phase !== 'joining') return;
    this.phase = 'done';
    this.host.connected(target, key);
    this.host.media?.replaced();
  }

  /** The target was already taken from call B: it is released with BYE, then the transfer fails. */
  private abandon(status: number, reason: string, key: string): void {
    if (this.phase !== 'joining') return;
    if (this.target) sendBye(this.target.route, this.target.dialog);
    this.fail(status, reason, key);
  }

  private fail(status: number, reason: string, target: string): void {
    if (this.phase === 'done') return;
    this.phase = 'done';
    this.host.deps.logger.info({ ...this.host.log, status, reason }, 'attended transfer failed, call kept');
    this.host.failed(status, reason, target);
  }
}
