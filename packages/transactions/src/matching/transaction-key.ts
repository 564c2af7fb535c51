import { type MessageInfo, type ViaInfo } from './message-info.js';

/** RFC 3261 §8.1.1.7: branches from RFC 3261 implementations start with this magic cookie. */
export const MAGIC_COOKIE = 'z9hG4bK';

export function sentBy(via: ViaInfo): string {
  return `${via.host.toLowerCase()}:${via.port ?? ''}`;
}

/** §17.1.3: a response matches the client transaction with the same top branch and CSeq method. */
export function clientKey(branch: string, cseqMethod: string): string {
  return `c|${branch}|${cseqMethod}`;
}

export function clientKeyOf(response: MessageInfo): string | undefined {
  if (response.via.branch === undefined) return undefined;
  return clientKey(response.via.branch, response.cseqMethod);
}

/**
 * §17.2.3: the server transaction a request belongs to. With the magic cookie: branch, sent-by
 * and method (ACK matches INVITE). Without it, the RFC 2543 fallback compares Request-URI,
 * From tag, Call-ID, CSeq number and the whole top Via; the To tag check for ACK is done by
 * the caller (see `rfc2543AckMatches`), since the ACK carries the tag this server chose.
 */
export function serverKey(req: MessageInfo, methodOverride?: string): string {
  const method = methodOverride ?? (req.method === 'ACK' ? 'INVITE' : (req.method ?? ''));
  const branch = req.via.branch;
  if (branch !== undefined && branch.startsWith(MAGIC_COOKIE)) {
    return `s|${branch}|${sentBy(req.via)}|${method}`;
  }
  return `s2543|${req.requestUri ?? ''}|${req.fromTag ?? ''}|${req.callId}|${req.cseqNumber}|${req.viaRaw}|${method}`;
}

/** §9.2: the INVITE server transaction a CANCEL targets (same key with the method taken as INVITE). */
export function cancelTargetKey(cancel: MessageInfo): string {
  return serverKey(cancel, 'INVITE');
}

/** RFC 2543 ACK matching: the To tag must equal the tag of the response this server sent. */
export function rfc2543AckMatches(ack: MessageInfo, responseToTag: string | undefined): boolean {
  const branch = ack.via.branch;
  if (branch !== undefined && branch.startsWith(MAGIC_COOKIE)) return true;
  return ack.toTag === responseToTag;
}

/**
 * §8.2.2.2 merged-request detection: a request without To tag whose From tag, Call-ID and CSeq
 * equal those of a live server transaction but which does not match it arrived by another path.
 */
export function mergeKey(req: MessageInfo): string | undefined {
  if (req.toTag !== undefined || req.method === 'ACK') return undefined;
  return `m|${req.fromTag ?? ''}|${req.callId}|${req.cseqNumber}|${req.cseqMethod}`;
}
