import type { Endpoint, InboundPacket, PacketHandler, Transport } from '@switchboard/transactions';
import { describe, expect, it } from 'vitest';
import type { TracePacket } from '../src/calls/trace/call-trace-recorder.js';
import { TracingTransport } from '../src/calls/trace/tracing-transport.js';

/** An inner transport whose bound address the test sets (a re-listen binds a new one). */
function fakeInner(): {
  transport: Transport;
  bind: (e: Endpoint) => void;
  deliver: (p: Partial<InboundPacket>) => void;
} {
  let bound: Endpoint = { host: '0.0.0.0', port: 5060 };
  const handlers: PacketHandler[] = [];
  const transport = {
    protocol: 'UDP',
    reliable: false,
    address: () => bound,
    send: () => Promise.resolve(),
    onPacket: (h: PacketHandler) => handlers.push(h),
  } as unknown as Transport;
  return {
    transport,
    bind: (e) => (bound = e),
    deliver: (p) => {
      for (const h of handlers)
        h({
          data: Buffer.from('x'),
          source: { host: '192.0.2.7', port: 5062 },
          flowId: undefined,
          transport,
          ...p,
        });
    },
  };
}

describe('TracingTransport', () => {
  it('shows the bound address (the public one for a wildcard) on every message, and follows a new binding', async () => {
    const inner = fakeInner();
    const seen: TracePacket[] = [];
    const traced = new TracingTransport(
      inner.transport,
      (p) => seen.push(p),
      (host) => (host === '0.0.0.0' ? '198.51.100.1' : host),
      (err) => {
        throw err;
      },
    );
    const answeredOn: Transport[] = [];
    traced.onPacket((p) => answeredOn.push(p.transport));
    inner.deliver({});
    await traced.send({ host: '192.0.2.8', port: 5070 }, Buffer.from('y'));
    inner.bind({ host: '192.0.2.1', port: 5080 });
    inner.deliver({});
    expect(seen.map((p) => [p.dir, p.proto, p.local, p.remote])).toEqual([
      ['in', 'UDP', { host: '198.51.100.1', port: 5060 }, { host: '192.0.2.7', port: 5062 }],
      ['out', 'UDP', { host: '198.51.100.1', port: 5060 }, { host: '192.0.2.8', port: 5070 }],
      ['in', 'UDP', { host: '192.0.2.1', port: 5080 }, { host: '192.0.2.7', port: 5062 }],
    ]);
    // Answers go out through the tracing transport, so they are traced too.
    expect(answeredOn).toEqual([traced, traced]);
  });

  it('a failing sink is reported and the message still goes through', () => {
    const inner = fakeInner();
    const errors: unknown[] = [];
    const traced = new TracingTransport(
      inner.transport,
      () => {
        throw new Error('sink failed');
      },
      (host) => host,
      (err) => errors.push(err),
    );
    let delivered = 0;
    traced.onPacket(() => (delivered += 1));
    inner.deliver({});
    expect(delivered).toBe(1);
    expect(errors).toHaveLength(1);
  });
});
