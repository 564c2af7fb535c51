/**
 * SIP text with the SDES master keys blanked out. An `a=crypto` line (RFC 4568 §9.1:
 * `a=crypto:<tag> <suite> inline:<key||salt>[|lifetime][|MKI:length] …`) carries the key of an
 * SRTP stream in clear: a stored trace (admin download, pcap, HEP) must not let whoever reads it
 * decrypt the call. Each key character becomes `*`, so the length and the message's
 * Content-Length stay right; the suite, lifetime and MKI stay readable for troubleshooting.
 */
export function redactSdesKeys(text: string): string {
  if (!/a=crypto:/i.test(text)) return text;
  return text.replace(/^a=crypto:.*$/gim, (line) =>
    line.replace(
      /(inline:)([^|;\s]+)/gi,
      (_m, prefix: string, key: string) => prefix + '*'.repeat(key.length),
    ),
  );
}
