import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { redisKeys } from '@switchboard/live-state';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MwiNotifierService } from '../src/mwi/mwi-notifier.service.js';
import { BARESIP, requireBaresip } from './support/baresip.js';
import { freeSipPort, startSignalling, type SignallingHarness } from './support/sip-test-kit.js';

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  ms = 15_000,
): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A headless baresip 1.0 with its `mwi` module: it SUBSCRIBEs to message-summary once registered. */
function startMwiPhone(o: {
  user: string;
  password: string;
  domain: string;
  port: number;
  listenPort: number;
}) {
  requireBaresip();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-mwi-baresip-'));
  fs.writeFileSync(
    path.join(dir, 'config'),
    [
      'poll_method epoll',
      `sip_listen 127.0.0.1:${o.listenPort}`,
      'audio_alert aufile,/dev/null',
      'module_path /usr/lib/baresip/modules',
      'module g711.so',
      'module_app account.so',
      'module_app menu.so',
      'module_app mwi.so',
      '',
    ].join('\n'),
  );
  const account = `<sip:${o.user}@${o.domain}>;auth_pass=${o.password};outbound="sip:127.0.0.1:${o.port}";regint=600`;
  fs.writeFileSync(path.join(dir, 'accounts'), `${account}\n`);
  fs.writeFileSync(path.join(dir, 'contacts'), '');
  const child = spawn(BARESIP, ['-f', dir, '-s', '-t', '25'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
  const guard = setTimeout(() => child.kill('SIGKILL'), 35_000);
  const done = new Promise<void>((resolve) =>
    child.on('exit', () => {
      clearTimeout(guard);
      fs.rmSync(dir, { recursive: true, force: true });
      resolve();
    }),
  );
  return { output: () => output, stop: async () => (child.kill('SIGTERM'), await done) };
}

describe('MWI with a real phone (baresip 1.0 mwi module)', () => {
  let h: SignallingHarness;

  beforeAll(async () => {
    // baresip 1.0 (libre) aborts when any challenge offers SHA-256: MD5 only, as in calls-baresip.test.ts.
    h = await startSignalling({ SWITCHBOARD_SIP_DIGEST_ALGORITHMS: 'MD5' });
    await h.addExtension('301', 'pw-301');
    const ext = await h.prisma.extension.findUniqueOrThrow({ where: { number: '301' } });
    await h.prisma.voicemailBox.create({ data: { extensionId: ext.id } });
  });

  afterAll(async () => {
    await h?.close();
  });

  it('baresip subscribes after registering, and answers the NOTIFYs of a new message with 200', async () => {
    const listenPort = await freeSipPort();
    const phone = startMwiPhone({
      user: '301',
      password: 'pw-301',
      domain: h.domain,
      port: h.port,
      listenPort,
    });
    const account = `sip:301@${h.domain}`;
    try {
      const raw = await waitFor('baresip subscription in Redis', async () => {
        const all = Object.values(await h.redis.hgetall(redisKeys.mwiSubscriptions(account)));
        return all[0];
      });
      const sub = JSON.parse(raw) as { destination: { port: number }; extension: string };
      expect(sub.extension).toBe('301');
      expect(sub.destination.port).toBe(listenPort);

      const box = await h.prisma.voicemailBox.findFirstOrThrow({ where: { extension: { number: '301' } } });
      await h.prisma.voicemailMessage.create({
        data: {
          boxId: box.id,
          callerNumber: '201',
          durationSeconds: 3,
          wavPath: 'x.wav',
          idempotencyKey: 'bs-1',
        },
      });
      const report = await h.app.get(MwiNotifierService).notifyMailbox('301');
      expect(report.counts).toEqual({ newMessages: 1, oldMessages: 0 });
      expect(
        report.subscriptions.map((s) => s.outcome),
        phone.output(),
      ).toEqual([200]);
    } finally {
      await phone.stop();
    }
  });
});
