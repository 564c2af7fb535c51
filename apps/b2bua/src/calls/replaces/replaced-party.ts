import type { BridgeSide, Side } from '../bridge/call-bridge.js';
import { other } from '../bridge/relayed-invites.js';
import type { PartyMedia } from '../media/call-media.js';
import type { ParkedEntry } from '../park/park-lot.js';
import type { ReplaceableCall } from './call-dialogs.js';

/**
 * The far party of a confirmed dialog an INVITE with Replaces names (RFC 3891 §3), taken over the
 * way a parked party is retrieved (park-retrieval.ts): it is re-INVITEd with the new caller's offer;
 * once it answered, its old call hands it over — the replaced leg gets BYE with a Reason (RFC 3326)
 * and that call ends. A refused re-INVITE leaves the old call as it was.
 */
export class ReplacedParty implements ParkedEntry {
  constructor(
    readonly call: ReplaceableCall,
    /** The side of `call` that stays (the far party). */
    private readonly kept: Side,
    /** Its dialog and route. */
    readonly side: BridgeSide,
  ) {}

  get partyMedia(): PartyMedia | undefined {
    return this.call.media(this.kept);
  }

  get label(): string {
    return this.call.party(this.kept);
  }

  /** Who is on the replaced side (the extension whose leg ends). */
  get replaced(): string {
    return this.call.party(other(this.kept));
  }

  retrieved(by: string): void {
    this.call.handOver(this.kept, `replaced by ${by} (INVITE with Replaces): ${this.label} moved`);
  }

  returned(): void {
    // Nothing was changed in the old call: it goes on.
  }
}
