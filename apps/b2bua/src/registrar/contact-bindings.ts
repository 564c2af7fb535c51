import type { RegistrationBinding } from '@switchboard/live-state';
import { SipParseError, type SipRequest } from '@switchboard/sip';
import { endpointKey } from '@switchboard/transactions';
import type { RequestOrigin } from '../sip/sip-request-handler.js';
import type { BindingChange } from './registration-binding.store.js';

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
  | { kind: 'update'; changes: BindingChange[] }
  | { kind: 'reject'; status: number; reason: string; headers?: Record<string, string> };

/**
 * RFC 3261 §10.3 steps 6 and 7 without I/O: what the REGISTER asks for, each Contact's
 * expiry (Contact `expires` parameter, else the Expires header, else the maximum), the
 * 423 rule for too-brief intervals and the wildcard rule.
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

  const byContact = new Map<string, BindingChange>();
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
    if (expires === 0) {
      byContact.set(uri, { contact: uri });
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
      ...(contact.q === undefined ? {} : { q: contact.q }),
      ...(contact.displayName ? { displayName: contact.displayName } : {}),
      ...userAgentOf(request),
    };
    byContact.set(uri, { contact: uri, binding });
  }
  return { kind: 'update', changes: [...byContact.values()] };
}

function readContacts(request: SipRequest) {
  return request.contacts;
}

function userAgentOf(request: SipRequest): { userAgent?: string } {
  const ua = request.getHeader('User-Agent');
  return ua ? { userAgent: ua.slice(0, 256) } : {};
}

/** The Contact values of a 200 to REGISTER: every current binding with its remaining time (§10.3 step 8). */
export function contactHeaderValues(bindings: readonly RegistrationBinding[], now: number): string[] {
  return [...bindings]
    .sort((a, b) => (b.q ?? 1) - (a.q ?? 1))
    .map((b) => {
      const remaining = Math.max(0, Math.ceil((b.expiresAt - now) / 1000));
      return `<${b.contact}>;expires=${remaining}${b.q === undefined ? '' : `;q=${b.q}`}`;
    });
}
