import type { PartyMedia } from '../media/call-media.js';
import type { BridgeSide } from '../bridge/call-bridge.js';

// Module constant: a regular expression literal in a function body is a new object per call.
const SLOT_DIGITS = /^[0-9]{1,15}$/;

/** A parked call as the lot holds it: the parked party's dialog, handed to whoever retrieves it. */
export interface ParkedEntry {
  /** The parked party's side of its call (dialog and route). */
  readonly side: BridgeSide;
  /** Who is parked (extension number, else URI): the retriever's call record names it. */
  readonly label: string;
  /** Where the party is for the media relay (NAT, policy), as its call knew it (absent: unknown). */
  readonly partyMedia?: PartyMedia | undefined;
  /** The retriever has it now: the parked call ends quietly (no BYE: its party lives on). */
  retrieved(by: string): void;
  /** The retrieval failed: back in its slot (or ringing the parker if its time ran out meanwhile). */
  returned(): void;
}

/** The slot `destination` names in the range `first`–`last` (SWITCHBOARD_PARK_SLOTS), if it is one. */
export function parkSlotOf(destination: string, first: number, last: number): number | undefined {
  if (!SLOT_DIGITS.test(destination)) return undefined;
  const n = Number(destination);
  return n >= first && n <= last ? n : undefined;
}

/**
 * The park slots of this signalling process (SWITCHBOARD_PARK_SLOTS): which of its calls waits in
 * which slot, dialling the slot takes it out. In memory: parked calls live in the process that holds
 * their dialogs, like every call; the slot itself is claimed in Redis (ParkSlotStore.claim) so that
 * nodes sharing the range never give out the same one. `park` (first free slot here) is for a
 * process without that store.
 */
export class ParkLot {
  private readonly slots = new Map<number, ParkedEntry>();

  constructor(
    /** The number a call is transferred to in order to park it (SWITCHBOARD_PARK_NUMBER). */
    readonly number: string,
    /** The range SWITCHBOARD_PARK_SLOTS names. */
    readonly first: number,
    readonly last: number,
  ) {}

  /** The slot a dialled number names, if it is one. */
  slotOf(destination: string): number | undefined {
    return parkSlotOf(destination, this.first, this.last);
  }

  /** Parks `entry` in the first free slot; undefined when every slot is taken. */
  park(entry: ParkedEntry): number | undefined {
    for (let slot = this.first; slot <= this.last; slot++) {
      if (this.slots.has(slot)) continue;
      this.slots.set(slot, entry);
      return slot;
    }
    return undefined;
  }

  /** Takes the call out of `slot` for a retriever (undefined: nothing parked there). */
  take(slot: number): ParkedEntry | undefined {
    const entry = this.slots.get(slot);
    this.slots.delete(slot);
    return entry;
  }

  /**
   * Puts a call into its claimed slot, or back after a failed retrieval (false: the slot was taken
   * meanwhile).
   */
  put(slot: number, entry: ParkedEntry): boolean {
    if (this.slots.has(slot)) return false;
    this.slots.set(slot, entry);
    return true;
  }

  /** Frees `slot` if `entry` still holds it (the parked party hung up, or it rings back). */
  release(slot: number, entry: ParkedEntry): void {
    if (this.slots.get(slot) === entry) this.slots.delete(slot);
  }

  /** Whether this process holds a call in `slot`. */
  holds(slot: number): boolean {
    return this.slots.has(slot);
  }

  /** Occupied slots, ascending. */
  get occupied(): number[] {
    return [...this.slots.keys()].sort((a, b) => a - b);
  }
}
