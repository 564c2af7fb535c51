import { redisKeys } from '@switchboard/live-state';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  killAllSipp,
  sippCallAnswered,
  seedExtensions,
  startCalls,
  startSipp,
  type CallsHarness,
} from './support/calls-harness.js';

/**
 * Busy lamps (RFC 4235 dialog event package over RFC 6665) through the running B2BUA: a sipp phone
 * (8700) watches extension 8701 while sipp 8702 calls it and a sipp phone bound as 8701 answers.
 * Numbers 87xx are this file's own (Redis keys are not prefixed per test database).
 */
let h: CallsHarness;
vi.setConfig({ testTimeout: 45_000 });

const WATCHER = '8700';
const WATCHED = '8701';
const CALLER = '8702';

function watcherArgs(watched: string): string[] {
  return [
    '-s',
    WATCHER,
    '-au',
    WATCHER,
    '-ap',
    `pw-${WATCHER}`,
    '-key',
    'domain',
    h.domain,
    '-key',
    'watched',
    watched,
  ];
}

/** The dialog-info bodies of the NOTIFYs sipp received, in order (from its message trace). */
function dialogInfoBodies(messages: string): string[] {
  return [...messages.matchAll(/<dialog-info[\s\S]*?<\/dialog-info>/g)].map((m) => m[0]);
}

beforeAll(async () => {
  h = await startCalls({}, seedExtensions([WATCHER, WATCHED, CALLER]));
});

afterAll(async () => {
  killAllSipp();
  await h?.close();
});

describe('dialog event package with sipp (RFC 4235)', () => {
  it('NOTIFYs full state, then trying → early → confirmed → terminated as a call to the extension goes by; presence follows', async () => {
    const account = `sip:${WATCHED}@${h.domain}`;
    const watcher = await startSipp(
      'blf-subscribe-call.xml',
      watcherArgs(WATCHED),
      { host: '127.0.0.1', port: h.port },
      account,
    );
    // Presence (RFC 3856) for the same states, watched by the same extension from another sipp.
    const presence = await startSipp(
      'presence-subscribe-call.xml',
      watcherArgs(WATCHED),
      { host: '127.0.0.1', port: h.port },
      account,
    );
    // The first NOTIFY of each (full state, idle) went out: its CSeq counter is 1.
    await vi.waitFor(
      async () => {
        expect(await h.redis.hvals(redisKeys.dialogNotifySeq(account))).toEqual(['1']);
        expect(await h.redis.hvals(redisKeys.presenceNotifySeq(account))).toEqual(['1']);
      },
      { timeout: 10_000, interval: 50 },
    );

    // sipp 8702 calls 8701; a sipp phone bound as 8701 rings (180), answers, and the caller hangs up.
    await sippCallAnswered(h, { caller: CALLER, dialled: WATCHED, callee: WATCHED });
    const watched = await watcher.done;
    expect(watched.code, watched.output).toBe(0);

    const pidf = await presence.done;
    expect(pidf.code, pidf.output).toBe(0);
    const notes = [...pidf.messages.matchAll(/<note>([^<]+)<\/note>/g)].map((m) => m[1]);
    // One NOTIFY per change, each with the state when sent (a later change may already show).
    expect(notes).toHaveLength(6);
    expect(notes[0]).toBe('Available');
    expect(notes).toContain('On the phone');
    expect(pidf.messages).toContain('<rpid:on-the-phone/>');
    expect(notes.slice(4)).toEqual(['Available', 'Available']);

    const bodies = dialogInfoBodies(watched.messages);
    expect(bodies).toHaveLength(6);
    // §4.1.1: version 0 in the first NOTIFY, one more in each further one; full, then partial.
    bodies.forEach((body, i) => expect(body).toContain(`version="${i}"`));
    expect(bodies[0]).toContain('state="full"');
    expect(bodies[0]).not.toContain('<dialog ');
    expect(bodies[0]).toContain(`entity="${account}"`);
    const states = bodies.slice(1, 5).map((b) => /<state[^>]*>([a-z]+)<\/state>/.exec(b)?.[1]);
    expect(states).toEqual(['trying', 'early', 'confirmed', 'terminated']);
    const ids = new Set(bodies.slice(1, 5).map((b) => /<dialog id="([^"]+)"/.exec(b)?.[1]));
    expect(ids.size).toBe(1);
    for (const b of bodies.slice(1, 5)) {
      expect(b).toContain('state="partial"');
      expect(b).toContain('direction="recipient"');
      expect(b).toMatch(new RegExp(`<identity display="Ext ${CALLER}">sip:${CALLER}@`));
    }
    expect(bodies[3]).toMatch(/<duration>\d+<\/duration>/);
    expect(bodies[4]).toMatch(/<state event="(local|remote)-bye">terminated<\/state>/);
    // The unsubscribe's final NOTIFY: full state, nothing left.
    expect(bodies[5]).toContain('state="full"');
    expect(bodies[5]).not.toContain('<dialog ');
    await vi.waitFor(
      async () => {
        expect(await h.redis.exists(redisKeys.dialogSubscriptions(account))).toBe(0);
        expect(await h.redis.hlen(redisKeys.extensionDialogs(WATCHED))).toBe(0);
      },
      { timeout: 5000, interval: 50 },
    );
  });

  it('answers 489 with Allow-Events to an unknown event package', async () => {
    const run = await (
      await startSipp('blf-subscribe-bad-event.xml', watcherArgs(WATCHED), {
        host: '127.0.0.1',
        port: h.port,
      })
    ).done;
    expect(run.code, run.output).toBe(0);
    expect(run.messages).toMatch(/Allow-Events: message-summary, dialog, presence/);
  });

  it('answers 403 to a watcher whose From is not an extension of this PBX', async () => {
    const run = await (
      await startSipp(
        'blf-subscribe-foreign.xml',
        [...watcherArgs(WATCHED), '-key', 'watcher_domain', 'foreign.example'],
        { host: '127.0.0.1', port: h.port },
        `sip:${WATCHED}@${h.domain}`,
      )
    ).done;
    expect(run.code, run.output).toBe(0);
    expect(await h.redis.exists(redisKeys.dialogSubscriptions(`sip:${WATCHED}@${h.domain}`))).toBe(0);
  });
});
