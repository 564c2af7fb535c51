import type { Logger } from '@switchboard/config';
import type { ExtensionDialog } from '@switchboard/live-state';
import type { IncomingSipRequest } from '../../sip/sip-request-handler.js';
import type { CallIdentity } from '../call-routing.js';
import type { CallSipPort } from '../call-sip-port.js';
import type { NodeRelay } from '../cluster/node-relay.js';
import { CallerLeg } from '../legs/caller-leg.js';
import type { Picker, PickupRefusal } from './picker.js';
import { mayPickUpDirected, ringingCalls, type RingingCall } from './pickup-candidates.js';
import { pickupRequestOf, type PickupCodes, type PickupRequest } from './pickup-code.js';
import type { PickupDirectory } from './pickup-directory.js';

/** A call of this process that can be picked up (CallSession). */
export interface PickableCall {
  pickUp(picker: Picker): PickupRefusal | undefined;
}

export interface CallPickupDeps {
  readonly codes: PickupCodes;
  readonly directory: PickupDirectory;
  /** The busy-lamp dialogs of an extension (`sb:ext-dialogs:<ext>`, every process's calls). */
  readonly dialogs: { dialogs(resource: string): Promise<ExtensionDialog[]> };
  /** The call session with this id if THIS process holds it. */
  readonly localCall: (sessionId: string) => PickableCall | undefined;
  readonly port: CallSipPort;
  readonly allow: string;
  readonly wallNow: () => number;
  readonly logger: Logger;
  /** Scale-out: where a pickup of a call held by another signalling node goes (cluster-relay.ts). */
  readonly cluster?: {
    pickupRelay(call: string, dialled: string, pickup: 'group' | 'directed'): Promise<NodeRelay | undefined>;
    /** Starts the picker's call towards that node (a CallSession relaying its INVITE). */
    relay(incoming: IncomingSipRequest, picker: CallIdentity, relay: NodeRelay): void;
  };
}

const NOTHING: Omit<PickupRefusal, 'cause'> = { status: 404, reason: 'No Call To Pick Up' };

/**
 * Call pickup (issue #19): group pickup (`*8`: the oldest call ringing any extension that shares a
 * pickup group with the picker) and directed pickup (`**<ext>`: the oldest call ringing that
 * extension; any extension may, unless the target opted out, then only its group's members). The
 * ringing calls are found in the busy-lamp data in Redis, which every signalling process writes; a
 * call held by another signalling node is picked up there: the picker's INVITE is relayed to that
 * node (`cluster`), which serves it with `runRelayed`; without a known peer holding it → 480.
 *
 * The picker's INVITE never becomes a call of its own: it becomes the callee leg of the picked call
 * (CallSession.pickUp), whose record then says who answered and that it was a pickup.
 */
export class CallPickup {
  constructor(private readonly deps: CallPickupDeps) {}

  /** The pickup this destination asks for (undefined: not a pickup code, route it as dialled). */
  requestOf(destination: string): PickupRequest | undefined {
    return pickupRequestOf(destination, this.deps.codes);
  }

  /** Answers the picker's INVITE: connected to the ringing call, or a final refusal. */
  async run(incoming: IncomingSipRequest, picker: CallIdentity, request: PickupRequest): Promise<void> {
    const { tx } = incoming;
    const log = { callId: incoming.request.callId, picker: picker.callerExtension, pickup: request };
    let refusal: PickupRefusal | undefined;
    try {
      refusal = await this.tryPickUp(incoming, picker, request);
    } catch (err) {
      this.deps.logger.error({ ...log, err }, 'call pickup failed');
      refusal = { status: 500, reason: 'Server Internal Error', cause: 'pickup lookup failed' };
    }
    if (!refusal) return;
    this.deps.logger.info({ ...log, status: refusal.status, cause: refusal.cause }, 'call pickup refused');
    // A CANCEL may have ended the INVITE while the lookups ran (it got its 487 then).
    if (tx.state === 'proceeding' || tx.state === 'trying') tx.reply(refusal.status, refusal.reason);
  }

  private async tryPickUp(
    incoming: IncomingSipRequest,
    picker: CallIdentity,
    request: PickupRequest,
  ): Promise<PickupRefusal | undefined> {
    const number = picker.callerExtension;
    const me = number === undefined ? undefined : await this.deps.directory.member(number);
    if (!me) return { status: 403, reason: 'Pickup Not Allowed', cause: 'picker is not an extension' };
    let watched: string[];
    if (request.kind === 'group') {
      if (me.pickupGroups.length === 0)
        return { status: 403, reason: 'Not In A Pickup Group', cause: `${me.number} has no pickup group` };
      watched = await this.deps.directory.groupMembers(me.pickupGroups, me.number);
    } else {
      const target = await this.deps.directory.member(request.extension);
      if (!target || target.number === me.number)
        return { ...NOTHING, cause: `no extension ${request.extension} to pick up from` };
      if (!mayPickUpDirected(me, target))
        return {
          status: 403,
          reason: 'Pickup Not Allowed',
          cause: `${target.number} opted out of directed pickup`,
        };
      watched = [target.number];
    }
    const lamps = new Map<string, ExtensionDialog[]>();
    for (const ext of watched) lamps.set(ext, await this.deps.dialogs.dialogs(ext));
    const ringing = ringingCalls(lamps, picker.callerUri, this.deps.wallNow());
    const { tx } = incoming;
    if (tx.state !== 'proceeding' && tx.state !== 'trying') return undefined; // cancelled meanwhile
    return this.pickFirst(incoming, picker, me.number, request, ringing);
  }

  /**
   * A pickup relayed by the node the picker dialled (cluster/node-relay.ts): that node checked the
   * picker's rights, this one holds the ringing call `call`. 404 when it no longer rings here.
   */
  runRelayed(
    incoming: IncomingSipRequest,
    picker: CallIdentity,
    request: { readonly call: string; readonly pickup: 'group' | 'directed' },
  ): void {
    const { tx } = incoming;
    const extension = picker.callerExtension ?? '';
    const call = this.deps.localCall(request.call);
    const refusal = call
      ? call.pickUp({ extension, kind: request.pickup, leg: this.legOf(incoming) })
      : { ...NOTHING, cause: `call ${request.call} not held here` };
    const log = { callId: incoming.request.callId, picker: extension, call: request.call };
    if (!refusal) {
      this.deps.logger.info(log, 'call picked up (relayed by another node)');
      return;
    }
    this.deps.logger.info({ ...log, status: refusal.status, cause: refusal.cause }, 'relayed pickup refused');
    if (tx.state === 'proceeding' || tx.state === 'trying') tx.reply(refusal.status, refusal.reason);
  }

  /**
   * An INVITE with Replaces named a leg the PBX is ringing towards `rung` (RFC 3891 §3: an early
   * dialog the PBX initiated may be replaced): the picker answers that call if it is `rung` itself
   * (another phone of the same extension) or directed pickup of `rung` is allowed (pickup-candidates.ts).
   */
  async replacing(
    incoming: IncomingSipRequest,
    picker: CallIdentity,
    call: PickableCall,
    rung: string,
  ): Promise<void> {
    const { tx } = incoming;
    const log = { callId: incoming.request.callId, picker: picker.callerExtension, rung };
    let refusal: PickupRefusal | undefined;
    try {
      refusal = await this.mayReplace(picker, rung);
      if (!refusal && (tx.state === 'proceeding' || tx.state === 'trying'))
        refusal = call.pickUp({
          extension: picker.callerExtension ?? '',
          kind: 'replaces',
          leg: this.legOf(incoming),
        });
    } catch (err) {
      this.deps.logger.error({ ...log, err }, 'pickup by Replaces failed');
      refusal = { status: 500, reason: 'Server Internal Error', cause: 'pickup lookup failed' };
    }
    if (!refusal) {
      this.deps.logger.info(log, 'ringing call taken by INVITE with Replaces');
      return;
    }
    this.deps.logger.info(
      { ...log, status: refusal.status, cause: refusal.cause },
      'INVITE with Replaces refused',
    );
    if (tx.state === 'proceeding' || tx.state === 'trying') tx.reply(refusal.status, refusal.reason);
  }

  private async mayReplace(picker: CallIdentity, rung: string): Promise<PickupRefusal | undefined> {
    if (picker.callerExtension === rung) return undefined;
    const forbidden = {
      status: 403,
      reason: 'Forbidden',
      cause: `${rung}'s ringing call not for ${picker.callerExtension ?? '?'}`,
    };
    const me =
      picker.callerExtension === undefined
        ? undefined
        : await this.deps.directory.member(picker.callerExtension);
    const target = await this.deps.directory.member(rung);
    return me && target && mayPickUpDirected(me, target) ? undefined : forbidden;
  }

  /** The picker's INVITE as a UAS leg, answered where it came from. */
  private legOf(incoming: IncomingSipRequest): CallerLeg {
    const { request: invite, tx } = incoming;
    const origin = tx.origin;
    const destination = {
      host: origin.source.host,
      port: origin.source.port,
      protocol: origin.transport.protocol,
    };
    return new CallerLeg(this.deps.port, invite, tx, destination, this.deps.allow);
  }

  /**
   * The oldest ringing call takes the picker: here when this process holds it, else through the node
   * that does; 404 when nothing rings, 480 when no ringing call's node is this one or a known peer.
   */
  private async pickFirst(
    incoming: IncomingSipRequest,
    picker: CallIdentity,
    extension: string,
    request: PickupRequest,
    ringing: readonly RingingCall[],
  ): Promise<PickupRefusal | undefined> {
    const { tx } = incoming;
    for (const candidate of ringing) {
      const call = this.deps.localCall(candidate.session);
      if (!call) {
        // Held by another node: relayed there when it is a known peer, else the next candidate.
        const dialled = picker.destination;
        const relay = await this.deps.cluster?.pickupRelay(candidate.session, dialled, request.kind);
        if (tx.state !== 'proceeding' && tx.state !== 'trying') return undefined; // cancelled meanwhile
        if (!relay) continue;
        this.deps.cluster?.relay(incoming, picker, relay);
        return undefined;
      }
      const refusal = call.pickUp({ extension, kind: request.kind, leg: this.legOf(incoming) });
      if (!refusal) {
        this.deps.logger.info(
          {
            callId: incoming.request.callId,
            picker: extension,
            call: candidate.session,
            rung: candidate.extension,
          },
          'call picked up',
        );
      }
      return refusal;
    }
    if (ringing.length > 0)
      return {
        status: 480,
        reason: 'Ringing Call On Another Server',
        cause: `call ${ringing[0]?.session ?? ''} is held by a signalling process that is not a known peer`,
      };
    return { ...NOTHING, cause: 'nothing ringing' };
  }
}
