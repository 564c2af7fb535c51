import { PortAllocationError } from '../errors.js';

export interface RtpPortRange {
  /** Lowest RTP port (must be even). */
  min: number;
  /** Highest port usable by RTCP (the pair min..max+1 must stay in range). */
  max: number;
}

export interface RtpPortPair {
  rtp: number;
  rtcp: number;
}

/**
 * Hands out RTP/RTCP port pairs from a configured range: RTP on an even port and RTCP on the next
 * odd one (RFC 3550 §11). Pure bookkeeping — it binds nothing. Allocation walks round-robin so a
 * port just released is the last to be reused (late packets of the old call then miss the new one).
 */
export class RtpPortAllocator {
  private readonly min: number;
  private readonly pairs: number;
  private readonly used = new Set<number>();
  private cursor = 0;

  constructor(range: RtpPortRange) {
    const { min, max } = range;
    if (!Number.isInteger(min) || !Number.isInteger(max) || min < 1024 || max > 65535 || min % 2 !== 0) {
      throw new PortAllocationError(
        'PORT_RANGE_INVALID',
        `RTP port range ${min}-${max} needs an even min >= 1024, max <= 65535`,
      );
    }
    const pairs = Math.floor((max - min + 1) / 2);
    if (pairs < 1)
      throw new PortAllocationError(
        'PORT_RANGE_INVALID',
        `RTP port range ${min}-${max} holds no even/odd pair`,
      );
    this.min = min;
    this.pairs = pairs;
  }

  /** Reserves the next free pair; throws PORT_RANGE_EXHAUSTED when every pair is in use. */
  allocate(): RtpPortPair {
    for (let i = 0; i < this.pairs; i++) {
      const index = (this.cursor + i) % this.pairs;
      const rtp = this.min + 2 * index;
      if (!this.used.has(rtp)) {
        this.used.add(rtp);
        this.cursor = (index + 1) % this.pairs;
        return { rtp, rtcp: rtp + 1 };
      }
    }
    throw new PortAllocationError('PORT_RANGE_EXHAUSTED', `all ${this.pairs} RTP port pairs are in use`);
  }

  /** Returns a pair (by its RTP port) to the pool. */
  release(rtp: number): void {
    if (!this.used.delete(rtp))
      throw new PortAllocationError('PORT_NOT_ALLOCATED', `RTP port ${rtp} is not allocated`);
  }

  get capacity(): number {
    return this.pairs;
  }

  get inUse(): number {
    return this.used.size;
  }
}
