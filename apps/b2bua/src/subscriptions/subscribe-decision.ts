export interface SubscribeLimits {
  readonly minExpires: number;
  readonly maxExpires: number;
}

/** What the decision needs of the event package the SUBSCRIBE names. */
export interface PackageTerms {
  /** The body type of its NOTIFYs, which the Accept header must allow (RFC 6665 §4.2.1). */
  readonly contentType: string;
  /** Seconds when the subscriber names no Expires (each package defines it, RFC 6665 §7.2.3). */
  readonly defaultExpires: number;
}

/** What the handler read from a SUBSCRIBE, and the subscription it refreshes (in-dialog only). */
export interface SubscribeFacts {
  /** Media types of the Accept header(s); empty when absent. */
  readonly accept: readonly string[];
  /** The Expires header in seconds, undefined when absent. */
  readonly expires: number | undefined;
  /** The request had a To tag: a refresh or an unsubscribe within a dialog. */
  readonly inDialog: boolean;
  readonly fromTag: string | undefined;
  readonly cseq: number;
  readonly existing?: { readonly remoteTag: string; readonly remoteSeq: number } | undefined;
}

export type SubscribeDecision =
  | {
      readonly kind: 'reject';
      readonly status: number;
      readonly reason: string;
      readonly headers?: ReadonlyArray<readonly [string, string]>;
    }
  /** 200, then NOTIFY `active;expires=<seconds>`. */
  | { readonly kind: 'subscribe'; readonly expires: number }
  /** 200 with Expires: 0, then a final NOTIFY `terminated` (unsubscribe, or a fetch when initial). */
  | { readonly kind: 'unsubscribe' };

function accepts(accept: readonly string[], contentType: string): boolean {
  if (accept.length === 0) return true;
  const [major] = contentType.split('/');
  return accept.some((value) => {
    const type = (value.split(';')[0] ?? '').trim().toLowerCase();
    return type === contentType || type === `${major}/*` || type === '*/*';
  });
}

/** A SUBSCRIBE for a package we do not serve: 489 listing those we do (RFC 6665 §7.2.2, §8.3.2). */
export function badEvent(served: readonly string[]): SubscribeDecision {
  return { kind: 'reject', status: 489, reason: 'Bad Event', headers: [['Allow-Events', served.join(', ')]] };
}

/**
 * The notifier's answer to a SUBSCRIBE of a package we serve (RFC 6665 §4.2.1), once the subscriber
 * is known to be allowed to watch the resource. Pure, so that every branch is tested without a network.
 */
export function decideSubscribe(
  facts: SubscribeFacts,
  limits: SubscribeLimits,
  terms: PackageTerms,
): SubscribeDecision {
  if (!accepts(facts.accept, terms.contentType)) {
    return {
      kind: 'reject',
      status: 406,
      reason: 'Not Acceptable',
      headers: [['Accept', terms.contentType]],
    };
  }
  if (facts.inDialog) {
    // §4.2.1.2: a refresh of a subscription we do not know (expired, or another dialog) gets 481.
    if (!facts.existing || facts.existing.remoteTag !== facts.fromTag) {
      return { kind: 'reject', status: 481, reason: 'Subscription Does Not Exist' };
    }
    if (facts.cseq <= facts.existing.remoteSeq) {
      return { kind: 'reject', status: 500, reason: 'CSeq Out Of Order' }; // RFC 3261 §12.2.2
    }
  }
  const requested = facts.expires ?? Math.min(terms.defaultExpires, limits.maxExpires);
  if (requested === 0) return { kind: 'unsubscribe' };
  if (requested < limits.minExpires) {
    // §4.2.1.1: too short → 423 with Min-Expires.
    return {
      kind: 'reject',
      status: 423,
      reason: 'Interval Too Brief',
      headers: [['Min-Expires', String(limits.minExpires)]],
    };
  }
  return { kind: 'subscribe', expires: Math.min(requested, limits.maxExpires) };
}

/** What a NOTIFY's outcome means for its subscription (RFC 6665 §4.2.2). */
export function afterNotify(outcome: number | 'timeout' | 'transport-error'): 'keep' | 'drop' {
  if (outcome === 'timeout' || outcome === 'transport-error') return 'drop';
  if (outcome < 300) return 'keep';
  // 481: the subscriber has no such subscription; 408 and 6xx: gone. Others (e.g. 500) affect only this
  // transaction (RFC 5057 §5.1), so the subscription stays until it expires or is refreshed.
  return outcome === 481 || outcome === 408 || outcome >= 600 ? 'drop' : 'keep';
}
