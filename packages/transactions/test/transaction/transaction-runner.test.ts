import { describe, expect, it } from 'vitest';
import {
  type ClientEvent,
  FakeClock,
  InviteClientTransaction,
  InviteServerTransaction,
  NonInviteClientTransaction,
  type ServerEvent,
  type TransactionContext,
  TransactionRunner,
  type TuNotification,
} from '../../src/index.js';
import { type Msg } from './helpers.js';

const UDP: TransactionContext = { reliable: false, timers: { t1: 500, t2: 4000, t4: 5000 } };

function harness(failSend = false) {
  const clock = new FakeClock();
  const sent: { at: number; message: Msg }[] = [];
  const tu: TuNotification<Msg>[] = [];
  let terminatedAt = -1;
  const ports = {
    send: (message: Msg) => {
      if (failSend) throw new Error('ECONNREFUSED');
      sent.push({ at: clock.now(), message });
    },
    notify: (n: TuNotification<Msg>) => tu.push(n),
    onTerminated: () => {
      terminatedAt = clock.now();
    },
  };
  return { clock, sent, tu, ports, terminatedAt: () => terminatedAt };
}

describe('TransactionRunner on a FakeClock', () => {
  it('retransmits an INVITE at T1, 3T1, 7T1... and times out with Timer B at 64*T1', () => {
    const h = harness();
    const r = new TransactionRunner<ClientEvent<Msg>, Msg, string>(
      new InviteClientTransaction('INVITE', UDP, (x) => `ACK/${x}`),
      h.clock,
      h.ports,
    );
    r.start();
    h.clock.advance(40_000);
    expect(h.sent.map((s) => s.at)).toEqual([0, 500, 1500, 3500, 7500, 15500, 31500]);
    expect(h.tu).toEqual([{ type: 'timeout', timer: 'B' }]);
    expect(h.terminatedAt()).toBe(32_000);
    expect(h.clock.pending()).toBe(0);
  });

  it('retransmits a non-INVITE request capped at T2 until Timer F', () => {
    const h = harness();
    const r = new TransactionRunner<ClientEvent<Msg>, Msg, string>(
      new NonInviteClientTransaction('OPTIONS', UDP),
      h.clock,
      h.ports,
    );
    r.start();
    h.clock.advance(40_000);
    expect(h.sent.map((s) => s.at)).toEqual([
      0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500,
    ]);
    expect(h.tu).toEqual([{ type: 'timeout', timer: 'F' }]);
  });

  it('stops retransmitting on a final response and ends after Timer K', () => {
    const h = harness();
    const r = new TransactionRunner<ClientEvent<Msg>, Msg, string>(
      new NonInviteClientTransaction('OPTIONS', UDP),
      h.clock,
      h.ports,
    );
    r.start();
    h.clock.advance(600);
    r.dispatch({ type: 'response', status: 200, message: '200' });
    h.clock.advance(4_999);
    expect(r.state).toBe('completed');
    h.clock.advance(1);
    expect(r.terminated).toBe(true);
    expect(h.sent.map((s) => s.at)).toEqual([0, 500]);
    expect(h.terminatedAt()).toBe(5600);
  });

  it('sends the ACK for a non-2xx and re-sends it for every retransmitted final until Timer D', () => {
    const h = harness();
    const r = new TransactionRunner<ClientEvent<Msg>, Msg, string>(
      new InviteClientTransaction('INVITE', UDP, (x) => `ACK/${x}`),
      h.clock,
      h.ports,
    );
    r.start();
    r.dispatch({ type: 'response', status: 486, message: '486' });
    r.dispatch({ type: 'response', status: 486, message: '486' });
    h.clock.advance(32_000);
    expect(h.sent.map((s) => s.message)).toEqual(['INVITE', 'ACK/486', 'ACK/486']);
    expect(h.tu).toEqual([{ type: 'response', message: '486' }]);
    expect(h.terminatedAt()).toBe(32_000);
  });

  it('retransmits a final INVITE response with Timer G until the ACK, then waits Timer I', () => {
    const h = harness();
    const r = new TransactionRunner<ServerEvent<Msg>, Msg, string>(
      new InviteServerTransaction(UDP, { build: () => '100', afterMs: 0 }),
      h.clock,
      h.ports,
    );
    r.start();
    r.dispatch({ type: 'respond', status: 480, message: '480' });
    h.clock.advance(3600);
    r.dispatch({ type: 'request', isAck: true, message: 'ACK' });
    expect(h.sent.map((s) => `${s.at}:${s.message}`)).toEqual([
      '0:100',
      '0:480',
      '500:480',
      '1500:480',
      '3500:480',
    ]);
    h.clock.advance(5000);
    expect(r.terminated).toBe(true);
    expect(h.terminatedAt()).toBe(8600);
  });

  describe('deferred 100 (Trying), §17.2.1', () => {
    const server = () => {
      const h = harness();
      const r = new TransactionRunner<ServerEvent<Msg>, Msg, string>(
        new InviteServerTransaction(UDP, { build: () => '100', afterMs: 200 }),
        h.clock,
        h.ports,
      );
      r.start();
      return { h, r };
    };
    const sent = (h: ReturnType<typeof harness>) => h.sent.map((s) => `${s.at}:${s.message}`);

    it('sends no 100 when the TU answers within 200 ms', () => {
      const { h, r } = server();
      h.clock.advance(199);
      r.dispatch({ type: 'respond', status: 180, message: '180' });
      h.clock.advance(10_000);
      expect(sent(h)).toEqual(['199:180']);
    });

    it('sends the 100 at 200 ms when the TU has not answered', () => {
      const { h, r } = server();
      h.clock.advance(199);
      expect(h.sent).toEqual([]);
      h.clock.advance(1);
      r.dispatch({ type: 'respond', status: 200, message: '200' });
      expect(sent(h)).toEqual(['200:100', '200:200']);
    });

    it('sends the 100 at once to a retransmitted INVITE before any response, and not again at 200 ms', () => {
      const { h, r } = server();
      h.clock.advance(50);
      r.dispatch({ type: 'request', isAck: false, message: 'INVITE' });
      h.clock.advance(1000);
      expect(sent(h)).toEqual(['50:100']);
    });

    it('sends no 100 after a final response', () => {
      const { h, r } = server();
      r.dispatch({ type: 'respond', status: 486, message: '486' });
      h.clock.advance(150);
      r.dispatch({ type: 'request', isAck: true, message: 'ACK' });
      h.clock.advance(10_000);
      expect(sent(h)).toEqual(['0:486']);
      expect(r.terminated).toBe(true);
    });

    it('leaves no timer behind when the transaction ends first', () => {
      const { h, r } = server();
      r.dispatch({ type: 'transportError', error: new Error('gone') });
      expect(r.terminated).toBe(true);
      expect(h.clock.pending()).toBe(0);
      h.clock.advance(1000);
      expect(h.sent).toEqual([]);
    });
  });

  it('turns a synchronous send failure into a transport error for the TU', () => {
    const h = harness(true);
    const r = new TransactionRunner<ClientEvent<Msg>, Msg, string>(
      new NonInviteClientTransaction('OPTIONS', UDP),
      h.clock,
      h.ports,
    );
    r.start();
    expect(h.tu.map((n) => n.type)).toEqual(['transportError']);
    expect(r.terminated).toBe(true);
    expect(h.clock.pending()).toBe(0);
  });

  it('turns a rejected async send into a transport error', async () => {
    const h = harness();
    const r = new TransactionRunner<ClientEvent<Msg>, Msg, string>(
      new NonInviteClientTransaction('OPTIONS', UDP),
      h.clock,
      { ...h.ports, send: () => Promise.reject(new Error('EPIPE')) },
    );
    r.start();
    await Promise.resolve();
    await Promise.resolve();
    expect(h.tu).toHaveLength(1);
    expect(h.tu[0]?.type === 'transportError' && h.tu[0].error.message).toBe('EPIPE');
  });
});
