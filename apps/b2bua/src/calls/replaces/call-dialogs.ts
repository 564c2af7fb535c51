import type { DialogId } from '@switchboard/dialog';
import type { Replaces, SipRequest } from '@switchboard/sip';
import type { BridgeSide, Side } from '../bridge/call-bridge.js';
import { other } from '../bridge/relayed-invites.js';
import { sendBye } from '../legs/in-dialog-route.js';
import type { PartyMedia } from '../media/call-media.js';
import type { Picker, PickupRefusal } from '../pickup/picker.js';

/**
 * How a dialog named by a Replaces stands (RFC 3891 §3): a side of the bridged call, the caller's
 * early dialog (its INVITE still unanswered: the PBX did not initiate it), or a callee leg still
 * ringing (initiated by the PBX).
 */
export type NamedDialogState = 'confirmed' | 'early-incoming' | 'early-outgoing';

/** The dialog of one of the PBX's calls that a Replaces names. */
export interface NamedDialog {
  readonly call: ReplaceableCall;
  /** The call's side whose PBX-facing dialog matched. */
  readonly side: Side;
  readonly state: NamedDialogState;
  /** `early-outgoing`: the extension that leg rings (its To user in our domain), if it is one. */
  readonly rung?: string;
}

/** What another call may do with a call whose dialog a Replaces named. */
export interface ReplaceableCall {
  /** The call's session id (records, logs). */
  readonly id: string;
  /** What its caller dialled (an early consultation call is re-dialled for the transferee). */
  readonly dialled: { readonly requestUri: string; readonly destination: string };
  /** Who is on `side` now (extension number, else URI), as its transfer chain names parties. */
  party(side: Side): string;
  /** The bridged call's side (its dialog and route); undefined before it is bridged. */
  side(side: Side): BridgeSide | undefined;
  /** Where the party on `side` is for the media relay (NAT, policy), if this call knows. */
  media(side: Side): PartyMedia | undefined;
  /**
   * Another call takes `kept` over: this one relays nothing more, the other side gets BYE with a
   * Reason (RFC 3326), and the call ends with `cause` (no BYE to `kept`). False: no longer bridged.
   */
  handOver(kept: Side, cause: string): boolean;
  /** Its caller's INVITE, still unanswered, is ended with 487 and every branch cancelled. */
  abandonEarly(): void;
  /** Still ringing: `picker` answers it and every branch is cancelled (CallSession.pickUp). */
  pickUp(picker: Picker): PickupRefusal | undefined;
}

/** Where the PBX's calls are found by a Replaces (the call table). */
export interface DialogDirectory {
  named(replaces: Replaces): NamedDialog | undefined;
}

/** What CallDialogs reads from its session. */
export interface CallDialogsHost {
  readonly id: string;
  /** The PBX's SIP domain: a leg to `sip:<number>@<domain>` rings an extension. */
  readonly domain: string;
  readonly invite: SipRequest;
  readonly dialled: ReplaceableCall['dialled'];
  /** The bridge's sides; `retire` retires the bridge (nothing relayed any more). */
  readonly answer: { sides(): Record<Side, BridgeSide> | undefined; retire(): void };
  /** Is `tag` a To-tag of the caller's early dialogs? */
  readonly caller: { isEarlyTag(tag: string): boolean };
  /** Its callee legs being dialled (the To URI each rings). */
  readonly launcher: {
    leg(callId: string): { readonly init: { readonly to: { readonly uri: string } } } | undefined;
  };
  /** Who is on each side now. */
  readonly transfers: { label(side: Side): string };
  /** The party on a bridge side as this call's media relay knows it. */
  partyMedia(side: BridgeSide): PartyMedia | undefined;
  /** The session's state (call-session.ts SessionState). */
  state(): string;
  end(cause: string): void;
  cancel(): void;
  pickUp(picker: Picker): PickupRefusal | undefined;
}

/** RFC 3326: why the replaced party's dialog ends. */
const REPLACED = { name: 'Reason', value: 'SIP;cause=200;text="Call replaced"' };

/** Either tag order matches: phones disagree on whose view a Replaces takes when they are the callee. */
function sameTags(id: DialogId, r: Replaces): boolean {
  return (
    (id.localTag === r.toTag && id.remoteTag === r.fromTag) ||
    (id.localTag === r.fromTag && id.remoteTag === r.toTag)
  );
}

/**
 * One call's dialogs as a Replaces (RFC 3891) may name them: found by Call-ID and tags (RFC 3891 §3
 * compares to-tag with the PBX's own tag and from-tag with the far end's; the other order is accepted
 * too), and handed over to the call that replaces them.
 */
export class CallDialogs implements ReplaceableCall {
  constructor(private readonly host: CallDialogsHost) {}

  get id(): string {
    return this.host.id;
  }

  get dialled(): ReplaceableCall['dialled'] {
    return this.host.dialled;
  }

  named(r: Replaces): NamedDialog | undefined {
    const state = this.host.state();
    const sides = this.host.answer.sides();
    if (state === 'bridged' && sides) {
      for (const side of ['caller', 'callee'] as const) {
        const id = sides[side].dialog.id;
        if (id.callId === r.callId && sameTags(id, r)) return { call: this, side, state: 'confirmed' };
      }
      return undefined;
    }
    if (state !== 'dialling') return undefined;
    const { invite } = this.host;
    const fromTag = invite.from.tag ?? '';
    const callerEarly =
      r.callId === invite.callId &&
      ((r.fromTag === fromTag && this.host.caller.isEarlyTag(r.toTag)) ||
        (r.toTag === fromTag && this.host.caller.isEarlyTag(r.fromTag)));
    if (callerEarly) return { call: this, side: 'caller', state: 'early-incoming' };
    const leg = this.host.launcher.leg(r.callId);
    if (!leg) return undefined;
    const rung = extensionOf(leg.init.to.uri, this.host.domain);
    return { call: this, side: 'callee', state: 'early-outgoing', ...(rung ? { rung } : {}) };
  }

  party(side: Side): string {
    return this.host.transfers.label(side);
  }

  side(side: Side): BridgeSide | undefined {
    return this.host.state() === 'bridged' ? this.host.answer.sides()?.[side] : undefined;
  }

  media(side: Side): PartyMedia | undefined {
    const bridged = this.side(side);
    return bridged && this.host.partyMedia(bridged);
  }

  handOver(kept: Side, cause: string): boolean {
    const sides = this.host.answer.sides();
    if (this.host.state() !== 'bridged' || !sides) return false;
    this.host.answer.retire();
    const gone = sides[other(kept)];
    sendBye(gone.route, gone.dialog, [REPLACED]);
    this.host.end(cause);
    return true;
  }

  abandonEarly(): void {
    this.host.cancel();
  }

  pickUp(picker: Picker): PickupRefusal | undefined {
    return this.host.pickUp(picker);
  }
}

/** The extension a leg to `sip:<number>@<domain>` rings (callee-leg-init.ts addresses extensions so). */
function extensionOf(uri: string, domain: string): string | undefined {
  const m = /^sips?:([0-9*#+]+)@([^;>?]+)$/.exec(uri);
  return m && m[2]?.toLowerCase() === domain.toLowerCase() ? m[1] : undefined;
}
