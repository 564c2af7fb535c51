import type { Logger } from '@switchboard/config';
import type { TrunkSettings } from '@switchboard/db';
import type { DialTarget } from '@switchboard/plugin-sdk';
import { formatNameAddr } from '@switchboard/sip';
import type { ResolvedTarget } from '@switchboard/transactions';
import type { TrunkCallLimits } from '../../trunks/trunk-call-limits.js';
import { providerTargets } from '../../trunks/trunk-provider-targets.js';
import type { CallSipPort } from '../call-sip-port.js';
import type { LegMediaPolicy } from '../media/media-policy.js';
import type { BranchSpec, TargetExpander, TrunkLegSpec } from '../plan/branch-types.js';
import type { OutboundTrunkLeg } from '../records/call-direction.js';

type TrunkTarget = Extract<DialTarget, { kind: 'trunk' }>;

/** What a call's trunk legs need from the rest of the signalling process. */
export interface TrunkLegDeps {
  readonly port: Pick<CallSipPort, 'resolve'>;
  readonly logger: Logger;
  /** The trunk by name with its password opened (SecretBox); undefined when there is none. */
  findTrunk(name: string): Promise<TrunkSettings | undefined>;
  /** The extension's outside-call limit (0: none). */
  maxExternalCalls(extension: string): Promise<number>;
  /** Concurrent-call counters in Redis (absent: no limits enforced, e.g. unit tests). */
  readonly limits?: TrunkCallLimits;
  /** Media of trunk legs: relayed when the PBX anchors media, plain RTP (providers rarely do SRTP). */
  readonly mediaPolicy: LegMediaPolicy;
}

/** The call whose trunk legs these are. */
export interface TrunkCallParty {
  readonly callId: string;
  readonly callerExtension?: string;
  readonly callerName?: string;
}

const TRANSPORT_PARAM: Record<TrunkSettings['transport'], string> = {
  udp: '',
  tcp: ';transport=tcp',
  tls: ';transport=tls',
};

/** RFC 3323 §4.1.1.3: the From of an anonymous request. */
const ANONYMOUS_FROM = { uri: 'sip:anonymous@anonymous.invalid', displayName: 'Anonymous' } as const;

/**
 * Trunk targets of one call → one branch to the provider. The trunk is read by name (unknown or
 * disabled: no branch, the target is unavailable and `failover: 'carrier'` moves on); the call takes
 * a slot on the trunk (`maxConcurrentCalls`) and, unless it is an emergency call, on the caller's
 * outside-call limit, atomically in Redis. A full trunk is unavailable (next trunk); a caller at its
 * limit gets 403. The provider is located by RFC 3263 (outbound proxy first when set), the first
 * target is dialled and the others kept for failover (§4.3). Slots are given back when a leg fails
 * and when the call ends (`releaseAll`).
 */
export class TrunkTargetExpander implements TargetExpander {
  private readonly reserved = new Set<string>();
  private closed = false;
  private extensionCounted = false;
  private lastLeg: OutboundTrunkLeg | undefined;

  constructor(
    private readonly deps: TrunkLegDeps,
    private readonly call: TrunkCallParty,
  ) {}

  /** The trunk leg the call went out on (the last one tried), for the call record. */
  get outbound(): OutboundTrunkLeg | undefined {
    return this.lastLeg;
  }

  async expand(target: DialTarget): Promise<readonly BranchSpec[]> {
    if (target.kind !== 'trunk') return [];
    const log = { call: this.call.callId, trunk: target.trunk };
    const trunk = await this.deps.findTrunk(target.trunk);
    if (!trunk?.enabled) {
      this.deps.logger.warn(
        log,
        trunk ? 'trunk disabled: target unavailable' : 'no such trunk: target unavailable',
      );
      return [];
    }
    const refusal = await this.reserve(trunk, target);
    const release = (): void => this.release(trunk.name);
    let targets: ResolvedTarget[];
    try {
      targets = refusal ? [] : await this.locate(trunk);
    } catch (err) {
      this.deps.logger.warn({ ...log, err }, 'trunk provider could not be resolved');
      targets = [];
    }
    const [first, ...alternates] = targets;
    if (!refusal && first === undefined) {
      release();
      return [];
    }
    if (this.closed) {
      release(); // the call ended while we looked: its slot must not outlive it
      return [];
    }
    this.lastLeg = { trunk: trunk.name, number: target.number };
    const leg = this.legSpec(trunk, target, alternates, release, refusal);
    const uri = this.requestUri(trunk, target.number);
    return [
      {
        targetKey: `trunk:${trunk.name}:${target.number}`,
        uri,
        ...(first ? { destination: first } : {}),
        mediaPolicy: this.deps.mediaPolicy,
        trunk: leg,
      },
    ];
  }

  /** Gives back every slot the call holds (the call ended). */
  async releaseAll(): Promise<void> {
    this.closed = true;
    const trunks = [...this.reserved];
    this.reserved.clear();
    const extension = this.extensionCounted ? this.call.callerExtension : undefined;
    this.extensionCounted = false;
    if (!this.deps.limits || (trunks.length === 0 && extension === undefined)) return;
    await this.deps.limits.releaseAll(this.call.callId, trunks, extension);
  }

  /**
   * undefined: slot taken (or no limits); else the branch's refusal: 503 for a full trunk (a route
   * failure: `failover: 'carrier'` tries the next trunk), 403 for a caller at its limit (final).
   */
  private async reserve(trunk: TrunkSettings, target: TrunkTarget): Promise<TrunkLegSpec['refusal']> {
    const limits = this.deps.limits;
    if (!limits) return undefined;
    const emergency = target.emergency === true;
    // Emergency calls are never counted against the caller's limit (and never refused by any).
    const extension = emergency ? undefined : this.call.callerExtension;
    const maxExtensionCalls = extension === undefined ? 0 : await this.deps.maxExternalCalls(extension);
    const result = await limits.reserve({
      callId: this.call.callId,
      trunk: trunk.name,
      maxTrunkCalls: trunk.maxConcurrentCalls,
      ...(extension !== undefined ? { extension, maxExtensionCalls } : {}),
      emergency,
    });
    const log = { call: this.call.callId, trunk: trunk.name, extension: this.call.callerExtension };
    if (result.ok) {
      this.reserved.add(trunk.name);
      if (extension !== undefined) this.extensionCounted = true;
      return undefined;
    }
    if (result.limit === 'trunk') {
      this.deps.logger.warn({ ...log, max: result.max }, 'trunk at its concurrent-call limit: next trunk');
      return { status: 503, reason: 'Trunk at its concurrent-call limit' };
    }
    this.deps.logger.warn({ ...log, max: result.max }, 'outbound call refused: outside-call limit reached');
    return { status: 403, reason: 'Outside-call limit reached' };
  }

  private release(trunk: string): void {
    if (!this.reserved.delete(trunk) || !this.deps.limits) return;
    this.deps.limits
      .releaseTrunk(this.call.callId, trunk)
      .catch((err: unknown) =>
        this.deps.logger.warn({ err, call: this.call.callId, trunk }, 'trunk slot not released (it expires)'),
      );
  }

  /** RFC 3263 targets of the outbound proxy when set, else of the provider host (port: no SRV). */
  private locate(trunk: TrunkSettings): Promise<ResolvedTarget[]> {
    return providerTargets(trunk, (input) => this.deps.port.resolve(input));
  }

  private requestUri(trunk: TrunkSettings, number: string): string {
    const port = trunk.port === null ? '' : `:${trunk.port}`;
    return `sip:${number}@${hostOf(trunk.host)}${port}${TRANSPORT_PARAM[trunk.transport]}`;
  }

  private legSpec(
    trunk: TrunkSettings,
    target: TrunkTarget,
    alternates: readonly ResolvedTarget[],
    release: () => void,
    refusal: TrunkLegSpec['refusal'],
  ): TrunkLegSpec {
    const domain = hostOf(trunk.fromDomain ?? trunk.host);
    const account = trunk.fromUser ?? trunk.authUsername ?? trunk.name;
    const number = target.callerIdNumber ?? trunk.callerIdNumber ?? account;
    const identity = `sip:${number}@${domain}`;
    // RFC 3323 §4.2 / RFC 3325 §9.3: emergency calls always show who calls.
    const anonymous = target.anonymous === true && target.emergency !== true;
    const display = anonymous ? undefined : this.call.callerName;
    const from = anonymous ? ANONYMOUS_FROM : { uri: identity, ...(display ? { displayName: display } : {}) };
    // The asserted identity goes to a provider that trusts us (mode pai); with Privacy: id it must
    // withhold it from the callee (§9.3), so an anonymous call without Privacy sends none.
    const assert = trunk.callerIdMode === 'pai' && (!anonymous || trunk.sendPrivacy);
    return {
      name: trunk.name,
      number: target.number,
      from,
      to: `sip:${target.number}@${hostOf(trunk.host)}`,
      ...(assert ? { assertedIdentity: formatNameAddr({ uri: identity }) } : {}),
      ...(anonymous && trunk.sendPrivacy ? { privacy: 'id' as const } : {}),
      ...(trunk.outboundProxy !== null ? { route: `<sip:${trunk.outboundProxy};lr>` } : {}),
      ...(trunk.authUsername !== null && trunk.password !== undefined
        ? { credentials: { username: trunk.authUsername, password: trunk.password } }
        : {}),
      codecs: trunk.codecs,
      alternates,
      release,
      ...(refusal ? { refusal } : {}),
    };
  }
}

/** A bare IPv6 address gets its brackets (RFC 3261 §25.1 hostport). */
function hostOf(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
