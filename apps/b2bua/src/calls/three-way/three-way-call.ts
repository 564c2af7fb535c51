import type { SipMessage, SipRequest } from '@switchboard/sip';
import type { ServerTransaction } from '@switchboard/transactions';
import type { BridgeSide, Side } from '../bridge/call-bridge.js';
import type { CallDeps } from '../call-deps.js';
import { authorityOf, type CallIdentity } from '../call-routing.js';
import type { AuthorisedTrunks } from '../legs/call-trunk-legs.js';
import type { CallLogIds } from '../call-session-hooks.js';
import type { CalleeLeg } from '../legs/callee-leg.js';
import type { SessionBody } from '../legs/caller-leg.js';
import type { LegRecord } from '../plan/branch-types.js';
import type { HangupSide } from '../records/call-record-builder.js';
import { BlindTransfer } from '../transfer/blind-transfer.js';
import { SILENT_PROGRESS } from '../transfer/transfer-notifier.js';
import { RoomMemberLeg, type RoomMedia } from './room-member-leg.js';

/** An ad-hoc room (not a row of conference_rooms): made for one call, closed with it. */
export interface AdHocRoom {
  readonly media: RoomMedia;
  close(): void;
}

/** What a three-way call needs from its call. */
export interface ThreeWayHost {
  readonly deps: CallDeps;
  readonly log: CallLogIds;
  /** The call's first INVITE (Max-Forwards of the new leg, RFC 7332 §3). */
  readonly invite: SipRequest;
  readonly room: AdHocRoom;
  /** The call's trunk legs: the third party dialled outside goes on the presser's limit. */
  readonly trunks: AuthorisedTrunks | undefined;
  /** The third party's Call-ID is now this call's (its in-dialog requests come here). */
  legStarted(callId: string): void;
  /** The third party's legs, for the call record. */
  addLegs(legs: readonly LegRecord[]): void;
  /** One party or none is left: the room is closed and the call ends. */
  ended(side: HangupSide, cause: string): void;
}

interface Member {
  readonly leg: RoomMemberLeg;
  /** The record's hang-up side when this member ends the call. */
  readonly side: HangupSide;
}

type Phase = 'moving' | 'dialling' | 'room' | 'over';

/**
 * Three-way calling from a bridged call: both parties are moved into an ad-hoc room (RoomMemberLeg,
 * a re-INVITE each), then `digits` is routed through the plugins as a new call from the one who
 * pressed the code (ring groups, follow-me, trunks apply); when it answers, it joins the room. If it
 * fails, the two stay connected in the room. The room lasts while two or more are in it (or one
 * waits for the third party); the last one alone is hung up and the call ends.
 */
export class ThreeWayCall {
  private phase: Phase = 'moving';
  private readonly members: Member[] = [];
  private dial: BlindTransfer | undefined;
  /** Why the room is closing, once the last member is being hung up. */
  private ending: { side: HangupSide; cause: string } | undefined;

  constructor(private readonly host: ThreeWayHost) {}

  /** `presser` typed the code and `digits`: the two sides move into the room, then the number is called. */
  async start(
    sides: Record<Side, BridgeSide>,
    labels: Record<Side, string>,
    presser: { readonly side: Side; readonly identity: CallIdentity },
    digits: string,
  ): Promise<void> {
    const { logger } = this.host.deps;
    logger.info({ ...this.host.log, by: labels[presser.side], digits }, 'three-way: adding a party');
    const legs = (['caller', 'callee'] as const).map((s) => this.member(sides[s], labels[s], s));
    const moved = await Promise.all(legs.map((m) => m.leg.moveIn()));
    if (this.phase !== 'moving') return;
    if (!moved.every(Boolean)) {
      // A phone refused the re-INVITE (or offered no G.711): it cannot be mixed; the call ends cleanly.
      logger.warn({ ...this.host.log, moved }, 'three-way: a party could not be moved into the room');
      return this.hangUpAll('three-way: re-INVITE refused');
    }
    this.phase = 'dialling';
    this.dial = new BlindTransfer({
      deps: this.host.deps,
      log: this.host.log,
      invite: this.host.invite,
      routingId: `${this.host.log.call}:three-way`,
      transferee: { identity: presser.identity, side: sides[presser.side] },
      target: { uri: `sip:${digits}@${this.host.deps.domain}`, destination: digits },
      // The presser authorises the number (its dialling class and outside-call limit).
      authority: { by: authorityOf(presser.identity), trunks: this.host.trunks },
      notifier: SILENT_PROGRESS,
      legStarted: (callId) => this.host.legStarted(callId),
      addLegs: (records) => this.host.addLegs(records),
      connected: () => undefined, // answeredWithOffer takes the answered leg instead
      failed: (status, reason) => this.thirdFailed(status, reason),
      answeredWithOffer: (leg, offer, key) => this.thirdAnswered(leg, offer, key),
    });
    this.dial.start();
  }

  /** A request in one member's dialog (the call table routes every leg of the call here). */
  handleRequest(_side: Side, request: SipRequest, tx: ServerTransaction<SipMessage>): void {
    const member = this.members.find((m) => m.leg.owns(request));
    if (!member || this.phase === 'over') {
      tx.reply(481, 'Call/Transaction Does Not Exist');
      return;
    }
    member.leg.handleRequest(request, tx);
  }

  handleAck(_side: Side, ack: SipRequest): void {
    this.members.find((m) => m.leg.owns(ack))?.leg.handleAck(ack);
  }

  /** The PBX ends the call (shutdown, operator, max duration): BYE to every member. */
  hangUpAll(cause: string): void {
    if (this.phase === 'over') return;
    this.phase = 'over'; // the members' leaving settles nothing more
    this.dial?.stop();
    for (const m of [...this.members]) m.leg.hangUp(cause);
    this.host.room.close();
    this.host.ended('system', cause);
  }

  /** The call ended elsewhere: media closed, no BYE. */
  stop(): void {
    if (this.phase === 'over') return;
    this.phase = 'over';
    this.dial?.stop();
    for (const m of this.members) m.leg.close();
    this.host.room.close();
  }

  private member(side: BridgeSide, label: string, hangupSide: HangupSide): Member {
    const leg = new RoomMemberLeg(
      {
        room: this.host.room.media,
        clock: this.host.deps.port.clock,
        logger: this.host.deps.logger,
        log: this.host.log,
        left: (l, cause) => this.left(l, cause),
      },
      side,
      label,
    );
    const member = { leg, side: hangupSide };
    this.members.push(member);
    return member;
  }

  private thirdAnswered(leg: CalleeLeg, offer: SessionBody, key: string): void {
    this.dial = undefined;
    const { dialog, route } = leg;
    if (this.phase === 'over' || !dialog || !route) {
      leg.hangUp();
      return;
    }
    const member = this.member({ dialog, route, contact: leg.localContact }, key, 'callee');
    member.leg.join(offer).then(
      (answer) => {
        leg.ackAnswer(answer ? { contentType: 'application/sdp', content: Buffer.from(answer) } : undefined);
        if (answer === undefined) member.leg.hangUp('third party offered no G.711 audio');
        else this.phase = 'room';
      },
      (err: unknown) => {
        this.host.deps.logger.error({ ...this.host.log, err }, 'three-way: third party media failed');
        leg.ackAnswer(undefined);
        member.leg.hangUp('media error');
      },
    );
  }

  private thirdFailed(status: number, reason: string): void {
    this.dial = undefined;
    this.host.deps.logger.info(
      { ...this.host.log, status, reason },
      'three-way: the third party did not answer; the two stay in the room',
    );
    if (this.phase === 'dialling') this.phase = 'room';
    this.settle('system', `three-way: ${status} ${reason}`);
  }

  private left(leg: RoomMemberLeg, cause: string): void {
    const i = this.members.findIndex((m) => m.leg === leg);
    const member = this.members[i];
    if (!member) return;
    this.members.splice(i, 1);
    this.host.deps.logger.info(
      { ...this.host.log, member: leg.label, cause, left: this.members.length },
      'three-way: a party left',
    );
    this.settle(cause === 'hangup' ? member.side : 'system', `three-way: ${leg.label} ${cause}`);
  }

  /** Two stay connected; one alone (and nobody being called) is hung up; none ends the call. */
  private settle(side: HangupSide, cause: string): void {
    if (this.phase === 'over' || this.phase === 'moving') return;
    const waiting = this.dial !== undefined ? 1 : 0;
    if (this.members.length + waiting >= 2) return;
    const last = this.members[0];
    if (last) {
      // Its leaving settles again with none left; the record keeps who left first.
      this.ending ??= { side, cause };
      return last.leg.hangUp('alone in the room');
    }
    this.finish(this.ending?.side ?? side, this.ending?.cause ?? cause);
  }

  private finish(side: HangupSide, cause: string): void {
    if (this.phase === 'over') return;
    this.stop();
    this.host.ended(side, cause);
  }
}
