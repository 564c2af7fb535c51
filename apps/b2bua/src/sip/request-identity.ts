import { parseUri, type SipRequest } from '@switchboard/sip';

/** The extension a request speaks for before it has credentials: REGISTER's To (the AOR), else From. */
export function identityUser(request: SipRequest): string | undefined {
  try {
    const uri = parseUri(request.method === 'REGISTER' ? request.to.uriText : request.from.uriText);
    return uri.kind === 'sip' && uri.user ? decodeURIComponent(uri.user) : undefined;
  } catch {
    return undefined;
  }
}
