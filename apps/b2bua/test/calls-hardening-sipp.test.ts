import { redisKeys } from '@switchboard/live-state';
import { describe, expect, it, vi } from 'vitest';
import { CallControlService } from '../src/calls/call-control.service.js';
import { liveProcessCount } from '@switchboard/live-state';
import { callSuite, expectPassed } from './support/call-runner.js';
import { startCalls, startSipp } from './support/calls-harness.js';
import { expectForkedEarlyMedia } from './support/forked-early-media.js';

/**
 * Issue #16, call control, through the real signalling role and a routing worker with sipp peers
 * (one harness for every item; each describe names its item).
 */
const suite = callSuite();

/**
 * Item 6: a branch whose transport has no listener here (this signalling role runs UDP only)
 * fails with 503 like an unreachable branch, so the plan ends as unavailable (480 to the caller);
 * it never throws inside the call's promise chain (an unhandled rejection fails the test run),
 * and the process keeps serving calls.
 */
describe('targets over a transport without listener (sipp)', () => {
  it('a stale TLS binding of the callee: the branch fails 503, the caller gets 480, no live call', async () => {
    const { h, run } = suite;
    const aor = `sip:201@${h.domain}`;
    const contact = 'sip:201@127.0.0.1:5999;transport=tls';
    await h.redis.hset(
      redisKeys.registration(aor),
      contact,
      JSON.stringify({
        aor,
        contact,
        expiresAt: Date.now() + 600_000,
        q: 1,
        sourceAddress: '127.0.0.1:5999',
        transport: 'TLS',
      }),
    );
    const r = await run.call('201', 'call-uac-unavailable.xml');
    expectPassed(r.caller);
    const rec = await run.onlyRecord();
    expect(rec).toMatchObject({ disposition: 'no_answer', legs: [{ status: 503, answered: false }] });
    await run.expectNoLiveCalls();
  });

  it('a plan URI target with transport=tls: branch 503, caller 480, and the next call still works', async () => {
    const { run } = suite;
    const r = await run.call('7003', 'call-uac-unavailable.xml');
    expectPassed(r.caller);
    expect(await run.onlyRecord()).toMatchObject({ calleeNumber: '7003', legs: [{ status: 503 }] });
    run.reset();
    const next = await run.call('201', 'call-uac-basic.xml', ['call-uas-answer.xml']);
    expectPassed(next.caller);
    next.callees.forEach(expectPassed);
  });
});

/**
 * Item 8: the caller hangs up with BYE on its early dialog (RFC 3261 §15): 200 to the BYE, 487 to
 * the still pending INVITE (§15.1.2), and the ringing callee gets CANCEL (call-uas-ring.xml waits
 * for it).
 */
describe('BYE from the caller on an early dialog (sipp)', () => {
  it('200 to the BYE, 487 to the INVITE, the callee is cancelled; record cancelled by the caller', async () => {
    const r = await suite.run.call('201', 'call-uac-bye-early.xml', ['call-uas-ring.xml']);
    expectPassed(r.caller);
    r.callees.forEach(expectPassed);
    const rec = await suite.run.onlyRecord();
    expect(rec).toMatchObject({ disposition: 'cancelled', hangupSide: 'caller', hangupCause: 'BYE' });
    expect(rec.answeredAt).toBeNull();
    await suite.run.expectNoLiveCalls();
  });
});

/**
 * Item 10: early media from two forks. Each branch's 183 reaches the caller on an early dialog of
 * its own (own To-tag, own SDP), and the 200 carries the tag of the answering branch's early
 * dialog (RFC 3264 §8, RFC 6337 §3.1/§5, RFC 3261 §13.2.2.4). Media mode `direct`: the caller sees
 * the phones' own ports; the relay variant is in calls-media-relay-sipp.test.ts.
 */
describe('early media from several forks (sipp, media direct)', () => {
  it("two 183s with two To-tags and each branch's SDP; the 200 on the answering branch's early dialog", async () => {
    const { early, ok, answeringPort, otherPort } = await expectForkedEarlyMedia(suite.run);
    expect(early.map((m) => m.audioPort).sort()).toEqual([answeringPort, otherPort].sort());
    expect(ok.audioPort).toBe(answeringPort);
  });
});

/**
 * Item 14 (runs last: it stops the suite's routing worker): the worker's heartbeat is in Redis
 * while it runs; once it stopped, a call gets the routing fallback (here the default 503) at once
 * instead of 100 Trying for the whole routing timeout (4 s in this suite).
 */
describe('no routing worker alive (sipp)', () => {
  it('the worker heartbeat is live, then gone on stop; the next call gets 503 at once', async () => {
    const { h, run } = suite;
    expect(await liveProcessCount(h.redis, h.config.queuePrefix, 'worker')).toBe(1);
    await h.worker.close();
    expect(await liveProcessCount(h.redis, h.config.queuePrefix, 'worker')).toBe(0);
    const started = Date.now();
    const r = await run.call('201', 'call-uac-503.xml');
    expectPassed(r.caller);
    // sipp's own start-up and the 407 round trip included; the routing timeout is 4 s. (The call
    // record waits in its queue for a worker: records are written by the worker role.)
    expect(Date.now() - started).toBeLessThan(2500);
    await run.expectNoLiveCalls();
  });
});

/**
 * Item 16: stopping the signalling role with a call up sends BYE on both legs and waits (bounded)
 * for their 200s before the transports close; both sipp peers wait for that BYE and answer it.
 * Its own harness, since it stops the signalling role.
 */
describe('shutdown with a live call (sipp)', () => {
  it('BYE on both legs, both answered before the listeners close', async () => {
    const h = await startCalls({}, async (s) => {
      await s.addExtension('100', 'pw-100');
      await s.addExtension('201', 'pw-201');
    });
    try {
      const callee = await startSipp('call-uas-answer.xml', []);
      await h.bind('201', callee.port);
      const caller = await startSipp(
        'call-uac-callee-hangup.xml',
        ['-s', '201', '-au', '100', '-ap', 'pw-100', '-key', 'domain', h.domain, '-key', 'caller', '100'],
        { host: '127.0.0.1', port: h.port },
        `sip:201@${h.domain}`,
      );
      await vi.waitFor(
        async () => {
          const [id] = await h.redis.zrange(redisKeys.calls, 0, 0);
          expect(id && (await h.redis.hget(redisKeys.call(id), 'state'))).toBe('bridged');
        },
        { timeout: 10_000, interval: 50 },
      );
      const control = h.app.get(CallControlService);
      await h.app.close();
      expect(control.lastShutdown).toEqual({ calls: 1, byes: 2, unanswered: 0 });
      expectPassed(await caller.done);
      expectPassed(await callee.done);
    } finally {
      await h.close(); // the worker, the connections and the database (the signalling role is stopped)
    }
  });
});
