import { FakeClock } from '@switchboard/transactions';
import { describe, expect, it } from 'vitest';
import {
  SessionTimer,
  answerSessionRefresh,
  expiryMarginMs,
  sessionRefreshHeaders,
  sessionTimerFromAnswer,
  settingsAfter422,
} from '../../src/index.js';

const SETTINGS = { expires: 1800, minSE: 90 };

function timer(settings = SETTINGS) {
  const clock = new FakeClock();
  const events: string[] = [];
  const t = new SessionTimer(clock, settings, {
    refresh: () => events.push(`refresh@${clock.now()}`),
    expired: () => events.push(`expired@${clock.now()}`),
  });
  return { clock, events, t };
}

describe('RFC 4028 negotiation (§7, §9)', () => {
  it('answers 422 with our Min-SE when Session-Expires is below it (§9)', () => {
    const d = answerSessionRefresh({ sessionExpires: { seconds: 60 }, supportsTimer: true }, SETTINGS);
    expect(d).toEqual({ kind: 'reject', minSE: 90 });
    const higher = answerSessionRefresh(
      { sessionExpires: { seconds: 60 }, minSE: 120, supportsTimer: true },
      SETTINGS,
    );
    expect(higher).toEqual({ kind: 'reject', minSE: 120 });
  });

  it('copies the requested refresher, reduces a long interval to ours, never below the request Min-SE', () => {
    const d = answerSessionRefresh(
      { sessionExpires: { seconds: 3600, refresher: 'uas' }, minSE: 2000, supportsTimer: true },
      SETTINGS,
    );
    expect(d).toEqual({
      kind: 'accept',
      interval: 2000,
      refresher: 'local',
      headers: [
        { name: 'Session-Expires', value: '2000;refresher=uas' },
        { name: 'Require', value: 'timer' },
        { name: 'Supported', value: 'timer' },
      ],
    });
    const shorter = answerSessionRefresh({ sessionExpires: { seconds: 600 }, supportsTimer: true }, SETTINGS);
    expect(shorter).toMatchObject({ kind: 'accept', interval: 600, refresher: 'remote' });
  });

  it('lets a UAC that supports timers refresh (refresher=uac, Require: timer); refreshes itself for one that does not (§3, §9 table)', () => {
    expect(answerSessionRefresh({ supportsTimer: true }, SETTINGS)).toMatchObject({
      interval: 1800,
      refresher: 'remote',
      headers: [
        { name: 'Session-Expires', value: '1800;refresher=uac' },
        { name: 'Require' },
        { name: 'Supported' },
      ],
    });
    // A Session-Expires inserted by a proxy for a UAC without the extension: the UAS refreshes, no Require.
    const proxied = answerSessionRefresh(
      { sessionExpires: { seconds: 900 }, supportsTimer: false },
      SETTINGS,
    );
    expect(proxied).toEqual({
      kind: 'accept',
      interval: 900,
      refresher: 'local',
      headers: [
        { name: 'Session-Expires', value: '900;refresher=uas' },
        { name: 'Supported', value: 'timer' },
      ],
    });
    expect(answerSessionRefresh({ supportsTimer: false }, SETTINGS)).toMatchObject({ refresher: 'local' });
  });

  it('builds request headers and reads the 2xx (§7.1, §7.2, §7.4)', () => {
    expect(sessionRefreshHeaders(1800, 90)).toEqual([
      { name: 'Supported', value: 'timer' },
      { name: 'Session-Expires', value: '1800' },
      { name: 'Min-SE', value: '90' },
    ]);
    expect(sessionRefreshHeaders(900, 90, 'local')[1]?.value).toBe('900;refresher=uac');
    expect(sessionRefreshHeaders(900, 90, 'remote')[1]?.value).toBe('900;refresher=uas');
    const ans = (refresher?: 'uac' | 'uas') => ({
      sessionExpires: { seconds: 600, refresher },
      supportsTimer: true,
    });
    expect(sessionTimerFromAnswer(ans('uac'), 1800)).toEqual({ interval: 600, refresher: 'local' });
    expect(sessionTimerFromAnswer(ans('uas'), 1800)).toEqual({ interval: 600, refresher: 'remote' });
    expect(sessionTimerFromAnswer(ans(), 1800)).toEqual({ interval: 600, refresher: 'local' });
    expect(sessionTimerFromAnswer({ supportsTimer: false }, 1800)).toEqual({
      interval: 1800,
      refresher: 'local',
    });
  });

  it('raises the interval and Min-SE to a 422 Min-SE, and never retries on a 422 that asks for nothing more (§7.3)', () => {
    expect(settingsAfter422(SETTINGS, 3600)).toEqual({ expires: 3600, minSE: 3600 });
    expect(settingsAfter422(SETTINGS, 1800)).toBeUndefined();
    expect(settingsAfter422(SETTINGS, undefined)).toBeUndefined();
  });

  it('ends the non-refreshing side min(32 s, interval/3) before expiry (§10)', () => {
    expect(expiryMarginMs(1800)).toBe(32_000);
    expect(expiryMarginMs(90)).toBe(30_000);
    expect(expiryMarginMs(6)).toBe(2000);
  });
});

describe('SessionTimer on the injected clock', () => {
  it('refreshes at half the interval when we refresh, re-armed by each success', () => {
    const { clock, events, t } = timer();
    t.refreshed(1800, 'local');
    clock.advance(899_999);
    expect(events).toEqual([]);
    clock.advance(1);
    expect(events).toEqual(['refresh@900000']);
    expect(t.state).toBe('refreshing');
    clock.advance(500);
    t.answered({ sessionExpires: { seconds: 1800, refresher: 'uac' }, supportsTimer: true });
    expect(t.state).toBe('waiting');
    clock.advance(900_000);
    expect(events).toEqual(['refresh@900000', 'refresh@1800500']);
    expect(t.requestHeaders()[1]).toEqual({ name: 'Session-Expires', value: '1800;refresher=uac' });
  });

  it('expires at the full interval when our refreshes get no answer', () => {
    const { clock, events, t } = timer();
    t.refreshed(120, 'local');
    clock.advance(120_000);
    expect(events).toEqual(['refresh@60000', 'expired@120000']);
    expect(t.state).toBe('ended');
    expect(clock.pending()).toBe(0);
  });

  it('gives up min(32 s, interval/3) before expiry when the peer refreshes and never does (§10)', () => {
    const { clock, events, t } = timer();
    t.refreshed(90, 'remote');
    clock.advance(59_999);
    expect(events).toEqual([]);
    clock.advance(1);
    expect(events).toEqual(['expired@60000']);
    expect(t.state).toBe('ended');
  });

  it('a refresh from the peer re-arms the expiry', () => {
    const { clock, events, t } = timer();
    t.refreshed(1800, 'remote');
    clock.advance(900_000);
    t.refreshed(1800, 'remote'); // the peer's re-INVITE/UPDATE was answered 2xx
    clock.advance(1_767_999);
    expect(events).toEqual([]);
    clock.advance(1);
    expect(events).toEqual(['expired@2668000']);
  });

  it('retries a refresh halfway to the expiry after a non-fatal failure, and stops when too close', () => {
    const { clock, events, t } = timer();
    t.refreshed(120, 'local');
    clock.advance(60_000); // refresh due, sent; answered e.g. 500
    t.retryLater(); // 60 s left → again in 30 s
    clock.advance(30_000);
    expect(events).toEqual(['refresh@60000', 'refresh@90000']);
    t.retryLater();
    clock.advance(15_000);
    t.retryLater();
    clock.advance(7500);
    t.retryLater();
    clock.advance(7500);
    expect(events.at(-1)).toBe('expired@120000');
    expect(events.filter((e) => e.startsWith('refresh')).length).toBeLessThanOrEqual(6);
  });

  it('after a 422 asks again with the larger interval, at most twice in a row (§7.3)', () => {
    const { t } = timer({ expires: 90, minSE: 90 });
    t.refreshed(90, 'local');
    expect(t.tooSmall(300)).toBe(true);
    expect(t.requestHeaders()).toEqual([
      { name: 'Supported', value: 'timer' },
      { name: 'Session-Expires', value: '300;refresher=uac' },
      { name: 'Min-SE', value: '300' },
    ]);
    expect(t.tooSmall(300)).toBe(false); // nothing larger asked
    expect(t.tooSmall(600)).toBe(true);
    expect(t.tooSmall(1200)).toBe(false); // third 422 in a row
    t.answered({ sessionExpires: { seconds: 600, refresher: 'uac' }, supportsTimer: true });
    expect(t.interval).toBe(600);
    expect(t.settings).toEqual({ expires: 600, minSE: 600 });
  });

  it('stop and failed cancel every timer', () => {
    const { clock, events, t } = timer();
    t.refreshed(90, 'local');
    t.failed();
    clock.advance(200_000);
    expect(events).toEqual([]);
    expect(clock.pending()).toBe(0);
    t.refreshed(90, 'local'); // an ended timer stays ended
    expect(clock.pending()).toBe(0);
  });
});
