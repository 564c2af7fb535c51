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
    { maxRoutingBacklog: 10, maxLoopLagMs: 100, maxIntakeDelayMs: 50, maxCalls: 5, ...limits },
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
      {
        reasons: ['calls'],
        load: { routingBacklog: 0, calls: 5, intakeDelayMs: 0, loopLagMs: 0 },
        startedAt: 0,
        refused: 0,
      },
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
          load: { routingBacklog: 0, calls: 10, intakeDelayMs: 0, loopLagMs: 0 },
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

  it('steers the share of new calls admitted by the intake delay: shrinks by the overshoot, grows back under half', () => {
    const { d, clock, starts, ends } = detector(); // target 50 ms
    d.recordIntakeDelay(50); // at the target: not over it
    expect(d.admittedShare).toBe(1);
    expect(d.overloaded).toBe(false);
    d.recordIntakeDelay(100); // one step over: a stall, not yet a standing queue
    expect(d.admittedShare).toBe(1);
    d.recordIntakeDelay(100); // twice the target, twice in a row: half the share
    expect(d.admittedShare).toBe(0.5);
    expect(starts[0]?.reasons).toEqual(['intakeDelay']);
    // Half the new calls, evenly: refused, admitted, refused, admitted.
    expect([d.admitNewCall(), d.admitNewCall(), d.admitNewCall(), d.admitNewCall()]).toEqual([
      false,
      true,
      false,
      true,
    ]);
    d.recordIntakeDelay(55); // just over: x0.9 at most
    expect(d.admittedShare).toBeCloseTo(0.45, 10);
    for (let i = 0; i < 10; i++) d.recordIntakeDelay(400); // x0.5 at least
    expect(d.admittedShare).toBe(1 / 32); // the floor: some calls keep probing the capacity
    const admitted = Array.from({ length: 64 }, () => d.admitNewCall()).filter(Boolean).length;
    expect(admitted).toBe(2);
    d.recordIntakeDelay(30); // between half the target and the target: holds
    expect(d.admittedShare).toBe(1 / 32);
    // Back under half the target: all calls again within ~15 steps; the episode ends after its 1 s.
    let steps = 0;
    while (d.admittedShare < 1) {
      clock.advance(50);
      d.recordIntakeDelay(2);
      steps += 1;
    }
    expect(steps).toBeLessThanOrEqual(16);
    expect(d.admitNewCall()).toBe(true);
    clock.advance(MIN_EPISODE_MS - steps * 50);
    d.recordIntakeDelay(2);
    expect(d.overloaded).toBe(false);
    expect(ends).toEqual([
      {
        episode: expect.objectContaining({
          reasons: ['intakeDelay'],
          refused: 64,
          startedAt: 0,
        }) as OverloadEpisode,
        endedAt: MIN_EPISODE_MS,
      },
    ]);
  });

  it('does not cut admissions for a single stall, however long', () => {
    const { d, starts } = detector();
    for (let i = 0; i < 5; i++) {
      d.recordIntakeDelay(900); // a stalled event loop: its one probe waited
      d.recordIntakeDelay(1); // the queue was empty again at once
    }
    expect(d.admittedShare).toBe(1);
    expect(starts).toEqual([]);
  });

  it('lets an INVITE answering a challenge past the throttle, never past a hard bound', () => {
    const { d, load } = detector();
    for (let i = 0; i < 10; i++) d.recordIntakeDelay(400);
    expect(d.admitNewCall()).toBe(false);
    expect(d.admitNewCall(true)).toBe(true); // its first INVITE was admitted and challenged
    load.calls = 5;
    expect(d.admitNewCall(true)).toBe(false);
  });

  it('keeps an intake-delay episode for at least 1 s (one start and one end log for a short spike)', () => {
    const { d, clock, starts, ends } = detector();
    d.recordIntakeDelay(60);
    d.recordIntakeDelay(60);
    for (let i = 0; i < 5; i++) {
      clock.advance(50);
      d.recordIntakeDelay(0);
    }
    expect(d.admittedShare).toBe(1);
    expect(d.overloaded).toBe(true); // admitting all again, the episode still open
    expect(d.admitNewCall()).toBe(true);
    clock.advance(MIN_EPISODE_MS);
    d.recordIntakeDelay(0);
    expect(d.overloaded).toBe(false);
    expect(starts).toHaveLength(1);
    expect(ends).toHaveLength(1);
  });

  it('names every measure over its bound; 0 leaves a measure unwatched', () => {
    const { d, load, starts } = detector();
    load.calls = 5;
    load.routingBacklog = 10;
    d.recordLoopLag(500);
    d.recordIntakeDelay(400);
    expect(starts[0]?.reasons).toEqual(['routingBacklog', 'loopLag', 'calls']);

    const off = detector({ maxRoutingBacklog: 0, maxLoopLagMs: 0, maxIntakeDelayMs: 0, maxCalls: 0 });
    off.load.calls = 1_000_000;
    off.load.routingBacklog = 1_000_000;
    off.d.recordLoopLag(60_000);
    off.d.recordIntakeDelay(60_000);
    expect(off.d.admitNewCall()).toBe(true);
    expect(off.starts).toEqual([]);
  });
});
