import { isIPv4, isIPv6 } from 'node:net';
import { z } from 'zod';

// Field types shared by the settings of every concern (ports, addresses, URLs, CIDR lists).

export const port = z.coerce
  .number({ error: 'must be a port number' })
  .int('must be an integer')
  .min(1, 'must be between 1 and 65535')
  .max(65535, 'must be between 1 and 65535');

/** Port 0 turns the listener off (e.g. no TLS certificate configured). */
export const optionalPort = z.coerce
  .number({ error: 'must be a port number or 0 to disable' })
  .int('must be an integer')
  .min(0, 'must be between 0 and 65535')
  .max(65535, 'must be between 0 and 65535');

export const ipAddress = z.union([z.ipv4(), z.ipv6()], { error: 'must be an IPv4 or IPv6 address' });

/** `IP` or `IP!ADVERTISED` (rtpengine's --interface syntax). */
export function isInterfaceSpec(v: string): boolean {
  const parts = v.split('!');
  return parts.length <= 2 && parts.every((p) => ipAddress.safeParse(p).success);
}

export const url = (schemes: string[]) =>
  z.string({ error: 'is required' }).refine(
    (v) => {
      try {
        return schemes.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL starting with ${schemes.map((s) => `${s}//`).join(' or ')}` },
  );

/** True for `a.b.c.d/n`, `x::y/n` or a bare address. */
export function isCidr(text: string): boolean {
  const [address = '', bits, extra] = text.split('/');
  if (extra !== undefined) return false;
  const max = isIPv4(address) ? 32 : isIPv6(address) ? 128 : 0;
  if (max === 0) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= max);
}

/** The items of a comma-separated list; `none` is the empty list. */
function commaList(v: string): string[] {
  if (v.trim() === 'none') return [];
  return v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** A comma-separated CIDR list; `none` is the empty list (an empty variable means the default). */
export const cidrList = z
  .string()
  .transform(commaList)
  .refine((list) => list.every(isCidr), {
    message: "must be comma-separated IP networks in CIDR notation (e.g. 10.0.0.0/8,192.0.2.7) or 'none'",
  });

/** `ipv4:port` with a port of 1-65535. */
function isNodeAddress(text: string): boolean {
  const m = /^([0-9.]+):([0-9]{1,5})$/.exec(text);
  const port = Number(m?.[2]);
  return m !== null && isIPv4(m[1] ?? '') && port >= 1 && port <= 65535;
}

/** A comma-separated list of `ipv4:port` SIP addresses (signalling nodes); `none` or empty is none. */
export const nodeAddressList = z
  .string()
  .transform(commaList)
  .refine((list) => list.every(isNodeAddress), {
    message: "must be comma-separated IPv4 address:port pairs (e.g. 10.0.0.2:5060,10.0.0.3:5060) or 'none'",
  });
