import { describe, expect, it } from 'vitest';
import {
  type MessageInfo,
  cancelTargetKey,
  clientKeyOf,
  clientKey,
  mergeKey,
  rfc2543AckMatches,
  serverKey,
} from '../../src/index.js';

function info(over: Partial<MessageInfo> & { branch?: string; host?: string; port?: number }): MessageInfo {
  const { branch, host, port, ...rest } = over;
  return {
    isRequest: true,
    method: 'INVITE',
    status: undefined,
    requestUri: 'sip:bob@example.com',
    callId: 'call-1',
    cseqNumber: 1,
    cseqMethod: 'INVITE',
    fromTag: 'ft',
    toTag: undefined,
    via: {
      transport: 'UDP',
      host: host ?? 'pc33.example.com',
      port: port ?? 5060,
      branch: branch ?? 'z9hG4bK776asdhds',
      received: undefined,
      rport: undefined,
      maddr: undefined,
    },
    viaRaw: `SIP/2.0/UDP ${host ?? 'pc33.example.com'}:${port ?? 5060};branch=${branch ?? 'z9hG4bK776asdhds'}`,
    ...rest,
  };
}

describe('§17.1.3 client matching', () => {
  it('keys responses on branch and CSeq method, so a CANCEL response never hits the INVITE', () => {
    const ok = info({ isRequest: false, method: undefined, status: 200 });
    expect(clientKeyOf(ok)).toBe(clientKey('z9hG4bK776asdhds', 'INVITE'));
    expect(clientKeyOf({ ...ok, cseqMethod: 'CANCEL' })).not.toBe(clientKey('z9hG4bK776asdhds', 'INVITE'));
  });
});

describe('§17.2.3 server matching', () => {
  it('matches an ACK to its INVITE by magic-cookie branch and sent-by', () => {
    const invite = info({});
    const ack = info({ method: 'ACK', cseqMethod: 'ACK', toTag: 'tt' });
    expect(serverKey(ack)).toBe(serverKey(invite));
  });

  it('separates requests with the same branch from different sent-by', () => {
    expect(serverKey(info({ host: 'a.example.com' }))).not.toBe(serverKey(info({ host: 'b.example.com' })));
    expect(serverKey(info({ port: 5062 }))).not.toBe(serverKey(info({})));
  });

  it('separates methods under the same branch (except ACK)', () => {
    expect(serverKey(info({ method: 'CANCEL', cseqMethod: 'CANCEL' }))).not.toBe(serverKey(info({})));
  });

  it('uses the RFC 2543 fallback without the magic cookie', () => {
    const old = info({ branch: '1234' });
    expect(serverKey(old)).toBe(serverKey(info({ branch: '1234' })));
    expect(serverKey(old)).not.toBe(serverKey({ ...old, callId: 'other' }));
    expect(serverKey(old)).not.toBe(serverKey({ ...old, cseqNumber: 2 }));
    expect(serverKey(old)).not.toBe(serverKey({ ...old, requestUri: 'sip:carol@example.com' }));
    const ack = { ...old, method: 'ACK', cseqMethod: 'ACK', toTag: 'srv' };
    expect(serverKey(ack)).toBe(serverKey(old));
    expect(rfc2543AckMatches(ack, 'srv')).toBe(true);
    expect(rfc2543AckMatches(ack, 'different')).toBe(false);
  });
});

describe('§9.2 CANCEL matching', () => {
  it('finds the INVITE transaction with the same branch and sent-by', () => {
    const cancel = info({ method: 'CANCEL', cseqMethod: 'CANCEL' });
    expect(cancelTargetKey(cancel)).toBe(serverKey(info({})));
    expect(cancelTargetKey(info({ method: 'CANCEL', branch: 'z9hG4bKother' }))).not.toBe(serverKey(info({})));
  });
});

describe('§8.2.2.2 merged requests', () => {
  it('keys out-of-dialog requests on From tag, Call-ID and CSeq', () => {
    const a = info({ branch: 'z9hG4bK-a' });
    const b = info({ branch: 'z9hG4bK-b' });
    expect(mergeKey(a)).toBe(mergeKey(b));
    expect(serverKey(a)).not.toBe(serverKey(b));
  });

  it('ignores in-dialog requests and ACKs', () => {
    expect(mergeKey(info({ toTag: 'x' }))).toBeUndefined();
    expect(mergeKey(info({ method: 'ACK' }))).toBeUndefined();
  });
});
