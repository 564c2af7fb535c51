import type { SipMessage, SipRequest } from '@switchboard/sip';
import type { ServerTransaction } from '@switchboard/transactions';
import type { Side } from './bridge/call-bridge.js';
import type { CallSession } from './call-session.js';
import type { CallKeys } from './replaces/ended-dialogs.js';

/**
 * Finds the call a request belongs to: the caller's dialog by Call-ID + the caller's tag, a
 * callee leg by its own Call-ID (ours, unique per leg), a CANCEL by the INVITE transaction.
 */
export class CallTable {
  private readonly byCaller = new Map<string, CallSession>();
  /** A leg plays the callee side, except a transfer target that took the caller's place. */
  private readonly byLeg = new Map<string, { session: CallSession; side: Side }>();
  private readonly byInvite = new Map<ServerTransaction<SipMessage>, CallSession>();
  private readonly keysOf = new Map<CallSession, { caller: string; legs: string[] }>();

  get size(): number {
    return this.keysOf.size;
  }

  /** Entries per index (all 0 once every call ended: a leak test reads them). */
  indexSizes(): { byCaller: number; byLeg: number; byInvite: number } {
    return { byCaller: this.byCaller.size, byLeg: this.byLeg.size, byInvite: this.byInvite.size };
  }

  /** Calls per session state, e.g. `{ bridged: 3 }`. */
  phases(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const s of this.keysOf.keys()) out[s.phase] = (out[s.phase] ?? 0) + 1;
    return out;
  }

  sessions(): CallSession[] {
    return [...this.keysOf.keys()];
  }

  /** The call session with this id (call pickup finds the ringing call by it); linear, pickups are rare. */
  find(id: string): CallSession | undefined {
    for (const s of this.keysOf.keys()) if (s.id === id) return s;
    return undefined;
  }

  add(session: CallSession, callerTag: string): void {
    const caller = `${session.callerCallId};${callerTag}`;
    this.byCaller.set(caller, session);
    this.byInvite.set(session.inviteTx, session);
    this.keysOf.set(session, { caller, legs: [] });
  }

  addLeg(session: CallSession, callId: string, side: Side = 'callee'): void {
    this.byLeg.set(callId, { session, side });
    this.keysOf.get(session)?.legs.push(callId);
  }

  /** Forgets the call; its keys (undefined if it was not here) go on to EndedDialogs. */
  remove(session: CallSession): CallKeys | undefined {
    const keys = this.keysOf.get(session);
    if (!keys) return undefined;
    this.byCaller.delete(keys.caller);
    // A parked party's Call-ID may belong to the call that retrieved it by now.
    for (const leg of keys.legs) if (this.byLeg.get(leg)?.session === session) this.byLeg.delete(leg);
    this.byInvite.delete(session.inviteTx);
    this.keysOf.delete(session);
    return keys;
  }

  /** Is this Call-ID one of our own outgoing legs? (An INVITE coming back to us is a loop.) */
  isOwnLeg(callId: string): boolean {
    return this.byLeg.has(callId);
  }

  forCancel(invite: ServerTransaction<SipMessage>): CallSession | undefined {
    return this.byInvite.get(invite);
  }

  /**
   * The call that may hold the dialog a Replaces names (RFC 3891 §3): one of its legs by Call-ID, or
   * its caller's dialog by Call-ID and either tag (the session then compares both tags).
   */
  holding(callId: string, tags: readonly string[]): CallSession | undefined {
    const leg = this.byLeg.get(callId);
    if (leg) return leg.session;
    for (const tag of tags) {
      const caller = this.byCaller.get(`${callId};${tag}`);
      if (caller) return caller;
    }
    return undefined;
  }

  /** The call and side of an in-dialog request (or ACK). */
  match(request: SipRequest): { session: CallSession; side: Side } | undefined {
    const leg = this.byLeg.get(request.callId);
    if (leg) return leg;
    const tag = request.from.tag;
    const caller = tag === undefined ? undefined : this.byCaller.get(`${request.callId};${tag}`);
    return caller ? { session: caller, side: 'caller' } : undefined;
  }
}
