import { parseNameAddr, parseUri, type SipRequest } from '@switchboard/sip';
import type { ResolvedTarget } from '@switchboard/transactions';
import type { CallIdentity } from '../call-routing.js';
import type { BranchSpec } from '../plan/branch-types.js';

/**
 * Marks an INVITE one signalling node relays to the node that holds the call it is for (a parked call,
 * a ringing call): the receiving node handles it itself and never relays it again (loop-safe). Honoured
 * only from the configured peers' addresses (ClusterPeers.isPeer), like P-Asserted-Identity is trusted
 * only inside a trust domain (RFC 3325 §2.3): from anywhere else it is ignored and the INVITE is
 * authenticated as any other.
 */
export const NODE_RELAY_HEADER = 'Switchboard-Node-Relay';

/** What a relayed INVITE asks of the node holding the call. */
export type NodeRelayRequest =
  | { readonly kind: 'park' }
  | { readonly kind: 'pickup'; readonly call: string; readonly pickup: 'group' | 'directed' };

/** Where a call session relays its caller's INVITE: the holding node and what it asks there. */
export interface NodeRelay {
  /** The holding node's SIP address (`ip:port`). */
  readonly node: string;
  readonly target: ResolvedTarget;
  /** The Request-URI user towards that node (the slot, or the pickup code dialled). */
  readonly user: string;
  readonly request: NodeRelayRequest;
}

/** This node's SIP address as peers name it: its public address and UDP port. */
export function nodeSipAddress(sip: { readonly publicAddress: string; readonly udpPort: number }): string {
  return `${sip.publicAddress}:${sip.udpPort}`;
}

export function formatNodeRelay(r: NodeRelayRequest): string {
  return r.kind === 'park' ? 'park' : `pickup;call=${r.call};kind=${r.pickup}`;
}

const PICKUP = /^pickup;call=([A-Za-z0-9-]{1,64});kind=(group|directed)$/;

/** The relay request of a header value; undefined for anything else. */
export function parseNodeRelay(value: string | undefined): NodeRelayRequest | undefined {
  const v = value?.trim();
  if (v === 'park') return { kind: 'park' };
  const m = v === undefined ? null : PICKUP.exec(v);
  if (!m?.[1] || (m[2] !== 'group' && m[2] !== 'directed')) return undefined;
  return { kind: 'pickup', call: m[1], pickup: m[2] };
}

/**
 * The signalling nodes of one installation (SWITCHBOARD_CLUSTER_PEERS) as this node sees them: its
 * own SIP address and the others'. A node relays only to a configured peer, so an entry in Redis
 * naming any other address can never make the PBX send calls elsewhere (no open relay).
 */
export class ClusterPeers {
  private readonly peers: ReadonlySet<string>;

  constructor(
    /** This node's SIP address (`ip:port`: its public address and UDP port). */
    readonly self: string,
    peers: readonly string[],
  ) {
    this.peers = new Set(peers.filter((p) => p !== self));
  }

  /** Whether any other node is configured (none: a single node, nothing to relay). */
  get any(): boolean {
    return this.peers.size > 0;
  }

  /** A request's UDP source is a configured peer (nodes send from their SIP port). */
  isPeer(source: { readonly host: string; readonly port: number }): boolean {
    return this.peers.has(`${source.host}:${source.port}`);
  }

  /** The peer at `address` as a UDP destination; undefined for this node, unknown or missing addresses. */
  target(address: string | undefined): ResolvedTarget | undefined {
    if (address === undefined || !this.peers.has(address)) return undefined;
    const colon = address.lastIndexOf(':');
    return { host: address.slice(0, colon), port: Number(address.slice(colon + 1)), protocol: 'UDP' };
  }
}

/** The branch of a relayed call: the holding node's address, the marker header. */
export function nodeRelaySpec(relay: NodeRelay): BranchSpec {
  const { host, port } = relay.target;
  return {
    targetKey: `node:${relay.node}`,
    uri: `sip:${relay.user}@${host}:${port}`,
    destination: relay.target,
    extraHeaders: [{ name: NODE_RELAY_HEADER, value: formatNodeRelay(relay.request) }],
  };
}

/**
 * The caller of an INVITE relayed by a peer: the identity that peer authenticated, from its
 * P-Asserted-Identity (RFC 3325 §9.1, inside the trust domain); undefined when there is none in our domain.
 */
export function relayedCaller(request: SipRequest, domain: string): CallIdentity | undefined {
  const pai = request.getHeader('P-Asserted-Identity');
  if (pai === undefined) return undefined;
  try {
    const asserted = parseNameAddr(pai.split(',')[0] ?? pai, 'P-Asserted-Identity');
    const uri = asserted.uri;
    const target = parseUri(request.requestUri);
    if (uri.kind !== 'sip' || !uri.user || uri.host.toLowerCase() !== domain.toLowerCase()) return undefined;
    if (target.kind !== 'sip') return undefined;
    const extension = decodeURIComponent(uri.user);
    const name = asserted.displayName;
    return {
      callerUri: `sip:${encodeURIComponent(extension)}@${domain}`,
      ...(name ? { callerName: name } : {}),
      callerExtension: extension,
      destination: decodeURIComponent(target.user ?? ''),
      requestUri: request.requestUri,
    };
  } catch {
    return undefined;
  }
}
