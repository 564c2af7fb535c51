import type { SipRequest } from '@switchboard/sip';

const KEY = /^[0-9*#A-D]$/i;

/**
 * The key of a DTMF SIP INFO (RFC 6086 carries it; the bodies are de-facto formats): Cisco's
 * `application/dtmf-relay` (`Signal=5`, `Duration=160`) or `application/dtmf` (the key alone).
 * Undefined for any other INFO (another package, no key, an unknown key).
 */
export function sipInfoDigit(request: SipRequest): string | undefined {
  const type = (request.getHeader('Content-Type') ?? '').split(';')[0]?.trim().toLowerCase();
  const body = request.body.toString('utf8');
  let key: string | undefined;
  if (type === 'application/dtmf-relay') key = /^\s*Signal\s*=\s*(\S+)/im.exec(body)?.[1];
  else if (type === 'application/dtmf') key = body.trim();
  if (key === undefined) return undefined;
  // Some phones send the event number (RFC 4733 §3.2: 10 = *, 11 = #).
  if (key === '10') return '*';
  if (key === '11') return '#';
  return KEY.test(key) ? key.toUpperCase() : undefined;
}
