import { createRequest, type SipMessage, type SipRequest } from '@switchboard/sip';
import { FakeClock, type ClientTransaction, type ClientTransactionHandlers } from '@switchboard/transactions';
import { describe, expect, it } from 'vitest';
import type { CallSipPort } from '../src/calls/call-sip-port.js';
import { OutstandingByes } from '../src/calls/outstanding-byes.js';

/** A port that keeps the handlers of every request it "sends". */
function scriptedPort(clock: FakeClock) {
  const sent: Array<{ method: string; handlers: ClientTransactionHandlers<SipMessage> }> = [];
  const port: CallSipPort = {
    clock,
    sendRequest: (request, _target, handlers = {}) => {
      sent.push({ method: request.method, handlers });
      return {} as ClientTransaction<SipMessage>;
    },
    sendAck: () => Promise.resolve(),
    localUri: () => 'sip:127.0.0.1:5060',
    resolve: () => Promise.resolve([]),
  };
  return { port, sent };
}

const request = (method: string): SipRequest =>
  createRequest({
    method,
    uri: 'sip:201@127.0.0.1:5070',
    headers: {
      'Max-Forwards': 70,
      From: '<sip:b2bua@127.0.0.1>;tag=a',
      To: '<sip:201@127.0.0.1>;tag=b',
      'Call-ID': 'c1',
      CSeq: `2 ${method}`,
    },
  });

const target = { host: '127.0.0.1', port: 5070, protocol: 'UDP' as const };

describe('OutstandingByes (shutdown waits for BYE answers, issue #16 item 16)', () => {
  it('counts BYEs until a final response or timeout; other methods pass untracked', async () => {
    const clock = new FakeClock();
    const { port, sent } = scriptedPort(clock);
    const byes = new OutstandingByes();
    const tracked = byes.track(port);
    const statuses: number[] = [];
    tracked.sendRequest(request('BYE'), target, { onResponse: (_r, s) => statuses.push(s) });
    tracked.sendRequest(request('BYE'), target, {});
    tracked.sendRequest(request('INFO'), target, {});
    expect(byes.count).toBe(2);
    let drained: boolean | undefined;
    void byes.drained(port, 3000).then((d) => (drained = d));
    sent[0]?.handlers.onResponse?.({} as SipMessage, 100);
    expect(byes.count).toBe(2); // a provisional answer is no outcome
    sent[0]?.handlers.onResponse?.({} as SipMessage, 200);
    sent[1]?.handlers.onTimeout?.();
    sent[1]?.handlers.onTerminated?.(); // counted once
    expect(byes.count).toBe(0);
    await Promise.resolve();
    expect(drained).toBe(true);
    expect(statuses).toEqual([100, 200]); // the caller's own handlers still run
  });

  it('gives up after the bound on the injected clock when a BYE stays unanswered', async () => {
    const clock = new FakeClock();
    const { port } = scriptedPort(clock);
    const byes = new OutstandingByes();
    byes.track(port).sendRequest(request('BYE'), target, {});
    let drained: boolean | undefined;
    void byes.drained(port, 3000).then((d) => (drained = d));
    clock.advance(2999);
    await Promise.resolve();
    expect(drained).toBeUndefined();
    clock.advance(1);
    await Promise.resolve();
    expect(drained).toBe(false);
    expect(byes.count).toBe(1);
  });
});
