import type { DialTarget } from './routing-plan.js';

export interface ExternalTargetOptions {
  readonly domain?: string | undefined;
  readonly scheme: 'sip' | 'tel';
  /** The call's Request-URI: its host is our domain when `domain` is not configured. */
  readonly requestUri: string;
}

const URI = /^(sips?|tel):[^\s<>]+$/i;
const NUMBER = /^\+?[0-9*#]{1,32}$/;

/** The host[:port] of a sip:/sips: URI, or undefined. */
export function domainOf(uri: string): string | undefined {
  return /^sips?:(?:[^@;?]*@)?([^;?>\s]+)/i.exec(uri)?.[1];
}

/**
 * A dial target for an external number or a URI. Numbers become `sip:<n>@<domain>;user=phone`
 * (RFC 3261 §19.1.1: the user part is a telephone number), or `tel:` URIs (RFC 3966 §5.1.5: a
 * local number needs a phone-context). Undefined when the text is neither a number nor a URI.
 */
export function externalTarget(text: string, options: ExternalTargetOptions): DialTarget | undefined {
  const trimmed = text.trim();
  if (URI.test(trimmed)) return { kind: 'uri', uri: trimmed };
  const number = trimmed.replace(/[\s\-().]/g, '');
  if (!NUMBER.test(number)) return undefined;
  const domain = options.domain ?? domainOf(options.requestUri);
  if (options.scheme === 'tel') {
    if (number.startsWith('+')) return { kind: 'uri', uri: `tel:${number}` };
    return domain === undefined ? undefined : { kind: 'uri', uri: `tel:${number};phone-context=${domain}` };
  }
  if (domain === undefined) return undefined;
  // '#' is not allowed unescaped in a SIP URI's user part (RFC 3261 §25.1).
  return { kind: 'uri', uri: `sip:${number.replace(/#/g, '%23')}@${domain};user=phone` };
}
