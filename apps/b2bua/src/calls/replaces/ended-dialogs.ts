/** How long an ended call's dialogs are remembered: 64*T1, as long as a late request may still arrive. */
export const ENDED_DIALOG_MEMORY_MS = 32_000;
/** At most this many dialog keys are remembered (oldest dropped first): bounded under any load. */
export const ENDED_DIALOG_MAX_KEYS = 20_000;

/** The keys under which the call table found a call: its caller's dialog and its legs' Call-IDs. */
export interface CallKeys {
  /** `<caller Call-ID>;<caller's From-tag>`. */
  readonly caller: string;
  /** Its own legs' Call-IDs (unique per leg). */
  readonly legs: readonly string[];
}

/**
 * Dialogs of calls that ended a moment ago, so that an INVITE with Replaces naming one gets 603
 * Declined (RFC 3891 §3: "matches a dialog which has already terminated") rather than 481. Matched
 * as the call table matches live calls (CallTable.holding): a leg by its Call-ID, the caller's
 * dialog by Call-ID and either tag. In memory with the injected clock; insertion order is expiry
 * order (one fixed lifetime), so pruning only looks at the front.
 */
export class EndedDialogs {
  private readonly until = new Map<string, number>();

  constructor(
    private readonly now: () => number,
    private readonly keepMs = ENDED_DIALOG_MEMORY_MS,
    private readonly maxKeys = ENDED_DIALOG_MAX_KEYS,
  ) {}

  get size(): number {
    return this.until.size;
  }

  remember(keys: CallKeys): void {
    const expires = this.now() + this.keepMs;
    for (const key of [keys.caller, ...keys.legs]) {
      this.until.delete(key); // re-inserted at the back: the order stays the expiry order
      this.until.set(key, expires);
    }
    this.prune();
  }

  /** Did a call with this dialog end within the memory? */
  ended(callId: string, tags: readonly string[]): boolean {
    this.prune();
    return this.until.has(callId) || tags.some((tag) => this.until.has(`${callId};${tag}`));
  }

  private prune(): void {
    const now = this.now();
    for (const [key, expires] of this.until) {
      if (expires > now && this.until.size <= this.maxKeys) break;
      this.until.delete(key);
    }
  }
}
