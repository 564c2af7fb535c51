import { EventEmitter } from 'node:events';
import net from 'node:net';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { logConnectionErrors } from '../src/index.js';

function recorder(): { warn: (fields: object, message: string) => void; lines: [object, string][] } {
  const lines: [object, string][] = [];
  return { warn: (fields, message) => lines.push([fields, message]), lines };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('logConnectionErrors', () => {
  it('logs the first error at once, then one line per interval with the number left out', () => {
    const source = new EventEmitter();
    const log = recorder();
    let now = 0;
    logConnectionErrors(source, log, 'routing replies', { intervalMs: 10_000, now: () => now });
    const refused = new Error('connect ECONNREFUSED 127.0.0.1:6379');
    for (now = 0; now < 25_000; now += 500) source.emit('error', refused);
    const message = 'Redis connection error (routing replies): connect ECONNREFUSED 127.0.0.1:6379';
    expect(log.lines).toEqual([
      [{ err: refused, connection: 'routing replies' }, message],
      [{ err: refused, connection: 'routing replies', leftOut: 19 }, message],
      [{ err: refused, connection: 'routing replies', leftOut: 19 }, message],
    ]);
  });

  it('a real ioredis connection to a closed port: logged, no "Unhandled error event"', async () => {
    // A port nobody listens on: bound for a moment, then closed.
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const printed = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const log = recorder();
    const redis = new Redis({ host: '127.0.0.1', port, retryStrategy: () => 20, lazyConnect: true });
    logConnectionErrors(redis, log, 'test');
    redis.connect().catch(() => undefined);
    try {
      await vi.waitFor(() => expect(log.lines.length).toBe(1), { timeout: 5000 });
      // Several reconnect attempts later: still the one line (the interval is 10 s), nothing printed.
      const attempts = new Promise((resolve) =>
        redis.once('reconnecting', () => redis.once('error', resolve)),
      );
      await attempts;
      expect(log.lines).toHaveLength(1);
      expect(String((log.lines[0]?.[0] as { err: Error }).err.message)).toContain('ECONNREFUSED');
      expect(printed.mock.calls.flat().join(' ')).not.toContain('Unhandled error event');
    } finally {
      redis.disconnect();
    }
  });
});
