import { FakeClock } from '@switchboard/transactions';
import { NgError, type NgClient, type NgQueryResult } from '@switchboard/rtpengine';
import { describe, expect, it } from 'vitest';
import { isOnHold } from '../src/calls/media/hold-detection.js';
import { MediaWatchdog, pollInterval } from '../src/calls/media/media-watchdog.js';

/** rtpengine's `query` as the watchdog sees it: a packet counter the test moves, or an error. */
function relay() {
  const state: { packets: number; error: NgError | undefined; queries: number } = {
    packets: 0,
    error: undefined,
    queries: 0,
  };
  const client = {
    query: (): Promise<NgQueryResult> => {
      state.queries += 1;
      if (state.error) return Promise.reject(state.error);
      const stream = {
        localPort: 30000,
        endpoint: undefined,
        stats: { packets: state.packets, bytes: 0, errors: 0 },
      };
      return Promise.resolve({
        created: 0,
        totals: { rtp: stream.stats, rtcp: stream.stats },
        tags: new Map([['caller', [{ type: 'audio', streams: [stream] }]]]),
        raw: {},
      });
    },
  } as unknown as NgClient;
  return { state, client };
}

/** Advances the fake clock step by step, letting each query's promise settle in between. */
async function advance(clock: FakeClock, ms: number, step = 250): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    clock.advance(step);
    await new Promise((r) => setImmediate(r));
  }
}

describe('MediaWatchdog (fake clock)', () => {
  const timing = { timeoutMs: 4000, pollMs: 1000 };

  it('ends the call once the packet counters stood still for the timeout, not before', async () => {
    const clock = new FakeClock();
    const { state, client } = relay();
    const ends: string[] = [];
    const dog = new MediaWatchdog(client, clock, 'c1', timing, (cause) => ends.push(cause));
    dog.start();
    for (let i = 0; i < 6; i++) {
      state.packets += 50; // RTP flowing
      await advance(clock, 1000);
    }
    expect(ends).toEqual([]);
    await advance(clock, 3000);
    expect(ends).toEqual([]);
    await advance(clock, 2000);
    expect(ends).toEqual(['media timeout']);
    const queries = state.queries;
    await advance(clock, 5000);
    expect(state.queries).toBe(queries); // no polling after the end
  });

  it('a call on hold (RFC 3264 §8.4) is not timed out; resumed, it is', async () => {
    const clock = new FakeClock();
    const { client } = relay();
    const ends: string[] = [];
    const dog = new MediaWatchdog(client, clock, 'c2', timing, (cause) => ends.push(cause));
    dog.start();
    dog.setHeld(true);
    await advance(clock, 20_000);
    expect(ends).toEqual([]);
    dog.setHeld(false);
    await advance(clock, 6000);
    expect(ends).toEqual(['media timeout']);
  });

  it('rtpengine silent or without the call: the call ends with the cause', async () => {
    for (const [error, cause] of [
      [new NgError('timeout', 'query', 'no answer'), 'media relay not answering'],
      [new NgError('rejected', 'query', 'Unknown call-id'), 'media relay lost the call'],
    ] as const) {
      const clock = new FakeClock();
      const { state, client } = relay();
      const ends: string[] = [];
      new MediaWatchdog(client, clock, 'c3', { timeoutMs: 0, pollMs: 1000 }, (c) => ends.push(c)).start();
      await advance(clock, 3000);
      expect(ends).toEqual([]); // timeout 0: silence alone never ends a call
      state.error = error;
      await advance(clock, 1000);
      expect(ends).toEqual([cause]);
    }
  });

  it('polls a quarter of the timeout, between 0.5 s and 10 s', () => {
    expect(pollInterval(2000)).toBe(500);
    expect(pollInterval(20_000)).toBe(5000);
    expect(pollInterval(600_000)).toBe(10_000);
    expect(pollInterval(0)).toBe(10_000);
  });
});

describe('hold detection', () => {
  const sdp = (...lines: string[]) =>
    ['v=0', 'o=- 1 1 IN IP4 10.0.0.1', 's=-', 'c=IN IP4 10.0.0.1', 't=0 0', ...lines, ''].join('\r\n');
  it('every active stream sendonly, inactive or c=0.0.0.0 is hold; one sendrecv stream is not', () => {
    expect(isOnHold(sdp('m=audio 4000 RTP/AVP 0', 'a=sendonly'))).toBe(true);
    expect(isOnHold(sdp('a=inactive', 'm=audio 4000 RTP/AVP 0'))).toBe(true);
    expect(isOnHold(sdp('m=audio 4000 RTP/AVP 0', 'c=IN IP4 0.0.0.0'))).toBe(true);
    expect(isOnHold(sdp('m=audio 4000 RTP/AVP 0', 'a=sendonly', 'm=video 0 RTP/AVP 96'))).toBe(true);
    expect(isOnHold(sdp('m=audio 4000 RTP/AVP 0', 'a=sendonly', 'm=video 5000 RTP/AVP 96'))).toBe(false);
    expect(isOnHold(sdp('m=audio 4000 RTP/AVP 0'))).toBe(false);
    expect(isOnHold('not sdp')).toBe(false);
  });
});
