import type { RegistrationBinding } from '@switchboard/live-state';
import { type NameAddr, quote, SipParseError, type SipRequest, unquote } from '@switchboard/sip';
import { endpointKey } from '@switchboard/transactions';
import type { RequestOrigin } from '../sip/sip-request-handler.js';
import type { BindingChange } from './registration-binding.store.js';
import { pathOffersOutbound, registrationPath } from './registration-path.js';

export interface RegistrationLimits {
  readonly minExpires: number;
  readonly maxExpires: number;
}

export interface BindingContext extends RegistrationLimits {
  readonly aor: string;
  /** Epoch milliseconds. */
  readonly now: number;
  readonly origin: RequestOrigin;
  /** Which signalling process holds the flow (for stream transports). */
  readonly node: string;
}

export type BindingPlan =
  /** No Contact: only list the current bindings (RFC 3261 §10.3 step 6). */
  | { kind: 'query' }
  /** `Contact: *` with `Expires: 0`: remove every binding of the AOR. */
  | { kind: 'remove-all' }
  /**
   * `outbound`: RFC 5626 applies (the 200 gets `Require: outbound` and `Flow-Timer`, §6); `path`: the
   * REGISTER's Path values (RFC 3327), stored with each binding.
   */
  | { kind: 'update'; changes: BindingChange[]; outbound: boolean; path?: string[] }
  | { kind: 'reject'; status: number; reason: string; headers?: Record<string, string> };

/**
 * RFC 3261 §10.3 steps 6 and 7 without I/O: what the REGISTER asks for, each Contact's
 * expiry (Contact `expires` parameter, else the Expires header, else the maximum), the
 * 423 rule for too-brief intervals and the wildcard rule; RFC 5626 §6 outbound: the binding's
 * instance and reg-id (it replaces the older binding of that instance) and its flow.
 */
export function planBindings(request: SipRequest, ctx: BindingContext): BindingPlan {
  let contacts: ReturnType<typeof readContacts>;
  try {
    contacts = readContacts(request);
  } catch (err) {
    // The stack's grammar check normally answers these first; never let them escape as a 500.
    return {
      kind: 'reject',
      status: 400,
      reason: err instanceof SipParseError ? err.reason : 'Invalid Contact header',
    };
  }
  const headerExpires = request.expires;
  if (contacts === '*') {
    // §10.3 step 6: "*" only alone and only with Expires: 0.
    if (request.countHeaders('Contact') > 1)
      return { kind: 'reject', status: 400, reason: 'Wildcard Contact must be the only Contact' };
    if (headerExpires !== 0)
      return { kind: 'reject', status: 400, reason: 'Wildcard Contact requires Expires: 0' };
    return { kind: 'remove-all' };
  }
  if (contacts.length === 0) return { kind: 'query' };

  let path: string[] | undefined;
  try {
    path = registrationPath(request);
  } catch (err) {
    return {
      kind: 'reject',
      status: 400,
      reason: err instanceof SipParseError ? err.reason : 'Invalid Path header',
    };
  }
  const outbound = outboundUse(request, contacts, ctx.origin.flowId !== undefined, path);
  if (outbound === 'first-hop-lacks-support')
    return { kind: 'reject', status: 439, reason: 'First Hop Lacks Outbound Support' };

  const byContact = new Map<string, BindingChange>();
  const seenFlows = new Set<string>();
  for (const contact of contacts) {
    const requested = contact.expires ?? headerExpires ?? ctx.maxExpires;
    // §10.3 step 7: shorter than our minimum (but not 0) → 423 with Min-Expires (§20.23).
    if (requested > 0 && requested < ctx.minExpires) {
      return {
        kind: 'reject',
        status: 423,
        reason: 'Interval Too Brief',
        headers: { 'Min-Expires': String(ctx.minExpires) },
      };
    }
    const expires = Math.min(requested, ctx.maxExpires);
    const uri = contact.uriText;
    let identity: { instance?: string; regId?: number };
    try {
      identity = instanceOf(contact, outbound === 'yes');
    } catch (err) {
      return { kind: 'reject', status: 400, reason: (err as SipParseError).reason };
    }
    if (identity.regId !== undefined) {
      // RFC 5626 §4.2: one Contact per instance and reg-id (one flow) in a REGISTER.
      const flowKey = `${identity.instance ?? ''} ${identity.regId}`;
      if (seenFlows.has(flowKey))
        return { kind: 'reject', status: 400, reason: 'Two Contacts with the same +sip.instance and reg-id' };
      seenFlows.add(flowKey);
    }
    if (expires === 0) {
      byContact.set(uri, { contact: uri, ...identity });
      continue;
    }
    const binding: RegistrationBinding = {
      aor: ctx.aor,
      contact: uri,
      expiresAt: ctx.now + expires * 1000,
      registeredAt: ctx.now,
      sourceAddress: endpointKey(ctx.origin),
      transport: ctx.origin.protocol,
      callId: request.callId,
      cseq: request.cseq.seq,
      node: ctx.node,
      // Requests to the phone go over the connection this REGISTER came on (RFC 5626 §5.3).
      ...(ctx.origin.flowId === undefined ? {} : { flowId: ctx.origin.flowId }),
      // ... or, when proxies relayed it, back through them (RFC 3327 §5.3).
      ...(path ? { path } : {}),
      ...identity,
      ...(contact.q === undefined ? {} : { q: contact.q }),
      ...displayNameOf(contact, request),
      ...userAgentOf(request),
    };
    byContact.set(uri, { contact: uri, binding, ...identity });
  }
  return {
    kind: 'update',
    changes: [...byContact.values()],
    outbound: outbound === 'yes',
    ...(path ? { path } : {}),
  };
}

/**
 * The name the Live page shows for a binding: the Contact's display name, else the From's (the
 * REGISTER's From is the person registering, RFC 3261 §10.2; most phones name it there only).
 */
function displayNameOf(contact: NameAddr, request: SipRequest): { displayName?: string } {
  const name = contact.displayName || request.from.displayName;
  return name ? { displayName: name } : {};
}

type OutboundUse = 'yes' | 'no' | 'first-hop-lacks-support';

/**
 * RFC 5626 §6: outbound applies when a Contact has both `+sip.instance` and `reg-id` and the phone
 * sent `Supported: outbound`; reg-id is ignored otherwise. Only on connection-oriented transports:
 * over UDP the keep-alive is STUN (§4.4.2), which we do not answer, so a UDP phone is told nothing
 * and keeps plain registration. We are the first hop only when the REGISTER has one Via; a REGISTER
 * relayed by a proxy is accepted for outbound only when that edge proxy's Path value has `ob`
 * (RFC 5626 §6, RFC 3327), else it gets 439.
 */
function outboundUse(
  request: SipRequest,
  contacts: readonly NameAddr[],
  onFlow: boolean,
  path: readonly string[] | undefined,
): OutboundUse {
  const asks = contacts.some((c) => c.params.has('+sip.instance') && c.params.has('reg-id'));
  if (!asks || !onFlow || !request.supported.some((tag) => tag.toLowerCase() === 'outbound')) return 'no';
  if (request.via.length === 1 || pathOffersOutbound(path)) return 'yes';
  return 'first-hop-lacks-support';
}

/** A Contact's `+sip.instance` (unquoted, RFC 5626 §4.1) and, under outbound, its `reg-id` (§4.2). */
function instanceOf(contact: NameAddr, outbound: boolean): { instance?: string; regId?: number } {
  const raw = contact.params.get('+sip.instance');
  if (raw === undefined) return {};
  const instance = raw === null ? '' : unquote(raw).trim();
  if (instance === '' || instance.length > 256)
    throw new SipParseError('Invalid +sip.instance Contact parameter', { header: 'Contact' });
  if (!outbound) return { instance };
  const regId = contact.params.get('reg-id');
  if (regId === undefined) return { instance };
  const n = regId === null || !/^[0-9]{1,10}$/.test(regId) ? 0 : Number(regId);
  // reg-id = "reg-id" EQUAL 1*DIGIT, 1 to 2^31-1 (RFC 5626 §12.1).
  if (n < 1 || n > 2 ** 31 - 1)
    throw new SipParseError('Invalid reg-id Contact parameter', { header: 'Contact' });
  return { instance, regId: n };
}

function readContacts(request: SipRequest) {
  return request.contacts;
}

function userAgentOf(request: SipRequest): { userAgent?: string } {
  const ua = request.getHeader('User-Agent');
  return ua ? { userAgent: ua.slice(0, 256) } : {};
}

/**
 * The Contact values of a 200 to REGISTER: every current binding with its remaining time (§10.3
 * step 8), and its `+sip.instance` / `reg-id` so an outbound phone finds its own (RFC 5626 §6).
 */
export function contactHeaderValues(bindings: readonly RegistrationBinding[], now: number): string[] {
  return [...bindings]
    .sort((a, b) => (b.q ?? 1) - (a.q ?? 1))
    .map((b) => {
      const remaining = Math.max(0, Math.ceil((b.expiresAt - now) / 1000));
      const q = b.q === undefined ? '' : `;q=${b.q}`;
      const instance = b.instance === undefined ? '' : `;+sip.instance=${quote(b.instance)}`;
      const regId = b.regId === undefined ? '' : `;reg-id=${b.regId}`;
      return `<${b.contact}>;expires=${remaining}${q}${instance}${regId}`;
    });
}
