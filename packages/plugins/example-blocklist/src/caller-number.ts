/**
 * The caller's number from a From URI: the user part with visual separators removed (RFC 3966
 * §5.1.1), or undefined for an anonymous caller (RFC 3323 §4.1.1.3: "anonymous@anonymous.invalid").
 */
export function callerNumber(uri: string): string | undefined {
  const m = /^(?:sips?|tel):([^@;?]+)(?:@([^;?>]+))?/i.exec(uri.trim());
  const user = m?.[1];
  if (user === undefined || m?.[2]?.toLowerCase() === 'anonymous.invalid') return undefined;
  const number = decodeURIComponent(user).replace(/[\s\-().]/g, '');
  return /^anonymous$/i.test(number) || number === '' ? undefined : number;
}

/** `+4990*` matches every number starting with +4990; anything else must match exactly. */
export function matches(pattern: string, number: string): boolean {
  return pattern.endsWith('*') ? number.startsWith(pattern.slice(0, -1)) : number === pattern;
}
