// Event / Subscription-State (RFC 6665 §8.2.1, §8.2.3) and Replaces (RFC 3891 §6.1).
import { parseTrailingParams, scanToken, skipWs, type Params } from '../grammar/scanner.js';
import { headerError } from '../sip-parse-error.js';
import { parseCallId, parseDeltaSeconds } from './scalar-headers.js';

export interface EventHeader {
  /** event-type, e.g. "message-summary", "refer", "dialog". */
  readonly type: string;
  readonly id: string | undefined;
  readonly params: Params;
}

function leadingToken(s: string, header: string): [string, number] {
  const start = skipWs(s, 0, s.length);
  const e = scanToken(s, start, s.length);
  if (e === start) throw headerError(header, 'missing value');
  return [s.slice(start, e), e];
}

export function parseEvent(s: string): EventHeader {
  const [type, e] = leadingToken(s, 'Event');
  const params = parseTrailingParams(s, e, 'Event');
  return { type, id: params.get('id') ?? undefined, params };
}

export interface SubscriptionState {
  /** "active", "pending", "terminated" or an extension, lower-cased. */
  readonly state: string;
  readonly expires: number | undefined;
  readonly reason: string | undefined;
  readonly retryAfter: number | undefined;
  readonly params: Params;
}

export function parseSubscriptionState(s: string): SubscriptionState {
  const H = 'Subscription-State';
  const [state, e] = leadingToken(s, H);
  const params = parseTrailingParams(s, e, H);
  const num = (name: string): number | undefined => {
    const v = params.get(name);
    if (v === undefined) return undefined;
    if (v === null) throw headerError(H, `missing value of ${name}`);
    return parseDeltaSeconds(v, H);
  };
  return {
    state: state.toLowerCase(),
    expires: num('expires'),
    reason: params.get('reason') ?? undefined,
    retryAfter: num('retry-after'),
    params,
  };
}

export interface Replaces {
  readonly callId: string;
  readonly toTag: string;
  readonly fromTag: string;
  readonly earlyOnly: boolean;
  readonly params: Params;
}

/** Replaces = callid *(SEMI replaces-param); to-tag and from-tag are mandatory. */
export function parseReplaces(s: string): Replaces {
  const H = 'Replaces';
  const trimmed = s.trim();
  const semi = trimmed.indexOf(';');
  const callIdText = (semi < 0 ? trimmed : trimmed.slice(0, semi)).trim();
  const callId = parseCallId(callIdText);
  const params = semi < 0 ? parseTrailingParams('', 0, H) : parseTrailingParams(trimmed, semi, H);
  const toTag = params.get('to-tag');
  const fromTag = params.get('from-tag');
  if (!toTag || !fromTag) throw headerError(H, 'to-tag and from-tag are required');
  return { callId, toTag, fromTag, earlyOnly: params.has('early-only'), params };
}
