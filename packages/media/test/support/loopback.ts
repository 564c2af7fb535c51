import { createSocket, type Socket } from 'node:dgram';
import type { EventEmitter } from 'node:events';
import { RtpPortAllocator } from '../../src/net/rtp-port-allocator.js';

/** A port range of 200 pairs at a random even base, so parallel test runs rarely collide. */
export function testAllocator(): RtpPortAllocator {
  const base = 30000 + 2 * Math.floor(Math.random() * 10000);
  return new RtpPortAllocator({ min: base, max: base + 399 });
}

/** Resolves after `count` emissions of `event` (with their arguments). */
export function collect<T extends unknown[]>(
  emitter: EventEmitter,
  event: string,
  count: number,
): Promise<T[]> {
  return new Promise((resolve) => {
    const got: T[] = [];
    if (count <= 0) {
      resolve(got);
      return;
    }
    const on = (...args: unknown[]): void => {
      got.push(args as T);
      if (got.length >= count) {
        emitter.off(event, on);
        resolve(got);
      }
    };
    emitter.on(event, on);
  });
}

/** A bare UDP socket on 127.0.0.1 for hand-made packets. */
export async function rawSocket(): Promise<
  Socket & { sendTo(buf: Uint8Array, port: number): Promise<void> }
> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', () => resolve()));
  return Object.assign(s, {
    sendTo: (buf: Uint8Array, port: number) =>
      new Promise<void>((resolve, reject) =>
        s.send(buf, port, '127.0.0.1', (err) => (err ? reject(err) : resolve())),
      ),
  });
}
