import type { Logger } from '@switchboard/config';
import type { SipRequest } from '@switchboard/sip';
import type { SipAuthService } from '../sip/sip-auth.service.js';
import type { IncomingSipRequest } from '../sip/sip-request-handler.js';
import { inboundIdentity } from '../trunks/inbound-trunk-call.js';
import type { InboundTrunk } from '../trunks/inbound-trunk-directory.js';
import type { TrunkCallLimits } from '../trunks/trunk-call-limits.js';
import type { CallIdentity } from './call-routing.js';
import { extensionCallerIdentity } from './extension-caller-identity.js';

/**
 * Who places a new INVITE: an extension (digest, 407) or a trunk (its DID, within its call limit).
 * Undefined when the INVITE was answered here; refusals are logged as `INVITE rejected`.
 */
export class InviteCallers {
  /** New INVITEs whose credentials are being checked (not in the call table yet). */
  private checking = 0;

  constructor(
    private readonly auth: Pick<SipAuthService, 'authenticate'>,
    private readonly trunkSlots: Pick<TrunkCallLimits, 'reserve' | 'releaseTrunk'>,
    private readonly domain: string,
    private readonly logger: Logger,
  ) {}

  /** INVITEs being authenticated: overload control counts them as calls. */
  get authenticating(): number {
    return this.checking;
  }

  /**
   * The caller of an INVITE from an extension: authenticated by digest (407), its identity from its
   * record; undefined when the stack already answered (challenge, lock-out, 416, CANCEL meanwhile).
   */
  async extension(incoming: IncomingSipRequest): Promise<CallIdentity | undefined> {
    const { request, tx } = incoming;
    // Counted as a call while its credentials are checked: a burst cannot slip past the bound of
    // overload control before the first of its calls reaches the table.
    this.checking += 1;
    const auth = await this.auth.authenticate(incoming, 'proxy').finally(() => (this.checking -= 1));
    if (!auth.ok) return undefined;
    // A CANCEL may have ended the INVITE while the credentials were checked.
    if (tx.state !== 'proceeding' && tx.state !== 'trying') return undefined;
    const identity = extensionCallerIdentity(request, auth.username, auth.displayName, this.domain);
    if (!identity) {
      this.rejected(request, 416, 'Request-URI scheme not sip, sips or tel');
      tx.reply(416, 'Unsupported URI Scheme');
    }
    return identity;
  }

  /**
   * The caller of an INVITE from a trunk (recognised by its source or registration, not challenged):
   * the DID and the provider's caller ID, within the trunk's concurrent-call limit, which counts both
   * directions (`sb:trunk-calls:<trunk>`). Undefined when answered here: 404 without a DID, 503 at the limit.
   */
  async trunk({ request, tx }: IncomingSipRequest, trunk: InboundTrunk): Promise<CallIdentity | undefined> {
    const identity = inboundIdentity(request, trunk, this.domain);
    if (!identity) {
      this.rejected(request, 404, `no DID in the INVITE from trunk ${trunk.name}`);
      tx.reply(404, 'Not Found');
      return undefined;
    }
    let free: boolean;
    try {
      // The caller's SIP Call-ID: an outbound leg of the same call (call id) counts separately.
      const slot = { callId: request.callId, trunk: trunk.name, maxTrunkCalls: trunk.maxConcurrentCalls };
      free = (await this.trunkSlots.reserve({ ...slot, emergency: false })).ok;
    } catch (err) {
      // Soft state: without Redis the limit cannot be counted, the call is not refused for it.
      this.logger.warn({ err, callId: request.callId, trunk: trunk.name }, 'trunk call not counted');
      free = true;
    }
    if (!free) {
      this.rejected(request, 503, `trunk ${trunk.name} at its limit of ${trunk.maxConcurrentCalls} calls`);
      // No Retry-After: it would make the provider treat the whole PBX as down (RFC 3261 §21.5.4).
      tx.reply(503, 'Trunk Call Limit Reached');
      return undefined;
    }
    if (tx.state !== 'proceeding' && tx.state !== 'trying') {
      this.releaseTrunkSlot(trunk, request);
      return undefined;
    }
    this.logger.info(
      { callId: request.callId, trunk: trunk.name, did: identity.destination, from: identity.externalNumber },
      'inbound trunk call',
    );
    return identity;
  }

  releaseTrunkSlot(trunk: InboundTrunk, request: SipRequest): void {
    this.trunkSlots
      .releaseTrunk(request.callId, trunk.name)
      .catch((err: unknown) =>
        this.logger.warn({ err, callId: request.callId, trunk: trunk.name }, 'trunk call slot not released'),
      );
  }

  /** A refusal after the trunk slot was taken gives the slot back. */
  endEarly(request: SipRequest, trunk: InboundTrunk | undefined, status: number, reason: string): void {
    this.rejected(request, status, reason);
    if (trunk) this.releaseTrunkSlot(trunk, request);
  }

  /**
   * An INVITE refused before it became a call (those that became one are in the `call ended` line
   * with their status; authentication refusals in `SIP authentication failed`).
   */
  private rejected(request: SipRequest, status: number, reason: string): void {
    this.logger.info({ callId: request.callId, status, reason }, 'INVITE rejected');
  }
}
