import { BlockList } from 'node:net';
import type { Logger } from '@switchboard/config';
import type { TrunkSettings } from '@switchboard/db';
import { parseUri, type SipRequest } from '@switchboard/sip';
import type { RequestOrigin } from '../sip/sip-request-handler.js';
import { addCidr, blockListHas } from '../security/flood-guard.js';
import { providerTargets, type TrunkResolve } from './trunk-provider-targets.js';
import { registrationUser } from './trunk-register-sender.js';

const MAX_SOURCE_ANSWERS = 10_000;

/** What call control needs of the trunk an INVITE came in on. */
export interface InboundTrunk {
  readonly id: string;
  readonly name: string;
  readonly didSource: TrunkSettings['didSource'];
  readonly maxConcurrentCalls: number | null;
}

interface Entry extends InboundTrunk {
  /** The Contact user we register: the provider's INVITEs to our registration carry it. */
  readonly contactUser: string;
  /** The inbound source allow-list (IP-authenticated trunk); undefined when empty. */
  readonly sources: BlockList | undefined;
  /** The provider's resolved addresses, for a trunk that registers. */
  readonly providerAddresses: ReadonlySet<string>;
}

/**
 * Which enabled trunk an INVITE comes from (the snapshot is replaced on every trunk reload, and the
 * lookups are synchronous: the stateless screen of new INVITEs asks too). A trunk is recognised
 *  - by its source allow-list (`inboundSources`, IP/CIDR): IP-authenticated trunks; or
 *  - by its registration: the INVITE comes from one of the provider's addresses (its outbound proxy
 *    or host, resolved by RFC 3263 at each reload). When several registered trunks share the
 *    provider, the one whose registered Contact user is the Request-URI's (RFC 3261 §10: the provider
 *    sends calls to the Contact we registered) or the To's user wins.
 * Anything else is not a trunk: it is challenged like any caller and never reaches a trunk.
 */
export class InboundTrunkDirectory {
  private entries: readonly Entry[] = [];
  /**
   * isTrunkSource's answers for this snapshot: it runs for every datagram (flood control asks first)
   * and BlockList.check costs tens of µs. Bounded: cleared when full and on every reload.
   */
  private readonly sourceAnswers = new Map<string, boolean>();

  constructor(private readonly logger: Logger) {}

  /** Rebuilds the snapshot from the trunks as read (enabled ones only); never rejects. */
  async load(trunks: readonly TrunkSettings[], resolve: TrunkResolve): Promise<void> {
    const enabled = trunks.filter((t) => t.enabled);
    this.entries = await Promise.all(enabled.map((t) => this.entryOf(t, resolve)));
    this.sourceAnswers.clear();
  }

  /** The trunk an INVITE comes from, or undefined. */
  match(request: SipRequest, origin: RequestOrigin): InboundTrunk | undefined {
    const host = bare(origin.host);
    const listed = this.entries.find((e) => e.sources !== undefined && blockListHas(e.sources, host));
    if (listed) return listed;
    const fromProvider = this.entries.filter((e) => e.providerAddresses.has(host));
    if (fromProvider.length <= 1) return fromProvider[0];
    const users = new Set([userOf(request.requestUri), userOf(request.to.uriText)]);
    return fromProvider.find((e) => users.has(e.contactUser)) ?? fromProvider[0];
  }

  /** True for an address some trunk's calls come from (never flood-limited). */
  isTrunkSource(ip: string): boolean {
    if (this.entries.length === 0) return false;
    const known = this.sourceAnswers.get(ip);
    if (known !== undefined) return known;
    const host = bare(ip);
    const answer = this.entries.some(
      (e) => e.providerAddresses.has(host) || (e.sources !== undefined && blockListHas(e.sources, host)),
    );
    if (this.sourceAnswers.size >= MAX_SOURCE_ANSWERS) this.sourceAnswers.clear();
    this.sourceAnswers.set(ip, answer);
    return answer;
  }

  private async entryOf(trunk: TrunkSettings, resolve: TrunkResolve): Promise<Entry> {
    const sources = new BlockList();
    for (const cidr of trunk.inboundSources) {
      try {
        addCidr(sources, cidr);
      } catch {
        // The admin API validates the list; a bad entry written around it is skipped, not fatal.
        this.logger.warn({ trunk: trunk.name, source: cidr }, 'trunk inbound source is not an IP/CIDR');
      }
    }
    return {
      id: trunk.id,
      name: trunk.name,
      didSource: trunk.didSource,
      maxConcurrentCalls: trunk.maxConcurrentCalls,
      contactUser: registrationUser(trunk),
      sources: trunk.inboundSources.length > 0 ? sources : undefined,
      providerAddresses: trunk.register ? await this.addresses(trunk, resolve) : new Set(),
    };
  }

  private async addresses(trunk: TrunkSettings, resolve: TrunkResolve): Promise<ReadonlySet<string>> {
    try {
      const targets = await providerTargets(trunk, resolve);
      return new Set(targets.map((t) => bare(t.host)));
    } catch (err) {
      // Calls from this provider are not recognised until the next reload resolves it.
      this.logger.warn({ err, trunk: trunk.name }, 'trunk provider could not be resolved for inbound calls');
      return new Set();
    }
  }
}

/** An address without IPv6 brackets, lower case. */
function bare(host: string): string {
  return host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
}

function userOf(uriText: string): string | undefined {
  try {
    const uri = parseUri(uriText);
    return uri.kind === 'sip' && uri.user ? decodeURIComponent(uri.user) : undefined;
  } catch {
    return undefined;
  }
}
