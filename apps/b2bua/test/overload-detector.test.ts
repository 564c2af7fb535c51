import { FakeClock } from '@switchboard/transactions';
import { describe, expect, it } from 'vitest';
import {
  MIN_EPISODE_MS,
  OverloadDetector,
  type OverloadEpisode,
  type OverloadLimits,
} from '../src/security/overload-detector.js';

function detector(limits: Partial<OverloadLimits> = {}) {
  const clock = new FakeClock();
  const load = { routingBacklog: 0, calls: 0 };
  const starts: OverloadEpisode[] = [];
  const ends: { episode: OverloadEpisode; endedAt: number }[] = [];
  const d = new OverloadDetector(
    { maxRoutingBacklog: 10, maxLoopLagMs: 100, maxCalls: 5, ...limits },
    {
      now: () => clock.now(),
      load: () => ({ ...load }),
      onStart: (episode) => starts.push(episode),
      onEnd: (episode, endedAt) => ends.push({ episode, endedAt }),
    },
  );
  return { d, clock, load, starts, ends };
}

describe('OverloadDetector', () => {
  it('admits up to the call bound and refuses the excess of a burst at once, with one episode start', () => {
    const { d, load, starts, ends } = detector();
    const admitted: boolean[] = [];
    for (let i = 0; i < 8; i++) {
      const ok = d.admitNewCall();
      admitted.push(ok);
      if (ok) load.calls += 1; // the admitted INVITE becomes a call
    }
    expect(admitted).toEqual([true, true, true, true, true, false, false, false]);
    expect(starts).toEqual([
      { reasons: ['calls'], load: { routingBacklog: 0, calls: 5, loopLagMs: 0 }, startedAt: 0, refused: 0 },
    ]);
    expect(ends).toEqual([]);
    expect(d.overloaded).toBe(true);
  });

  it('does not flap: stays refusing until every measure is back to 80 % of its bound and 1 s has passed', () => {
    const { d, clock, load, starts, ends } = detector({ maxCalls: 10 });
    load.calls = 10;
    expect(d.admitNewCall()).toBe(false);
    // One call ended: 9 is under the bound but over the resume level (8).
    load.calls = 9;
    clock.advance(5000);
    expect(d.admitNewCall()).toBe(false);
    // At the resume level and 5 s after the start: the episode ends.
    load.calls = 8;
    expect(d.admitNewCall()).toBe(true);
    expect(ends).toEqual([
      {
        episode: {
          reasons: ['calls'],
          load: { routingBacklog: 0, calls: 10, loopLagMs: 0 },
          startedAt: 0,
          refused: 2,
        },
        endedAt: 5000,
      },
    ]);
    // A new episode when the bound is reached again: counted separately.
    load.calls = 10;
    expect(d.admitNewCall()).toBe(false);
    expect(starts).toHaveLength(2);
    // A drop straight to 0 right after the start does not end it before MIN_EPISODE_MS.
    load.calls = 0;
    clock.advance(MIN_EPISODE_MS - 1);
    expect(d.admitNewCall()).toBe(false);
    clock.advance(1);
    expect(d.admitNewCall()).toBe(true);
    expect(ends).toHaveLength(2);
    expect(ends[1]?.episode.refused).toBe(2);
  });

  it('watches the routing backlog', () => {
    const { d, clock, load, starts } = detector();
    load.routingBacklog = 9;
    expect(d.admitNewCall()).toBe(true);
    load.routingBacklog = 10;
    expect(d.admitNewCall()).toBe(false);
    expect(starts[0]?.reasons).toEqual(['routingBacklog']);
    clock.advance(MIN_EPISODE_MS);
    load.routingBacklog = 8;
    expect(d.admitNewCall()).toBe(true);
  });

  it('starts and ends an episode on event-loop lag samples alone (no INVITE needed to end it)', () => {
    const { d, clock, starts, ends } = detector();
    d.recordLoopLag(100); // at the bound: not past it
    expect(d.overloaded).toBe(false);
    d.recordLoopLag(140);
    expect(d.overloaded).toBe(true);
    expect(starts[0]?.reasons).toEqual(['loopLag']);
    expect(d.admitNewCall()).toBe(false);
    clock.advance(500);
    d.recordLoopLag(90); // under the bound, over the resume level (80)
    clock.advance(500);
    d.recordLoopLag(85);
    expect(d.overloaded).toBe(true);
    clock.advance(500);
    d.recordLoopLag(20);
    expect(d.overloaded).toBe(false);
    expect(ends).toEqual([
      {
        episode: expect.objectContaining({
          reasons: ['loopLag'],
          refused: 1,
          startedAt: 0,
        }) as OverloadEpisode,
        endedAt: 1500,
      },
    ]);
  });

  it('names every measure over its bound; 0 leaves a measure unwatched', () => {
    const { d, load, starts } = detector();
    load.calls = 5;
    load.routingBacklog = 10;
    d.recordLoopLag(500);
    expect(starts[0]?.reasons).toEqual(['routingBacklog', 'loopLag', 'calls']);

    const off = detector({ maxRoutingBacklog: 0, maxLoopLagMs: 0, maxCalls: 0 });
    off.load.calls = 1_000_000;
    off.load.routingBacklog = 1_000_000;
    off.d.recordLoopLag(60_000);
    expect(off.d.admitNewCall()).toBe(true);
    expect(off.starts).toEqual([]);
  });
});
