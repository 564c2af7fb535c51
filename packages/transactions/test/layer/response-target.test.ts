import { describe, expect, it } from 'vitest';
import { type ViaInfo, receivedParams, responseTarget } from '../../src/index.js';

const via = (over: Partial<ViaInfo>): ViaInfo => ({
  transport: 'UDP',
  host: '192.0.2.10',
  port: 5070,
  branch: 'z9hG4bKx',
  received: undefined,
  rport: undefined,
  maddr: undefined,
  ...over,
});
const src = { host: '198.51.100.1', port: 40000 };

describe('§18.2.1 / RFC 3581 received and rport stamping', () => {
  it('adds received when sent-by differs from the source address', () => {
    expect(receivedParams(via({}), src)).toEqual({ received: '198.51.100.1', rport: undefined });
  });

  it('adds nothing when sent-by is the source address and no rport was asked', () => {
    expect(receivedParams(via({ host: '198.51.100.1' }), src)).toEqual({
      received: undefined,
      rport: undefined,
    });
  });

  it('fills rport with the source port and always adds received (RFC 3581 §4)', () => {
    expect(receivedParams(via({ host: '198.51.100.1', rport: null }), src)).toEqual({
      received: '198.51.100.1',
      rport: 40000,
    });
  });
});

describe('§18.2.2 response destination', () => {
  it('UDP with rport: the source address and port', () => {
    expect(responseTarget(via({ received: '198.51.100.1', rport: 40000 }), src)).toEqual(src);
  });

  it('UDP with received only: received address, sent-by port', () => {
    expect(responseTarget(via({ received: '198.51.100.1' }), src)).toEqual({
      host: '198.51.100.1',
      port: 5070,
    });
  });

  it('UDP without received: sent-by, default port 5060', () => {
    expect(responseTarget(via({ port: undefined }), src)).toEqual({ host: '192.0.2.10', port: 5060 });
  });

  it('UDP with maddr: the multicast address', () => {
    expect(responseTarget(via({ maddr: '239.255.255.1' }), src)).toEqual({
      host: '239.255.255.1',
      port: 5070,
    });
  });

  it('TCP: received address and sent-by port for a new connection (TLS defaults to 5061)', () => {
    expect(responseTarget(via({ transport: 'TCP', received: '198.51.100.1' }), src)).toEqual({
      host: '198.51.100.1',
      port: 5070,
    });
    expect(responseTarget(via({ transport: 'TLS', port: undefined }), src)).toEqual({
      host: '198.51.100.1',
      port: 5061,
    });
  });
});
