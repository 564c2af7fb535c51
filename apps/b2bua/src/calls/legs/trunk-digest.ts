import { DigestClient, type HeaderField } from '@switchboard/dialog';
import type { SipResponse } from '@switchboard/sip';

/**
 * Answers a provider's 401/407 on a trunk leg (RFC 3261 §22.2, §22.3): INVITE, re-INVITE and BYE are
 * sent again once, with the next CSeq and the credentials; a second challenge to the same request is
 * the provider's refusal and ends it with that answer. CANCEL is never answered (§22.1: a CANCEL
 * cannot be resubmitted, so it cannot be challenged meaningfully) — like Asterisk and FreeSWITCH we
 * rely on the INVITE transaction instead: the provider's 487, or a late 2xx we ACK and end with BYE.
 */
export class TrunkDigest {
  private readonly client: DigestClient;

  constructor(credentials: { readonly username: string; readonly password: string }) {
    this.client = new DigestClient({ username: credentials.username, password: credentials.password });
  }

  /** The credential headers for `request` (method, Request-URI) answering `response`; undefined: cannot. */
  answer(response: SipResponse, request: { method: string; uri: string }): HeaderField[] | undefined {
    const status = response.status;
    if (status !== 401 && status !== 407) return undefined;
    const challenges = response.getHeaders(status === 401 ? 'WWW-Authenticate' : 'Proxy-Authenticate');
    const headers = this.client.answer(status, challenges, request);
    return headers.length > 0 ? headers : undefined;
  }
}

/** Header names a retried request replaces. */
const AUTH_HEADERS = new Set(['authorization', 'proxy-authorization']);

/** `headers` without earlier credentials, plus `auth`. */
export function withCredentials(
  headers: readonly HeaderField[],
  auth: readonly HeaderField[],
): HeaderField[] {
  return [...headers.filter((h) => !AUTH_HEADERS.has(h.name.toLowerCase())), ...auth];
}
