import { parseReplaces, type Replaces } from '@switchboard/sip';
import { other } from '../bridge/relayed-invites.js';
import type { DialogDirectory, ReplaceableCall } from './call-dialogs.js';
import { ReplacedParty } from './replaced-party.js';

/** Where an INVITE with Replaces looks for the dialog it names: live calls, then calls just ended. */
export interface ReplacesLookup extends DialogDirectory {
  /** A call with this dialog ended a moment ago (EndedDialogs). */
  ended(replaces: Replaces): boolean;
}

/** The new INVITE as the rules see it (after digest authentication, RFC 3891 §6.1 / §3). */
export interface ReplacingInvite {
  /** Its Replaces header values (RFC 3891 §3: exactly one). */
  readonly replaces: readonly string[];
  /** It came from a trunk (not challenged as an extension). */
  readonly fromTrunk: boolean;
  /** The authenticated extension that sent it. */
  readonly caller: string | undefined;
  /** It carries an SDP offer (the taken-over party is re-INVITEd with it). */
  readonly hasOffer: boolean;
}

export type InviteReplacesDecision =
  | { readonly kind: 'none' }
  | { readonly kind: 'reject'; readonly status: number; readonly reason: string; readonly cause: string }
  /** A confirmed dialog: its far party is re-INVITEd towards the new caller, the named leg gets BYE. */
  | { readonly kind: 'replace'; readonly party: ReplacedParty }
  /**
   * A leg the PBX is ringing (an early dialog it initiated): the new caller answers that call and the
   * leg is cancelled, as a directed pickup; `rung` must allow it (its own phone, or the pickup rules).
   */
  | { readonly kind: 'pick-up'; readonly call: ReplaceableCall; readonly rung: string };

const reject = (status: number, reason: string, cause: string): InviteReplacesDecision => ({
  kind: 'reject',
  status,
  reason,
  cause,
});

/**
 * What to do with an INVITE carrying Replaces (RFC 3891 §3), in the RFC's order:
 * - more than one Replaces → 400 (§3); an unparsable one → 400; from a trunk → 403 (only the PBX's
 *   own extensions may take its calls over: a provider has no dialog with the PBX worth replacing);
 * - no dialog matches → 481; a dialog whose call ended a moment ago → 603 Declined;
 * - the caller's own early dialog with the PBX (its INVITE still unanswered: not initiated by the
 *   PBX) → 481, the dialog left as it is;
 * - a confirmed dialog with `early-only` → 486 Busy Here;
 * - authorisation (§3 leaves the policy to the UA; the PBX's): a confirmed dialog may only be
 *   replaced by the extension that holds it — another phone of the same user taking the call over,
 *   or the phone itself after a restart — else 403; a ringing leg by the extension it rings or by
 *   one the directed-pickup rules allow (checked by the caller of this function: they need the
 *   database);
 * - a confirmed dialog needs the new INVITE's SDP offer (the far party is re-INVITEd with it) → 488.
 */
export function inviteReplaces(invite: ReplacingInvite, lookup: ReplacesLookup): InviteReplacesDecision {
  if (invite.replaces.length === 0) return { kind: 'none' };
  if (invite.replaces.length > 1) return reject(400, 'More Than One Replaces', 'more than one Replaces');
  let replaces: Replaces;
  try {
    replaces = parseReplaces(invite.replaces[0] ?? '');
  } catch {
    return reject(400, 'Invalid Replaces', 'Replaces not parsable');
  }
  if (invite.fromTrunk) return reject(403, 'Replaces Not Accepted From A Trunk', 'Replaces from a trunk');
  const named = lookup.named(replaces);
  if (!named) {
    return lookup.ended(replaces)
      ? reject(603, 'Declined', `Replaces names dialog ${replaces.callId}, already terminated`)
      : reject(481, 'Call/Transaction Does Not Exist', `Replaces names no dialog (${replaces.callId})`);
  }
  const { call } = named;
  if (named.state === 'early-incoming')
    return reject(
      481,
      'Call/Transaction Does Not Exist',
      `Replaces names an early dialog of call ${call.id} the PBX did not initiate`,
    );
  if (named.state === 'early-outgoing') {
    if (!named.rung || !invite.caller)
      return reject(
        403,
        'Forbidden',
        `Replaces names a ringing leg of call ${call.id} that rings no extension`,
      );
    return { kind: 'pick-up', call, rung: named.rung };
  }
  if (replaces.earlyOnly)
    return reject(486, 'Busy Here', `Replaces with early-only names confirmed call ${call.id}`);
  const holder = call.party(named.side);
  if (holder !== invite.caller)
    return reject(403, 'Forbidden', `Replaces names ${holder}'s dialog of call ${call.id}`);
  const kept = other(named.side);
  const side = call.side(kept);
  if (!side) return reject(481, 'Call/Transaction Does Not Exist', `call ${call.id} no longer bridged`);
  if (!invite.hasOffer)
    return reject(488, 'Not Acceptable Here', 'INVITE with Replaces without an SDP offer');
  return { kind: 'replace', party: new ReplacedParty(call, kept, side) };
}
