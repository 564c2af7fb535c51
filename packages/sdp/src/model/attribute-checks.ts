import {
  parseCandidate,
  parseCrypto,
  parseFingerprint,
  parseGroup,
  parseMilliseconds,
  parseRtcp,
  parseSsrcGroup,
} from './sdp-fields.js';
import { isValidFmtp, isValidRtcpFb, isValidRtpmap, isValidSsrc } from './sdp-validators.js';

/** A known attribute whose value the parser checks, with the syntax quoted in the error. */
interface AttributeCheck {
  name: string;
  syntax: string;
  valid: (value: string) => boolean;
}

const CHECKS: AttributeCheck[] = [
  {
    name: 'rtpmap',
    syntax: '<payload type> <encoding name>/<clock rate>[/<channels>]',
    valid: isValidRtpmap,
  },
  { name: 'fmtp', syntax: '<format> <parameters>', valid: isValidFmtp },
  {
    name: 'rtcp',
    syntax: '<port> [<nettype> <addrtype> <address>]',
    valid: (v) => parseRtcp(v) !== undefined,
  },
  { name: 'rtcp-fb', syntax: '<format|*> <type> [<parameters>]', valid: isValidRtcpFb },
  { name: 'ptime', syntax: '<milliseconds>', valid: (v) => parseMilliseconds(v) !== undefined },
  { name: 'maxptime', syntax: '<milliseconds>', valid: (v) => parseMilliseconds(v) !== undefined },
  {
    name: 'candidate',
    syntax: '<foundation> <component> <transport> <priority> <address> <port> typ <type> …',
    valid: (v) => parseCandidate(v) !== undefined,
  },
  {
    name: 'fingerprint',
    syntax: '<hash function> <fingerprint>',
    valid: (v) => parseFingerprint(v) !== undefined,
  },
  {
    name: 'setup',
    syntax: 'active|passive|actpass|holdconn',
    valid: (v) => v === 'active' || v === 'passive' || v === 'actpass' || v === 'holdconn',
  },
  {
    name: 'crypto',
    syntax: '<tag> <crypto suite> <key params> [<session params>]',
    valid: (v) => parseCrypto(v) !== undefined,
  },
  { name: 'group', syntax: '<semantics> <mid> …', valid: (v) => parseGroup(v) !== undefined },
  { name: 'mid', syntax: '<identification tag>', valid: (v) => v.length > 0 },
  { name: 'ssrc', syntax: '<ssrc> <attribute>[:<value>]', valid: isValidSsrc },
  { name: 'ssrc-group', syntax: '<semantics> <ssrc> …', valid: (v) => parseSsrcGroup(v) !== undefined },
];

/** Checks bucketed by name length, so that finding the check for a line allocates nothing. */
const BY_LENGTH: AttributeCheck[][] = [];
for (const c of CHECKS) (BY_LENGTH[c.name.length] ??= []).push(c);

/**
 * The check for the attribute whose name is `line[2, nameEnd)` (`line` being `a=name[:value]`),
 * or undefined for attributes that are kept without checking their value.
 */
export function findAttributeCheck(line: string, nameEnd: number): AttributeCheck | undefined {
  const bucket = BY_LENGTH[nameEnd - 2];
  if (!bucket) return undefined;
  for (const c of bucket) if (line.startsWith(c.name, 2)) return c;
  return undefined;
}
