import type { Logger } from '@switchboard/config';
import {
  createResponse,
  parseMessage,
  type SipMessage,
  type SipRequest,
  type SipResponse,
} from '@switchboard/sip';
import {
  DEFAULT_TIMERS,
  FakeClock,
  type ClientTransaction,
  type ClientTransactionHandlers,
  type ResolvedTarget,
  type ServerTransaction,
} from '@switchboard/transactions';
import { describe, expect, it, vi } from 'vitest';
import type { CallDeps } from '../src/calls/call-deps.js';
import { CallSession } from '../src/calls/call-session.js';
import type { ActiveCallStore } from '../src/calls/records/active-call-store.js';
import type { CallRecordJob } from '../src/jobs/call-record-job.js';

/**
 * The caller's side of an answered call when its ACK is lost (RFC 3261 §13.3.1.4), on a FakeClock:
 * one CallSession with a scripted SIP port (no sockets). The exact sequence of the calls the 20 %
 * packet-loss test saw recorded "no ACK from caller" (#17 item 5, PBX trace): 200 to the caller,
 * then nothing from it — ACK and BYE lost. The 200 is resent at T1, 2*T1, … T2 until 64*T1, then
 * the call ends with BYE on both legs. A BYE instead of the ACK ends it answered; an ACK for a
 * retransmission confirms it.
 */
const T1 = DEFAULT_TIMERS.t1;
const CALLER: ResolvedTarget = { host: '127.0.0.1', port: 5071, protocol: 'UDP' };
const CALLEE: ResolvedTarget = { host: '127.0.0.1', port: 5072, protocol: 'UDP' };
const SDP = (port: number) =>
  `v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio ${port} RTP/AVP 0\r\n`;

function request(text: string): SipRequest {
  const message = parseMessage(Buffer.from(text.replace(/\r?\n/g, '\r\n')));
  if (message.kind !== 'request') throw new Error('not a request');
  return message;
}

const INVITE = request(`INVITE sip:201@pbx.test SIP/2.0
Via: SIP/2.0/UDP 127.0.0.1:5071;branch=z9hG4bK-caller-invite
Max-Forwards: 70
From: <sip:100@pbx.test>;tag=caller-tag
To: <sip:201@pbx.test>
Call-ID: caller-call
CSeq: 2 INVITE
Contact: <sip:100@127.0.0.1:5071>
Content-Type: application/sdp
Content-Length: ${SDP(6000).length}

${SDP(6000)}`);

/** An in-dialog request of the caller (ACK or BYE) on the dialog our 200 created. */
function fromCaller(method: 'ACK' | 'BYE', cseq: number, toTag: string): SipRequest {
  return request(`${method} sip:b2bua@127.0.0.1:5060 SIP/2.0
Via: SIP/2.0/UDP 127.0.0.1:5071;branch=z9hG4bK-caller-${method}-${cseq}
Max-Forwards: 70
From: <sip:100@pbx.test>;tag=caller-tag
To: <sip:201@pbx.test>;tag=${toTag}
Call-ID: caller-call
CSeq: ${cseq} ${method}
Content-Length: 0

`);
}

/** A server transaction that records what the B2BUA answers on it. */
function serverTx(answers: SipResponse[]): ServerTransaction<SipMessage> {
  return {
    origin: {
      source: { host: CALLER.host, port: CALLER.port },
      transport: { protocol: 'UDP', reliable: false, timers: DEFAULT_TIMERS },
    },
    respond: (r: SipResponse) => answers.push(r),
    reply: (status: number) => answers.push(createResponse(INVITE, status)),
  } as unknown as ServerTransaction<SipMessage>;
}

function setUp() {
  const clock = new FakeClock();
  const toCaller: SipResponse[] = [];
  const sent: Array<{ request: SipRequest; to: number; handlers: ClientTransactionHandlers<SipMessage> }> =
    [];
  const records: CallRecordJob[] = [];
  const silent = {
    info: () => undefined,
    warn: () => undefined,
    error: () => undefined,
    debug: () => undefined,
  };
  const deps = {
    port: {
      clock,
      sendRequest: (
        req: SipRequest,
        target: ResolvedTarget,
        handlers: ClientTransactionHandlers<SipMessage> = {},
      ) => {
        sent.push({ request: req, to: target.port, handlers });
        return { branch: `z9hG4bK-out-${sent.length}` } as unknown as ClientTransaction<SipMessage>;
      },
      sendAck: (ack: SipRequest, target: ResolvedTarget) => {
        sent.push({ request: ack, to: target.port, handlers: {} });
        return Promise.resolve();
      },
      localUri: () => 'sip:b2bua@127.0.0.1:5060',
      resolve: () => Promise.resolve([CALLEE]),
    },
    domain: 'pbx.test',
    allow: 'INVITE, ACK, CANCEL, BYE',
    logger: { ...silent, child: () => silent } as unknown as Logger,
    expander: {
      expand: () =>
        Promise.resolve([{ targetKey: '201', uri: 'sip:201@127.0.0.1:5072', destination: CALLEE }]),
    },
    requestPlan: () =>
      Promise.resolve({
        kind: 'plan' as const,
        pluginId: 'test',
        plan: {
          steps: [
            {
              type: 'dial' as const,
              mode: 'parallel' as const,
              targets: [{ kind: 'extension' as const, extension: '201' }],
              ringTimeoutSeconds: 60,
            },
          ],
        },
      }),
    publishRecord: (record: CallRecordJob) => {
      records.push(record);
      return Promise.resolve();
    },
    liveCalls: {
      started: () => Promise.resolve(),
      state: () => Promise.resolve(),
      joined: () => Promise.resolve(),
      ended: () => Promise.resolve(),
    } as unknown as ActiveCallStore,
    rememberAnswer: () => Promise.resolve(),
    wallNow: () => 1_800_000_000_000 + clock.now(),
    maxReroutes: 0,
    maxCallMs: 0,
    retryAfterSeconds: 5,
    routingFallback: { kind: 'unavailable' as const },
  } satisfies CallDeps;
  const session = new CallSession(
    deps,
    {
      callerUri: 'sip:100@pbx.test',
      callerExtension: '100',
      destination: '201',
      requestUri: 'sip:201@pbx.test',
    },
    INVITE,
    serverTx(toCaller),
    { legStarted: () => undefined, ended: () => undefined },
  );
  const oks = () => toCaller.filter((r) => r.status === 200).length;
  const byes = (port: number) => sent.filter((s) => s.request.method === 'BYE' && s.to === port);

  /** Routes the call, lets the callee answer; resolves once the caller has our 200. */
  async function answered(): Promise<string> {
    session.start();
    await vi.waitFor(() => expect(sent.filter((s) => s.request.method === 'INVITE')).toHaveLength(1));
    const leg = sent[0]!;
    const ok = createResponse(leg.request, 200, {
      toTag: 'callee-tag',
      headers: [
        ['Contact', '<sip:201@127.0.0.1:5072>'],
        ['Content-Type', 'application/sdp'],
      ],
      body: Buffer.from(SDP(7000)),
    });
    leg.handlers.onResponse?.(ok, ok.status);
    await vi.waitFor(() => expect(oks()).toBe(1));
    return toCaller.find((r) => r.status === 200)!.to.tag!;
  }

  return { clock, session, sent, records, toCaller, oks, byes, answered };
}

describe('the caller never ACKs our 200 (RFC 3261 §13.3.1.4)', () => {
  it('ACK and BYE lost: the 200 is resent at T1, 2*T1 … T2, and at 64*T1 the call ends "no ACK from caller" with BYE on both legs', async () => {
    const t = setUp();
    await t.answered();
    // Retransmissions at 0.5, 1.5, 3.5, 7.5 s, then every T2 (4 s) until 32 s.
    const expected = [
      [T1, 2],
      [3 * T1, 3],
      [7 * T1, 4],
      [15 * T1, 5],
      [15 * T1 + DEFAULT_TIMERS.t2, 6],
    ] as const;
    let now = 0;
    for (const [at, count] of expected) {
      t.clock.advance(at - now - 1);
      expect(t.oks()).toBe(count - 1);
      t.clock.advance(1);
      now = at;
      expect(t.oks()).toBe(count);
    }
    t.clock.advance(64 * T1 - now - 1);
    expect(t.records).toEqual([]);
    expect(t.byes(CALLEE.port)).toEqual([]);
    t.clock.advance(1);
    expect(t.byes(CALLEE.port)).toHaveLength(1);
    expect(t.byes(CALLER.port)).toHaveLength(1);
    expect(t.records).toHaveLength(1);
    expect(t.records[0]).toMatchObject({
      disposition: 'failed',
      hangupCause: 'no ACK from caller',
      hangupSide: 'system',
    });
    const oksAtEnd = t.oks();
    t.clock.advance(64 * T1);
    expect(t.oks()).toBe(oksAtEnd);
    expect(t.records).toHaveLength(1);
  });

  it('ACK lost, the BYE arrives: the call ends answered by the caller, and the 64*T1 timer no longer fires', async () => {
    const t = setUp();
    const tag = await t.answered();
    t.clock.advance(T1); // one retransmission, still no ACK
    expect(t.oks()).toBe(2);
    const byeAnswers: SipResponse[] = [];
    t.session.handleRequest('caller', fromCaller('BYE', 3, tag), serverTx(byeAnswers));
    expect(byeAnswers.map((r) => r.status)).toEqual([200]);
    expect(t.byes(CALLEE.port)).toHaveLength(1);
    expect(t.records).toHaveLength(1);
    expect(t.records[0]).toMatchObject({ disposition: 'answered', hangupCause: 'BYE', hangupSide: 'caller' });
    t.clock.advance(64 * T1);
    expect(t.oks()).toBe(2); // no more retransmissions after the BYE
    expect(t.byes(CALLER.port)).toEqual([]);
    expect(t.records).toHaveLength(1);
  });

  it('first ACK lost, the ACK of a retransmission arrives: the call is confirmed and lives past 64*T1', async () => {
    const t = setUp();
    const tag = await t.answered();
    t.clock.advance(3 * T1); // two retransmissions
    t.session.handleAck('caller', fromCaller('ACK', 2, tag));
    const oks = t.oks();
    t.clock.advance(64 * T1);
    expect(t.oks()).toBe(oks);
    expect(t.records).toEqual([]);
    expect(t.byes(CALLEE.port)).toEqual([]);
    t.session.handleRequest('caller', fromCaller('BYE', 3, tag), serverTx([]));
    expect(t.records[0]).toMatchObject({ disposition: 'answered', hangupCause: 'BYE', hangupSide: 'caller' });
  });
});
