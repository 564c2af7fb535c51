// Header names are case-insensitive (RFC 3261 §7.3.1) and some have compact forms (§7.3.3,
// plus RFC 3265, 3515, 3892, 4028, 4474, 3841). Known names map to a small integer id so that
// lookups compare numbers instead of lower-casing strings.

const NAMES: ReadonlyArray<readonly [string, string?]> = [
  ['Via', 'v'],
  ['From', 'f'],
  ['To', 't'],
  ['Call-ID', 'i'],
  ['CSeq'],
  ['Contact', 'm'],
  ['Max-Forwards'],
  ['Content-Length', 'l'],
  ['Content-Type', 'c'],
  ['Content-Encoding', 'e'],
  ['Subject', 's'],
  ['Supported', 'k'],
  ['Route'],
  ['Record-Route'],
  ['Expires'],
  ['Authorization'],
  ['Proxy-Authorization'],
  ['WWW-Authenticate'],
  ['Proxy-Authenticate'],
  ['Allow'],
  ['Require'],
  ['Proxy-Require'],
  ['Unsupported'],
  ['Event', 'o'],
  ['Allow-Events', 'u'],
  ['Subscription-State'],
  ['Refer-To', 'r'],
  ['Referred-By', 'b'],
  ['Replaces'],
  ['Session-Expires', 'x'],
  ['Min-SE'],
  ['RSeq'],
  ['RAck'],
  ['Reason'],
  ['P-Asserted-Identity'],
  ['P-Preferred-Identity'],
  ['Date'],
  ['Retry-After'],
  ['Warning'],
  ['Diversion'],
  ['History-Info'],
  ['Min-Expires'],
  ['Timestamp'],
  ['Accept'],
  ['User-Agent'],
  ['Server'],
  ['Identity', 'y'],
  ['Identity-Info', 'n'],
  ['Accept-Contact', 'a'],
  ['Reject-Contact', 'j'],
  ['Request-Disposition', 'd'],
  ['Reply-To'],
];

/** Numeric ids of the known headers (0 = unknown header). */
export const HeaderId = {
  Via: 1,
  From: 2,
  To: 3,
  CallId: 4,
  CSeq: 5,
  Contact: 6,
  MaxForwards: 7,
  ContentLength: 8,
  ContentType: 9,
  ContentEncoding: 10,
  Subject: 11,
  Supported: 12,
  Route: 13,
  RecordRoute: 14,
  Expires: 15,
  Authorization: 16,
  ProxyAuthorization: 17,
  WwwAuthenticate: 18,
  ProxyAuthenticate: 19,
  Allow: 20,
  Require: 21,
  ProxyRequire: 22,
  Unsupported: 23,
  Event: 24,
  AllowEvents: 25,
  SubscriptionState: 26,
  ReferTo: 27,
  ReferredBy: 28,
  Replaces: 29,
  SessionExpires: 30,
  MinSE: 31,
  RSeq: 32,
  RAck: 33,
  Reason: 34,
  PAssertedIdentity: 35,
  PPreferredIdentity: 36,
  Date: 37,
  RetryAfter: 38,
  Warning: 39,
  Diversion: 40,
  HistoryInfo: 41,
  MinExpires: 42,
  Timestamp: 43,
  Accept: 44,
  UserAgent: 45,
  Server: 46,
  Identity: 47,
  IdentityInfo: 48,
  AcceptContact: 49,
  RejectContact: 50,
  RequestDisposition: 51,
  ReplyTo: 52,
} as const;

const canonical: string[] = [''];
const compactForm: Array<string | undefined> = [undefined];
const byLower = new Map<string, number>();
// Per id: the shape (see nameShape) of the long form and of the compact form (1 when none).
// A name whose shape matches neither cannot be that header, so lookups compare numbers first.
const longShape: number[] = [1];
const compactShape: number[] = [1];
NAMES.forEach(([full, compact], i) => {
  canonical.push(full);
  compactForm.push(compact);
  byLower.set(full.toLowerCase(), i + 1);
  if (compact) byLower.set(compact, i + 1);
  longShape.push(nameShape(full, 0, full.length));
  compactShape.push(compact ? nameShape(compact, 0, 1) : 1);
});

/**
 * A negative number made of the length (capped) and the case-folded first char of the name
 * s[start, end): equal for every spelling of one name, so different shapes mean different names.
 */
export function nameShape(s: string, start: number, end: number): number {
  const len = end - start > 255 ? 255 : end - start;
  return -1 - (len * 128 + ((s.charCodeAt(start) | 32) & 127));
}

/**
 * Headers the parser identifies while splitting (instead of on lookup) and whose first and last
 * lines it records: the ones every message handler reads (RFC 3261 §8.1.1) and Content-Length.
 * Their ids are 1..HOT_IDS-1.
 */
export const HOT_IDS = 9;
// Flags by -1 - shape for the long and compact names of the hot headers.
const hotShapes = new Uint8Array(255 * 128 + 128);
for (let id = 1; id < HOT_IDS; id++) {
  hotShapes[-1 - longShape[id]!] = 1;
  if (compactShape[id] !== 1) hotShapes[-1 - compactShape[id]!] = 1;
}

/** True when a name of this shape may be one of the hot headers (see HOT_IDS). */
export function isHotShape(shape: number): boolean {
  return hotShapes[-1 - shape] === 1;
}

/** False when a name of shape `shape` (from nameShape) certainly is not header `id`. */
export function shapeMatches(shape: number, id: number): boolean {
  return shape === longShape[id] || shape === compactShape[id];
}

// Exact spellings seen on the wire -> id; bounded so hostile traffic cannot grow it forever.
const spellingCache = new Map<string, number>();
const SPELLING_CACHE_MAX = 2048;

/** Id of a header name in any spelling or compact form; 0 when unknown. */
export function headerIdOf(name: string): number {
  const cached = spellingCache.get(name);
  if (cached !== undefined) return cached;
  const id = byLower.get(name.toLowerCase()) ?? 0;
  if (spellingCache.size < SPELLING_CACHE_MAX) spellingCache.set(name, id);
  return id;
}

/** Canonical spelling of a known header id ("Call-ID"). */
export function canonicalHeaderName(id: number): string {
  return canonical[id] ?? '';
}

/** The compact form of a known header id (RFC 3261 §7.3.3: "v" for Via), undefined when none. */
export function compactHeaderName(id: number): string | undefined {
  return compactForm[id];
}

/** Canonical spelling for a name in any form; unknown names are returned unchanged. */
export function normalizeHeaderName(name: string): string {
  const id = headerIdOf(name);
  return id === 0 ? name : canonical[id]!;
}

// Known names bucketed by length, first and last letter (lower-cased), so identifying a name
// inside a larger string needs no slicing and usually one comparison (parser hot path).
const buckets: Array<Array<readonly [string, number]> | undefined> = new Array<undefined>(1024).fill(
  undefined,
);

function bucketKey(len: number, first: number, last: number): number {
  return (len * 61 + (first | 32) * 7 + (last | 32)) & 1023;
}

for (const [lower, id] of byLower) {
  const key = bucketKey(lower.length, lower.charCodeAt(0), lower.charCodeAt(lower.length - 1));
  (buckets[key] ??= []).push([lower, id]);
}

/** Id of the header name s[start, end) in any case; 0 when unknown. */
export function identifyHeader(s: string, start: number, end: number): number {
  const len = end - start;
  const candidates = buckets[bucketKey(len, s.charCodeAt(start), s.charCodeAt(end - 1))];
  if (candidates === undefined) return 0;
  for (let k = 0; k < candidates.length; k++) {
    const entry = candidates[k]!;
    const lower = entry[0];
    let i = 0;
    for (; i < len; i++) {
      const c = s.charCodeAt(start + i);
      const l = lower.charCodeAt(i);
      if (c !== l && !(c >= 65 && c <= 90 && c + 32 === l)) break;
    }
    if (i === len && lower.length === len) return entry[1];
  }
  return 0;
}
