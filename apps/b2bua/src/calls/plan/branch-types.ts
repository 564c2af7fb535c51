import type { DialStep, DialTarget } from '@switchboard/plugin-sdk';
import type { ResolvedTarget } from '@switchboard/transactions';
import type { LegMediaPolicy } from '../media/media-policy.js';

/** One contact to ring: a dial target expands into one branch per registered contact. */
export interface BranchSpec {
  /** The plan's key of the target this branch belongs to (extension number, AOR or URI). */
  readonly targetKey: string;
  /** Request-URI of the outgoing INVITE (the registered Contact, or the target URI). */
  readonly uri: string;
  /** Where to send it (the REGISTER's real source, for NAT); undefined means resolve the URI. */
  readonly destination?: ResolvedTarget;
  /**
   * `destination` is a flow of the phone (its address behind NAT, or a connection it opened) rather
   * than its Contact: requests of the call's dialog keep using it (see InDialogRoute).
   */
  readonly destinationIsFlow?: boolean;
  /** A preloaded Route set (RFC 3261 §8.1.2): the binding's Path (RFC 3327 §5.3); absent: none. */
  readonly route?: readonly string[];
  /** The media policy of the party rung (its extension's; a trunk's later); absent: the default. */
  readonly mediaPolicy?: LegMediaPolicy;
  /** A leg to a SIP provider: how the INVITE is addressed and authenticated (trunk targets only). */
  readonly trunk?: TrunkLegSpec;
  /** More headers of the INVITE (a relay to another signalling node: cluster/node-relay.ts). */
  readonly extraHeaders?: ReadonlyArray<{ readonly name: string; readonly value: string }>;
}

/**
 * What makes a branch a trunk leg (see TrunkTargetExpander). Holds the digest password in memory
 * for the leg's life: never logged (log `name` and the URIs only).
 */
export interface TrunkLegSpec {
  /** The trunk's name (logs, call record). */
  readonly name: string;
  /** The number sent to the provider (Request-URI user part). */
  readonly number: string;
  readonly from: { readonly uri: string; readonly displayName?: string };
  readonly to: string;
  /** RFC 3325 §9.1 P-Asserted-Identity toward the provider (caller-ID mode `pai`). */
  readonly assertedIdentity?: string;
  /** RFC 3323 §4.2 `Privacy: id` (an anonymous call). */
  readonly privacy?: 'id';
  /** The outbound proxy as a loose route (RFC 3261 §8.1.2), or none. */
  readonly route?: string;
  /** Digest credentials toward the provider (RFC 3261 §22.2); absent: an IP-authenticated trunk. */
  readonly credentials?: { readonly username: string; readonly password: string };
  /** Codec names the trunk allows, in preference order (empty: the offer as is). */
  readonly codecs: readonly string[];
  /** RFC 3263 §4.3: further targets of the provider, tried when one does not answer. */
  readonly alternates: readonly ResolvedTarget[];
  /** The branch failed: give back its trunk slot so the next trunk can be tried. */
  release(): void;
  /** A refusal instead of an INVITE (the caller's outside-call limit): the branch fails with it. */
  readonly refusal?: { readonly status: number; readonly reason: string };
}

/** Why the B2BUA cancels a branch; `completed-elsewhere` carries the RFC 3326 Reason. */
export type CancelCause = 'completed-elsewhere' | 'timeout' | 'caller-cancelled' | 'declined-elsewhere';

/** The executor's handle on a running outgoing leg. After `cancel` it reports nothing more. */
export interface BranchHandle {
  /** The SIP Call-ID of the leg's dialog, when the branch is a SIP leg (call records, logs). */
  readonly callId?: string;
  cancel(cause: CancelCause): void;
}

/** What an outgoing leg reports; R is the leg's response type (a SIP response, or a script's). */
export interface BranchListener<R> {
  provisional(status: number, response: R): void;
  answered(response: R): void;
  /** A final 3xx-6xx, or 408 for no response (Timer B) / transport error. `contacts` for 3xx. */
  failed(status: number, response: R | undefined, contacts?: readonly string[]): void;
}

/** Starts outgoing legs (the SIP B2BUA leg in production, a scripted leg in tests). */
export interface BranchLauncher<R> {
  launch(spec: BranchSpec, step: DialStep, listener: BranchListener<R>): BranchHandle;
}

/** Expands a plan target into branches (registered contacts of an extension/AOR, or the URI). */
export interface TargetExpander {
  expand(target: DialTarget): Promise<readonly BranchSpec[]>;
}

/** One leg tried, for the call record. Times are on the executor's clock. */
export interface LegRecord {
  readonly target: string;
  readonly uri: string;
  readonly startedAt: number;
  endedAt?: number;
  status?: number;
  answered: boolean;
  /** The leg's own SIP Call-ID (a B2BUA leg gets a new one, RFC 3261 §8.1.1.4). */
  sipCallId?: string;
}
