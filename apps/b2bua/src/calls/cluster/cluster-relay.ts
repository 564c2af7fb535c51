import type { Logger } from '@switchboard/config';
import { redisKeys } from '@switchboard/live-state';
import type { Redis } from 'ioredis';
import type { SipRequest } from '@switchboard/sip';
import type { IncomingSipRequest, RequestOrigin } from '../../sip/sip-request-handler.js';
import type { CallIdentity } from '../call-routing.js';
import type { ParkLot } from '../park/park-lot.js';
import type { ParkSlotStore } from '../park/park-slot.store.js';
import {
  NODE_RELAY_HEADER,
  parseNodeRelay,
  relayedCaller,
  type ClusterPeers,
  type NodeRelay,
  type NodeRelayRequest,
} from './node-relay.js';

/**
 * Park retrieval and call pickup across signalling nodes (issue #19, scale-out): a parked or ringing
 * call lives in the node that holds its dialogs, and Redis says which node that is (`sipNode` of the
 * park slot in `sb:parked`, of the call in `sb:call:<id>`). A retrieval or pickup reaching another
 * node is relayed to the holder as a B2BUA leg marked with NODE_RELAY_HEADER (node-relay-leg.ts);
 * the holder serves it from its own calls and never relays it further. With no peers configured
 * (one node) nothing is looked up.
 */
export class ClusterRelay {
  constructor(
    private readonly peers: ClusterPeers,
    private readonly redis: Redis,
    private readonly slots: ParkSlotStore,
    private readonly lot: ParkLot,
    private readonly domain: string,
    private readonly logger: Logger,
  ) {}

  /** An INVITE a peer relayed (marker, from a peer's address): the stateless 407 screen leaves it alone. */
  isRelayed(request: SipRequest, origin: RequestOrigin): boolean {
    return (
      request.getHeader(NODE_RELAY_HEADER) !== undefined &&
      origin.protocol === 'UDP' &&
      this.peers.isPeer(origin)
    );
  }

  /**
   * What an INVITE relayed by a peer asks for; undefined for any other INVITE. The marker from a
   * source that is not a configured peer is ignored (that INVITE is authenticated like any other).
   */
  requestOf(incoming: IncomingSipRequest): NodeRelayRequest | 'answered' | undefined {
    const marker = incoming.request.getHeader(NODE_RELAY_HEADER);
    if (marker === undefined) return undefined;
    if (!this.isRelayed(incoming.request, incoming.origin)) {
      this.logger.warn(
        { callId: incoming.request.callId, source: `${incoming.origin.host}:${incoming.origin.port}` },
        `${NODE_RELAY_HEADER} from a source that is not a cluster peer: ignored`,
      );
      return undefined;
    }
    const request = parseNodeRelay(marker);
    if (request) return request;
    incoming.tx.reply(400, `Bad ${NODE_RELAY_HEADER}`);
    return 'answered';
  }

  /**
   * The caller of a peer's relayed INVITE (its P-Asserted-Identity); a relayed park retrieval must
   * name a slot. Undefined when answered here with 403: a peer may only ask for what it relays.
   */
  callerOf(incoming: IncomingSipRequest, request: NodeRelayRequest): CallIdentity | undefined {
    const identity = relayedCaller(incoming.request, this.domain);
    const slotOk = request.kind !== 'park' || this.lot.slotOf(identity?.destination ?? '') !== undefined;
    if (identity && slotOk) return identity;
    this.logger.warn(
      {
        callId: incoming.request.callId,
        source: `${incoming.origin.host}:${incoming.origin.port}`,
        relay: request.kind,
      },
      'relayed INVITE refused: no caller of our domain asserted, or not a park slot',
    );
    incoming.tx.reply(403, 'Relayed Request Not Allowed');
    return undefined;
  }

  /** Where a call dialling `destination` goes when it is a park slot held by another node. */
  async parkRelay(destination: string): Promise<NodeRelay | undefined> {
    if (!this.peers.any) return undefined;
    const slot = this.lot.slotOf(destination);
    if (slot === undefined || this.lot.holds(slot)) return undefined;
    const holder = await this.slots.holder(slot);
    const target = this.peers.target(holder?.sipNode);
    if (!holder?.sipNode || !target) return undefined;
    return { node: holder.sipNode, target, user: destination, request: { kind: 'park' } };
  }

  /** Where a pickup of the call session `call` goes when another node holds it. */
  async pickupRelay(
    call: string,
    dialled: string,
    pickup: 'group' | 'directed',
  ): Promise<NodeRelay | undefined> {
    if (!this.peers.any) return undefined;
    const node = (await this.redis.hget(redisKeys.call(call), 'sipNode')) ?? undefined;
    const target = this.peers.target(node);
    if (!node || !target) return undefined;
    return { node, target, user: dialled, request: { kind: 'pickup', call, pickup } };
  }
}
