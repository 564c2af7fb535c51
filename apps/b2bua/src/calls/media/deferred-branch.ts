import type { BranchHandle, CancelCause } from '../plan/branch-types.js';

/**
 * A branch whose INVITE waits for its SDP offer from the media relay. Cancelled before it starts,
 * it never sends anything (the executor's handle contract: nothing is reported after `cancel`).
 */
export class DeferredBranch implements BranchHandle {
  private leg: BranchHandle | undefined;
  private cancelled: CancelCause | undefined;

  /** `callId`: the SIP Call-ID the leg will have (chosen before its INVITE waits for the offer). */
  constructor(readonly callId: string) {}

  /** Starts the leg unless the branch was cancelled meanwhile. */
  start(launch: () => BranchHandle): void {
    if (this.cancelled === undefined) this.leg = launch();
  }

  cancel(cause: CancelCause): void {
    this.cancelled = cause;
    this.leg?.cancel(cause);
  }
}
