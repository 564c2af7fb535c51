import type { CallDeps } from '../call-deps.js';
import type { CallEnding, CallLogIds } from '../call-session-hooks.js';
import { bodyOf, type CallerLeg, type SessionBody } from '../legs/caller-leg.js';
import { sendBye } from '../legs/in-dialog-route.js';
import type { CallMedia, PartyMedia } from '../media/call-media.js';
import type { ParkedEntry } from '../park/park-lot.js';
import { retrieveParked } from '../park/park-retrieval.js';
import type { ReplacedParty } from '../replaces/replaced-party.js';
import type { TransferRecord } from '../../jobs/call-record-job.js';

/** What a take-over reads from and does to the call that takes a party over (the new caller's). */
export interface CallTakeoverHost extends Pick<CallEnding, 'failTo'> {
  readonly deps: CallDeps;
  readonly log: CallLogIds;
  readonly caller: CallerLeg;
  readonly media: CallMedia;
  /** Who takes over (the new caller's extension number, else its URI). */
  readonly by: string;
  /** The call's transfer chain (an INVITE with Replaces is noted there). */
  readonly chain: TransferRecord[];
  /** The session is now `answering`: the party is being moved. */
  answering(): void;
  /** Still `answering` with the caller's INVITE open (not cancelled, not ended meanwhile). */
  waiting(): boolean;
  /** The party took the caller's media: the caller gets `answer` in its 2xx, the two are bridged. */
  connected(entry: ParkedEntry, answer: SessionBody | undefined): void;
}

/** A party no call knew media facts of: not known to be behind NAT (its SDP address is trusted). */
const NAT_UNKNOWN: PartyMedia = { sourceHost: '', behindNat: false };

/**
 * A call that takes a party over from another call instead of being routed: a park slot dialled
 * (park-retrieval.ts) or an INVITE with Replaces naming a confirmed dialog (RFC 3891 §3). The
 * party gets the new caller's offer in a re-INVITE (RFC 3261 §14.1, RFC 3264 §8: a new address and
 * ports) and its answer goes to the caller in a 2xx (RFC 3725 flow II order), then its old call lets
 * it go (`entry.retrieved`). Both crossings go through this call's CallMedia like a branch's
 * (issue #19): when the pair is relayed, the party's leg is a branch of this call's rtpengine
 * session (its dialog's Call-ID as tag and via-branch) and each phone sees rtpengine's address; the
 * old call's session is deleted as that call ends. A refused re-INVITE → its status to the caller,
 * the old call goes on (`entry.returned`). The call ending before the party answered returns it;
 * after (its media already moved here): BYE to it and its old call ends.
 */
export class CallTakeover {
  /** The party being moved, and whether its media already moved (its re-INVITE answered). */
  private pending: { readonly entry: ParkedEntry; moved: boolean } | undefined;

  constructor(private readonly host: CallTakeoverHost) {}

  /** A take-over is under way (the call must still answer the caller if it ends now). */
  get running(): boolean {
    return this.pending !== undefined;
  }

  /**
   * The caller dialled a park slot. An empty slot → 404; an INVITE without SDP → 488 (retrieval
   * needs the caller's offer); a parked party refusing the re-INVITE → its status, the call stays parked.
   */
  retrieve(slot: number): void {
    const { deps, caller, failTo } = this.host;
    if (!bodyOf(caller.invite))
      return failTo(488, 'Not Acceptable Here', [], 'failed', 'park retrieval without SDP offer');
    const entry = deps.park?.lot.take(slot);
    if (!entry) return failTo(404, 'No Call Parked Here', [], 'rejected', `park slot ${slot} empty`);
    this.take(entry, 'park retrieval');
  }

  /**
   * INVITE with Replaces naming a confirmed dialog (RFC 3891 §3): once the far party answered, the
   * replaced leg gets BYE with a Reason and its call ends; the chain notes the replacement.
   */
  replace(party: ReplacedParty): void {
    const { deps, log, by } = this.host;
    deps.logger.info(
      { ...log, replaced: party.call.id, party: party.label },
      'INVITE with Replaces: taking the call over',
    );
    this.take(party, 'INVITE with Replaces', () =>
      this.host.chain.push({
        transferor: by,
        transferee: party.label,
        target: by,
        at: new Date(deps.wallNow()).toISOString(),
        status: 200,
        kind: 'replaces',
      }),
    );
  }

  /**
   * The call ends before the take-over finished (cancelled, shutdown, the relay failed): a party
   * still untouched goes back to its old call; one whose media already moved here gets BYE.
   */
  abandon(): void {
    const pending = this.pending;
    this.pending = undefined;
    if (!pending) return;
    if (!pending.moved) return pending.entry.returned();
    sendBye(pending.entry.side.route, pending.entry.side.dialog);
    pending.entry.retrieved(this.host.by);
  }

  private take(entry: ParkedEntry, what: string, joined?: () => void): void {
    const { caller, media, failTo } = this.host;
    const offer = bodyOf(caller.invite);
    if (!offer) return failTo(488, 'Not Acceptable Here', [], 'failed', `${what} without SDP offer`);
    this.host.answering();
    const branch = entry.side.dialog.id.callId;
    media.openBranch(branch, entry.partyMedia ?? NAT_UNKNOWN, offer);
    this.pending = { entry, moved: false };
    media.cross({ kind: 'offer', from: 'caller', to: { branch } }, offer, (relay) => {
      if (this.pending?.entry !== entry) return;
      if (!this.host.waiting()) return this.abandon(); // the caller gave up meanwhile
      if (!relay.ok || !relay.body) {
        this.pending = undefined;
        entry.returned();
        const reason = relay.ok ? 'no SDP' : relay.reason;
        return failTo(488, 'Not Acceptable Here', [], 'failed', `${what}: ${reason}`);
      }
      this.reinvite(entry, branch, relay.body, what, joined);
    });
  }

  /** The party gets the (relayed) offer; its answer crosses back to the caller's 2xx. */
  private reinvite(
    entry: ParkedEntry,
    branch: string,
    offer: SessionBody,
    what: string,
    joined?: () => void,
  ) {
    const { deps, log, media, failTo } = this.host;
    retrieveParked(entry, offer, deps, log, {
      answered: (answer) => {
        if (this.pending?.entry !== entry) return;
        this.pending.moved = true;
        if (!this.host.waiting()) return this.abandon(); // the caller gave up meanwhile
        media.cross({ kind: 'answer', from: { branch }, to: 'caller' }, answer, (back) => {
          if (this.pending?.entry !== entry) return;
          if (!this.host.waiting()) return this.abandon();
          if (!back.ok) {
            deps.logger.warn({ ...log, reason: back.reason }, `${what}: the party's answer refused`);
            this.abandon();
            return failTo(488, 'Not Acceptable Here', [], 'failed', `${what}: ${back.reason}`);
          }
          this.pending = undefined;
          this.host.connected(entry, back.body);
          entry.retrieved(this.host.by);
          joined?.();
        });
      },
      failed: (status, reason) => {
        if (this.pending?.entry !== entry) return;
        this.pending = undefined;
        entry.returned();
        failTo(status, reason, [], 'failed', `${what}: ${status} ${reason}`);
      },
    });
  }
}
