import {
  formatUri,
  uriReplaces,
  type Replaces,
  type SipRequest,
  type SipUri,
  type TelUri,
} from '@switchboard/sip';

/** What a valid blind-transfer REFER asks for. */
export interface ReferTarget {
  /** The Refer-To URI without URI headers: the Request-URI of the new call (RFC 3515 §2.1). */
  readonly uri: string;
  /** Its user part (or tel number): the destination the routing plugins see. */
  readonly destination: string;
  /** The Referred-By value to carry into the new call (RFC 3892 §3), if the transferor sent one. */
  readonly referredBy?: string;
  /** Attended transfer (RFC 3891 §7, RFC 5589 §7): the consultation dialog the transferee replaces. */
  readonly replaces?: Replaces;
}

export type ReferCheck =
  | { readonly ok: true; readonly target: ReferTarget }
  | { readonly ok: false; readonly status: number; readonly reason: string };

function refuse(status: number, reason: string): ReferCheck {
  return { ok: false, status, reason };
}

/**
 * Checks an in-dialog REFER (RFC 3515 §2.4.1: exactly one Refer-To, else 400) and reads its target.
 * Only INVITE may be referred here (a `method` URI parameter naming anything else → 403). A Refer-To
 * carrying `Replaces` (attended transfer, RFC 3891 §7) names the consultation dialog; an invalid one,
 * or two, → 400.
 */
export function checkRefer(request: SipRequest): ReferCheck {
  const values = request.getHeaderValues('Refer-To');
  if (values.length === 0) return refuse(400, 'Missing Refer-To');
  if (values.length > 1) return refuse(400, 'More than one Refer-To');
  let uri;
  try {
    uri = request.referTo?.uri;
  } catch (err) {
    return refuse(400, `Invalid Refer-To: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!uri) return refuse(400, 'Invalid Refer-To');
  if (uri.kind === 'absolute') return refuse(416, 'Unsupported URI Scheme in Refer-To');
  const target = uri.kind === 'tel' ? telTarget(uri) : sipTarget(uri);
  if (!target.ok) return target;
  let referredBy: string | undefined;
  try {
    referredBy = request.referredBy?.toString();
  } catch {
    return refuse(400, 'Invalid Referred-By');
  }
  return { ok: true, target: { ...target.target, ...(referredBy ? { referredBy } : {}) } };
}

function telTarget(uri: TelUri): ReferCheck {
  return { ok: true, target: { uri: formatUri(uri), destination: uri.number } };
}

function sipTarget(uri: SipUri): ReferCheck {
  const method = uri.params.get('method');
  if (method !== undefined && method !== null && method.toUpperCase() !== 'INVITE')
    return refuse(403, `Only INVITE may be referred, not ${method}`);
  let replaces: Replaces | undefined;
  try {
    replaces = uriReplaces(uri);
  } catch (err) {
    return refuse(400, `Invalid Replaces in Refer-To: ${err instanceof Error ? err.message : String(err)}`);
  }
  let destination: string;
  try {
    destination = decodeURIComponent(uri.user ?? '');
  } catch {
    return refuse(400, 'Invalid user part in Refer-To');
  }
  if (destination === '') return refuse(400, 'Refer-To names no user');
  const bare: SipUri = { ...uri, headers: [] };
  return { ok: true, target: { uri: formatUri(bare), destination, ...(replaces ? { replaces } : {}) } };
}
