import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { isCidr } from '@switchboard/config';

export interface FloodLimits {
  /** Sustained packets per second one source address may send (0 turns the guard off). */
  readonly ratePerSecond: number;
  /** Packets a source may send at once above the sustained rate (the bucket's size). */
  readonly burst: number;
  /** How long a source that emptied its bucket is ignored. */
  readonly banSeconds: number;
  /** Networks never limited (office LANs), as CIDR blocks, e.g. `10.0.0.0/8`; trunks come by `trust`. */
  readonly allow: readonly string[];
}

export interface FloodBan {
  readonly ip: string;
  readonly reason: 'rate';
  readonly until: number;
}

export interface FloodGuardOptions {
  /** Monotonic milliseconds (the SIP clock). */
  readonly now: () => number;
  /** Buckets kept at most; beyond, the least recently created is forgotten (it starts full again). */
  readonly maxSources: number;
  /** Bans kept at most; beyond, the one ending first is lifted early. */
  readonly maxBans: number;
  readonly onBan: (ban: FloodBan) => void;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Per-source flood control in front of the SIP stack (Kamailio `pike`-like): a token bucket per
 * source address, refilled at `ratePerSecond` up to `burst`; a source that empties it is banned for
 * `banSeconds` and everything it sends meanwhile is dropped unread (no parse, no transaction, no
 * answer: an answer would feed the flood). Allow-listed networks are never counted.
 */
export class FloodGuard {
  private readonly buckets = new Map<string, Bucket>();
  private readonly bans = new Map<string, number>();
  private readonly allow = new BlockList();
  /** The allow list's answer per source: BlockList.check builds a SocketAddress per call (~2 µs a packet). */
  private readonly allowedSources = new Map<string, boolean>();
  private readonly enabled: boolean;
  private trusted: (ip: string) => boolean = () => false;

  constructor(
    private readonly limits: FloodLimits,
    private readonly options: FloodGuardOptions,
  ) {
    this.enabled = limits.ratePerSecond > 0;
    for (const cidr of limits.allow) addCidr(this.allow, cidr);
  }

  /**
   * Sources that change at run time and are never limited, checked before any ban: the addresses of
   * the SIP trunks (a busy provider sends many calls from one address and must never be banned).
   */
  trust(trusted: (ip: string) => boolean): void {
    this.trusted = trusted;
  }

  /** True when a packet from `ip` may go on to the SIP stack. */
  admit(ip: string): boolean {
    if (!this.enabled || this.trusted(ip)) return true;
    const now = this.options.now();
    const bannedUntil = this.bans.get(ip);
    if (bannedUntil !== undefined) {
      if (now < bannedUntil) return false;
      this.bans.delete(ip);
    }
    let bucket = this.buckets.get(ip);
    if (!bucket) {
      if (this.isAllowed(ip)) return true;
      bucket = { tokens: this.limits.burst, at: now };
      this.buckets.set(ip, bucket);
      this.evictOldest(this.buckets, this.options.maxSources);
    } else {
      const refill = ((now - bucket.at) / 1000) * this.limits.ratePerSecond;
      bucket.tokens = Math.min(this.limits.burst, bucket.tokens + refill);
      bucket.at = now;
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return true;
    }
    this.ban(ip, now);
    return false;
  }

  /**
   * Forgets what carries no information any more, so the maps empty once a flood is over: bans
   * that ended, and buckets refilled to full (a new bucket starts full: the same answer).
   */
  sweep(): void {
    const now = this.options.now();
    for (const [ip, until] of this.bans) if (now >= until) this.bans.delete(ip);
    const { burst, ratePerSecond } = this.limits;
    for (const [ip, bucket] of this.buckets)
      if (bucket.tokens + ((now - bucket.at) / 1000) * ratePerSecond >= burst) this.buckets.delete(ip);
  }

  /** Sources currently tracked and banned, for the memory figures. */
  get size(): { sources: number; bans: number } {
    return { sources: this.buckets.size, bans: this.bans.size };
  }

  private ban(ip: string, now: number): void {
    const until = now + this.limits.banSeconds * 1000;
    this.buckets.delete(ip);
    this.bans.set(ip, until);
    this.evictOldest(this.bans, this.options.maxBans);
    this.options.onBan({ ip, reason: 'rate', until });
  }

  private isAllowed(ip: string): boolean {
    let allowed = this.allowedSources.get(ip);
    if (allowed === undefined) {
      allowed = blockListHas(this.allow, ip);
      this.allowedSources.set(ip, allowed);
      this.evictOldest(this.allowedSources, this.options.maxSources);
    }
    return allowed;
  }

  private evictOldest<V>(map: Map<string, V>, max: number): void {
    while (map.size > max) {
      const oldest = map.keys().next();
      if (oldest.done) return;
      map.delete(oldest.value);
    }
  }
}

/** True when `ip` (a bare IPv4 or IPv6 address) is in `list`. */
export function blockListHas(list: BlockList, ip: string): boolean {
  if (isIPv4(ip)) return list.check(ip, 'ipv4');
  if (isIPv6(ip)) return list.check(ip, 'ipv6');
  return false;
}

/** Adds `a.b.c.d/n`, `x::y/n` or a bare address to `list`; throws TypeError on anything else. */
export function addCidr(list: BlockList, cidr: string): void {
  const text = cidr.trim();
  if (!isCidr(text)) throw new TypeError(`not an IP network in CIDR notation: ${cidr}`);
  const [address = '', bits] = text.split('/');
  const type = isIPv4(address) ? 'ipv4' : 'ipv6';
  list.addSubnet(address, bits === undefined ? (type === 'ipv4' ? 32 : 128) : Number(bits), type);
}
