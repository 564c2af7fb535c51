import { describe, expect, it } from 'vitest';
import { FloodGuard, type FloodBan } from '../src/security/flood-guard.js';

function guard(allow: string[] = [], maxSources = 100) {
  let now = 0;
  const bans: FloodBan[] = [];
  const g = new FloodGuard(
    { ratePerSecond: 10, burst: 20, banSeconds: 60, allow },
    { now: () => now, maxSources, maxBans: 10, onBan: (b) => bans.push(b) },
  );
  return { g, bans, advance: (ms: number) => (now += ms) };
}

describe('FloodGuard (per-source token bucket + ban)', () => {
  it('admits a burst, then the sustained rate; emptying the bucket bans the source until the ban ends', () => {
    const { g, bans, advance } = guard();
    for (let i = 0; i < 20; i++) expect(g.admit('192.0.2.1')).toBe(true);
    advance(100); // one token back at 10/s
    expect(g.admit('192.0.2.1')).toBe(true);
    expect(g.admit('192.0.2.1')).toBe(false);
    expect(bans).toEqual([{ ip: '192.0.2.1', reason: 'rate', until: 60_100 }]);
    // Banned: dropped even after the bucket would have refilled; one ban reported, not one per packet.
    advance(10_000);
    expect(g.admit('192.0.2.1')).toBe(false);
    expect(bans).toHaveLength(1);
    // Another source is not affected.
    expect(g.admit('192.0.2.2')).toBe(true);
    advance(50_000);
    expect(g.admit('192.0.2.1')).toBe(true);
  });

  it('never limits allow-listed networks (trunks, office LANs), IPv4 and IPv6', () => {
    const { g, bans } = guard(['198.51.100.0/24', '2001:db8::/32']);
    for (let i = 0; i < 1000; i++) {
      expect(g.admit('198.51.100.7')).toBe(true);
      expect(g.admit('2001:db8::1')).toBe(true);
    }
    expect(bans).toEqual([]);
    expect(g.size.sources).toBe(0);
  });

  it('never limits trusted sources that change at run time (the trunks), even one already banned', () => {
    const { g, bans } = guard();
    const trunks = new Set<string>();
    g.trust((ip) => trunks.has(ip));
    for (let i = 0; i < 21; i++) g.admit('192.0.2.9');
    expect(bans).toHaveLength(1);
    expect(g.admit('192.0.2.9')).toBe(false);
    trunks.add('192.0.2.9'); // a trunk now sends from there
    for (let i = 0; i < 1000; i++) expect(g.admit('192.0.2.9')).toBe(true);
    expect(bans).toHaveLength(1);
  });

  it('keeps at most maxSources buckets', () => {
    const { g } = guard([], 50);
    for (let i = 0; i < 200; i++) g.admit(`10.0.${i >> 8}.${i & 255}`);
    expect(g.size.sources).toBe(50);
  });

  it('sweep forgets full buckets and ended bans only, so its maps empty after a flood', () => {
    const { g, advance } = guard();
    for (let i = 0; i < 21; i++) g.admit('192.0.2.1'); // banned until 60 s
    for (let i = 0; i < 5; i++) g.admit('192.0.2.2'); // 15 of 20 tokens left
    g.admit('192.0.2.3');
    advance(400); // .3 full again (19 + 4), .2 not yet (15 + 4)
    g.sweep();
    expect(g.size).toEqual({ sources: 1, bans: 1 });
    advance(100); // .2 full
    g.sweep();
    expect(g.size).toEqual({ sources: 0, bans: 1 });
    expect(g.admit('192.0.2.1')).toBe(false); // still banned
    advance(60_000);
    g.sweep();
    expect(g.size).toEqual({ sources: 0, bans: 0 });
    // A forgotten bucket is a full one: a burst is admitted again, not one more.
    for (let i = 0; i < 20; i++) expect(g.admit('192.0.2.2')).toBe(true);
    expect(g.admit('192.0.2.2')).toBe(false);
  });

  it('is off with rate 0', () => {
    const g = new FloodGuard(
      { ratePerSecond: 0, burst: 1, banSeconds: 1, allow: [] },
      { now: () => 0, maxSources: 1, maxBans: 1, onBan: () => undefined },
    );
    for (let i = 0; i < 100; i++) expect(g.admit('192.0.2.1')).toBe(true);
  });
});
