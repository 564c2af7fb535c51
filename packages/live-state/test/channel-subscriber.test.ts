import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openChannelSubscriber } from '../src/index.js';

/** A redis-server of this test's own on a Unix socket (no port to collide), restartable. */
class SocketRedis {
  private child: ChildProcess | undefined;
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-live-state-redis-'));
  readonly socket = path.join(this.dir, 'redis.sock');

  async up(): Promise<void> {
    const child = spawn('redis-server', ['--port', '0', '--unixsocket', this.socket, '--save', ''], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    this.child = child;
    let log = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        log += chunk.toString('utf8');
        if (/ready to accept connections/i.test(log)) resolve();
      });
      child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${log}`)));
    });
  }

  async down(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  }
}

const server = new SocketRedis();
let publisher: Redis;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};

beforeAll(async () => {
  await server.up();
  publisher = new Redis({ path: server.socket, maxRetriesPerRequest: null });
  publisher.on('error', () => undefined);
  process.on('unhandledRejection', onUnhandled);
});

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  publisher.disconnect();
  await server.down();
  fs.rmSync(server.dir, { recursive: true, force: true });
});

describe('openChannelSubscriber', () => {
  it('hears its channel only, again after Redis restarts', async () => {
    const heard: string[] = [];
    const warnings: string[] = [];
    const base = new Redis({ path: server.socket, lazyConnect: true });
    const sub = await openChannelSubscriber(
      base,
      'sb:test',
      (text) => heard.push(text),
      {
        warn: (_fields, message) => warnings.push(message),
      },
      'test channel',
    );
    try {
      await publisher.publish('sb:other', 'not ours');
      await publisher.publish('sb:test', 'one');
      await vi.waitFor(() => expect(heard).toEqual(['one']), { timeout: 2000 });
      await server.down();
      await server.up();
      await new Promise((resolve) => sub.once('ready', resolve));
      // The resubscription is sent from the ready handler: published to until it is heard.
      await vi.waitFor(
        async () => {
          await publisher.publish('sb:test', 'two');
          expect(heard).toContain('two');
        },
        { timeout: 5000, interval: 50 },
      );
      expect(heard).not.toContain('not ours');
    } finally {
      await sub.quit();
      base.disconnect();
    }
  });

  it('closed while resubscribing after a restart: no unhandled rejection, nothing logged', async () => {
    // ioredis's own resubscription left "Connection is closed." unhandled in most of these rounds.
    const warnings: string[] = [];
    for (let round = 0; round < 12; round += 1) {
      const sub = await openChannelSubscriber(
        server.socket,
        'sb:test',
        () => undefined,
        {
          warn: (_fields, message) => warnings.push(message),
        },
        'test channel',
      );
      await server.down();
      const reconnected = new Promise((resolve) => sub.once('connect', resolve));
      await server.up();
      await reconnected;
      // Quit at 0–2 ms into the ready check, where the resubscription is outstanding.
      await new Promise((resolve) => setTimeout(resolve, round % 3));
      const ended = new Promise((resolve) =>
        sub.status === 'end' ? resolve(undefined) : sub.once('end', resolve),
      );
      await sub.quit().catch(() => undefined);
      await ended;
    }
    await new Promise((resolve) => setImmediate(resolve));
    expect(unhandled).toEqual([]);
    expect(warnings.filter((w) => w.includes('not subscribed again'))).toEqual([]);
  });
});
