import { type SipRequest, validate } from '@switchboard/sip';

/** A response the stack sends instead of dispatching the request. */
export interface Rejection {
  readonly status: number;
  readonly reason: string;
  readonly headers?: Record<string, string>;
}

/** Full grammar check (RFC 3261 §25); the reason names the problem (e.g. the bad header). */
export function checkWellFormed(request: SipRequest): Rejection | undefined {
  const result = validate(request);
  if (result.ok) return undefined;
  return { status: result.error.status, reason: result.error.reason };
}

/** RFC 3261 §16.3 step 3 / §8.2: a request that would be relayed with no hops left gets 483. */
export function checkMaxForwards(request: SipRequest, local: boolean): Rejection | undefined {
  if (local || request.method === 'ACK' || request.method === 'CANCEL') return undefined;
  const mf = request.maxForwards;
  if (mf !== undefined && mf <= 0) return { status: 483, reason: 'Too Many Hops' };
  return undefined;
}

/**
 * RFC 3261 §8.2.2.3: an option tag in Require we do not support gets 420 listing them in
 * Unsupported. ACK and CANCEL are exempt (their Require is ignored).
 */
export function checkRequire(request: SipRequest, supported: ReadonlySet<string>): Rejection | undefined {
  if (request.method === 'ACK' || request.method === 'CANCEL') return undefined;
  const unsupported = request.require.filter((tag) => !supported.has(tag.toLowerCase()));
  if (unsupported.length === 0) return undefined;
  return { status: 420, reason: 'Bad Extension', headers: { Unsupported: unsupported.join(', ') } };
}

/** RFC 3261 §8.2.1: a method nobody here handles gets 405 with the methods we do allow. */
export function checkMethod(request: SipRequest, allowed: readonly string[]): Rejection | undefined {
  if (allowed.includes(request.method)) return undefined;
  return { status: 405, reason: 'Method Not Allowed', headers: { Allow: allowed.join(', ') } };
}
