import type { Logger } from '@switchboard/config';
import type { DialTarget } from '@switchboard/plugin-sdk';
import type { CallIdentity, TransferAuthority } from '../call-routing.js';
import type { TargetExpander } from '../plan/branch-types.js';
import type { OutboundTrunkLeg } from '../records/call-direction.js';
import { TrunkTargetExpander, type TrunkCallParty, type TrunkLegDeps } from './trunk-target-expander.js';

/** One transfer's (three-way dial-out's, park ring-back's) trunk legs, on its authority's limit. */
export interface AuthorisedTrunkLegs {
  readonly expander: TargetExpander;
  /** The transfer failed: its slots (trunk, the authority's outside-call count) are given back now. */
  release(): void;
}

/** Trunk legs for a new call made inside this one on `authority`'s behalf (`id`: its routing id). */
export interface AuthorisedTrunks {
  authorisedBy(id: string, authority: TransferAuthority): AuthorisedTrunkLegs;
}

/**
 * The trunk legs of one call. The caller's own plan dials them on the caller's outside-call limit
 * (`expander`); a transfer, a three-way dial-out or a park ring-back dials them on its authorising
 * party's (`authorisedBy`): that extension's limit is counted, its name is the display name, and the
 * slots are held under the transfer's own id, so the original call's trunk leg and the transfer's
 * are two channels of a trunk. Every slot is given back when the call ends (`releaseAll`).
 */
export class CallTrunkLegs implements AuthorisedTrunks {
  readonly expander: TargetExpander;
  private readonly own: TrunkTargetExpander;
  private readonly authorised = new Set<TrunkTargetExpander>();

  constructor(
    private readonly deps: TrunkLegDeps,
    private readonly registered: TargetExpander,
    callId: string,
    caller: CallIdentity,
  ) {
    this.own = new TrunkTargetExpander(deps, partyOf(callId, caller.callerExtension, caller.callerName));
    this.expander = this.through(this.own);
  }

  authorisedBy(id: string, authority: TransferAuthority): AuthorisedTrunkLegs {
    const trunks = new TrunkTargetExpander(this.deps, partyOf(id, authority.extension, authority.name));
    this.authorised.add(trunks);
    return {
      expander: this.through(trunks),
      release: () => {
        if (!this.authorised.delete(trunks)) return;
        trunks.releaseAll().catch((err: unknown) => logRelease(this.deps.logger, id, err));
      },
    };
  }

  /** The trunk leg the call went out on: the latest transfer's that is still held, else the caller's. */
  get outbound(): OutboundTrunkLeg | undefined {
    let leg = this.own.outbound;
    for (const trunks of this.authorised) leg = trunks.outbound ?? leg;
    return leg;
  }

  /** Gives back every slot the call and its transfers hold (the call ended). */
  async releaseAll(): Promise<void> {
    // The legs stay listed: the call record reads `outbound` after this.
    await Promise.all([this.own, ...this.authorised].map((t) => t.releaseAll()));
  }

  private through(trunks: TrunkTargetExpander): TargetExpander {
    return {
      expand: (t: DialTarget) => (t.kind === 'trunk' ? trunks.expand(t) : this.registered.expand(t)),
    };
  }
}

function partyOf(callId: string, extension: string | undefined, name: string | undefined): TrunkCallParty {
  return {
    callId,
    ...(extension ? { callerExtension: extension } : {}),
    ...(name ? { callerName: name } : {}),
  };
}

function logRelease(logger: Logger, id: string, err: unknown): void {
  logger.warn({ err, call: id }, 'transfer trunk slots not released (they expire)');
}
