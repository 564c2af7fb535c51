import { redisKeys } from '@switchboard/live-state';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MESSAGE_WAITING_NOTIFIER,
  type MessageWaitingNotifier,
} from '../src/voicemail/message-waiting-notifier.js';
import { killAllSipp, startCalls, startSipp, type CallsHarness } from './support/calls-harness.js';

/** Polls `probe` until it returns true; fails with `what` after the deadline (CI machines are loaded). */
async function waitFor(what: string, probe: () => Promise<boolean>, deadlineMs = 10_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    if (await probe()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('message-waiting with sipp (RFC 3842): subscribe, NOTIFY no, message stored, NOTIFY yes 1/0', () => {
  let h: CallsHarness;

  beforeAll(async () => {
    // The signalling role and a worker role in this process; sipp answers only MD5 challenges (startCalls
    // offers MD5 first).
    h = await startCalls();
    await h.addExtension('201', 'pw-201');
    const ext = await h.prisma.extension.findUniqueOrThrow({ where: { number: '201' } });
    await h.prisma.voicemailBox.create({ data: { extensionId: ext.id } });
  });

  afterAll(async () => {
    killAllSipp();
    await h?.close();
  });

  it('notifies the subscriber of a new message pushed by another process, then ends on unsubscribe', async () => {
    const account = `sip:201@${h.domain}`;
    const sipp = await startSipp(
      'mwi-subscribe.xml',
      ['-s', '201', '-au', '201', '-ap', 'pw-201', '-key', 'domain', h.domain],
      { host: '127.0.0.1', port: h.port },
      account,
    );
    await waitFor(
      'the subscription in Redis',
      async () => (await h.redis.hlen(redisKeys.mwiSubscriptions(account))) === 1,
    );
    const [raw] = Object.values(await h.redis.hgetall(redisKeys.mwiSubscriptions(account)));
    const stored = JSON.parse(raw ?? '{}') as {
      extension: string;
      destination: { port: number };
      expiresAt: number;
    };
    expect(stored.extension).toBe('201');
    expect(stored.destination.port).toBe(sipp.port);
    expect(stored.expiresAt - Date.now()).toBeGreaterThan(590_000);

    // What the voicemail worker does after storing the row: the worker role's notifier (no SIP stack there)
    // hands the change to the signalling role through Redis.
    const box = await h.prisma.voicemailBox.findFirstOrThrow({ where: { extension: { number: '201' } } });
    await h.prisma.voicemailMessage.create({
      data: {
        boxId: box.id,
        callerNumber: '301',
        durationSeconds: 7,
        wavPath: 'vm/x.wav',
        idempotencyKey: 'mwi-1',
      },
    });
    await h.worker.get<MessageWaitingNotifier>(MESSAGE_WAITING_NOTIFIER).mailboxChanged('201');

    const result = await sipp.done;
    expect(result.code, result.output).toBe(0);
    // The unsubscribe removed the subscription (and its NOTIFY CSeq counter) once the final NOTIFY was answered.
    await waitFor(
      'the subscription to be removed',
      async () =>
        (await h.redis.exists(redisKeys.mwiSubscriptions(account), redisKeys.mwiNotifySeq(account))) === 0,
    );
  });
});
