import type { TransferRecord } from '../../jobs/call-record-job.js';
import type { CallerLeg } from '../legs/caller-leg.js';

/** The phone that dialled a pickup code, handed to the ringing call it picks up. */
export interface Picker {
  /** The picker's extension number (it answers the call). */
  readonly extension: string;
  /** `replaces`: an INVITE with Replaces named the ringing leg (RFC 3891 §3, replaces/). */
  readonly kind: 'group' | 'directed' | 'replaces';
  /** The picker's INVITE as a UAS leg: its 2xx carries the answer to the picker's offer. */
  readonly leg: CallerLeg;
}

/** Why a ringing call could not be picked up: the picker's INVITE gets this final answer. */
export interface PickupRefusal {
  readonly status: number;
  readonly reason: string;
  /** For the log. */
  readonly cause: string;
}

/**
 * The pickup in the picked call's record, next to its transfers: `group pickup` / `directed pickup`
 * moved the caller (`transferee`) to the picker (`target`); a pickup by Replaces names the picker
 * as transferor with kind `replaces`.
 */
export function pickupRecord(picker: Picker, caller: string, wallNow: number): TransferRecord {
  if (picker.kind === 'replaces')
    return {
      transferor: picker.extension,
      transferee: caller,
      target: picker.extension,
      at: new Date(wallNow).toISOString(),
      status: 200,
      kind: 'replaces',
    };
  return {
    transferor: `${picker.kind} pickup`,
    transferee: caller,
    target: picker.extension,
    at: new Date(wallNow).toISOString(),
    status: 200,
  };
}
