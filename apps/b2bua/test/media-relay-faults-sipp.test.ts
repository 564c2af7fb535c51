import dgram from 'node:dgram';
import { redisKeys } from '@switchboard/live-state';
import { NgClient, rtpengineInstalled, startRtpengine, type RtpengineProcess } from '@switchboard/rtpengine';
import { SystemClock } from '@switchboard/transactions';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CallControlService } from '../src/calls/call-control.service.js';
import { callSuite, expectPassed, type SippResult } from './support/call-runner.js';
import { freeUdpPort } from './support/sip-test-kit.js';

/**
 * rtpengine failing under a running PBX (issue #24): killed mid-call, missing when a call comes,
 * restarted; and a relayed call whose RTP stops (SWITCHBOARD_MEDIA_TIMEOUT_SECONDS). Each suite
 * runs its own rtpengine (it is killed here) on a fixed ng port the signalling role is told about.
 */
const calleePorts = (r: SippResult): number[] =>
  [...r.messages.matchAll(/^\s*m=audio (\d+) /gm)].map((m) => Number(m[1]));

interface RelaySuite {
  readonly run: ReturnType<typeof callSuite>['run'];
  readonly h: ReturnType<typeof callSuite>['h'];
  rtpengine: RtpengineProcess | undefined;
  readonly start: () => Promise<void>;
  readonly relayUp: () => boolean | undefined;
  readonly inRange: (port: number) => boolean;
}

function relaySuite(fallback: 'direct' | '503', portMin: number, startNow: boolean): RelaySuite {
  const env: Record<string, string> = {};
  const state = { ngPort: 0 };
  const suite: RelaySuite = {
    get run() {
      return s.run;
    },
    get h() {
      return s.h;
    },
    rtpengine: undefined,
    start: async () => {
      suite.rtpengine = await startRtpengine({
        interfaces: ['127.0.0.1'],
        ngPort: state.ngPort,
        portMin,
        portMax: portMin + 99,
      });
    },
    relayUp: () => s.h.app.get(CallControlService).mediaRelayUp,
    inRange: (port) => port >= portMin && port <= portMin + 99,
  };
  // Registered before callSuite's hooks (they run in order): the harness reads `env` when it starts.
  beforeAll(async () => {
    state.ngPort = await freeUdpPort();
    Object.assign(env, {
      SWITCHBOARD_MEDIA_MODE: 'relay',
      SWITCHBOARD_RTPENGINE_ADDRESS: '127.0.0.1',
      SWITCHBOARD_RTPENGINE_NG_PORT: String(state.ngPort),
      SWITCHBOARD_RTPENGINE_TIMEOUT_MS: '500',
      SWITCHBOARD_MEDIA_FALLBACK: fallback,
      SWITCHBOARD_MEDIA_TIMEOUT_SECONDS: '2',
    });
    if (startNow) await suite.start();
  }, 20_000);
  afterAll(async () => {
    await suite.rtpengine?.stop();
  });
  const s = callSuite(env);
  return suite;
}

/** The one live call once it is bridged (caller's ACK in). */
async function bridgedCall(suite: RelaySuite): Promise<string> {
  return vi.waitFor(
    async () => {
      const [id] = await suite.h.redis.zrange(redisKeys.calls, 0, -1);
      expect(id).toBeDefined();
      expect(await suite.h.redis.hget(redisKeys.call(id!), 'state')).toBe('bridged');
      return id!;
    },
    { timeout: 10_000, interval: 50 },
  );
}

/** A new basic call (records of earlier calls cleared) that must succeed: did the callee get rtpengine's ports? */
async function basicCallRelayed(suite: RelaySuite): Promise<boolean> {
  suite.run.reset();
  await suite.h.prisma.callRecord.deleteMany();
  const r = await suite.run.call('201', 'call-uac-basic.xml', ['call-uas-answer.xml']);
  expectPassed(r.caller);
  r.callees.forEach(expectPassed);
  return calleePorts(r.callees[0]!).some(suite.inRange);
}

async function expectEndedBySystem(suite: RelaySuite, cause: string): Promise<{ endedAt: Date }> {
  const record = await suite.run.onlyRecord();
  expect(record).toMatchObject({ disposition: 'answered', hangupSide: 'system', hangupCause: cause });
  await suite.run.expectNoLiveCalls();
  return { endedAt: record.endedAt! };
}

describe.skipIf(!rtpengineInstalled())('rtpengine killed mid-call, fallback direct (sipp)', () => {
  const suite = relaySuite('direct', 45800, true);

  it('a relayed call whose RTP stops ends after SWITCHBOARD_MEDIA_TIMEOUT_SECONDS with BYE on both legs', async () => {
    const call = suite.run.call('201', 'call-uac-callee-hangup.xml', ['call-uas-answer.xml']);
    const id = await bridgedCall(suite);
    // Both phones "talk" for a second (RTP into each leg's rtpengine port), then fall silent.
    const ng = new NgClient({
      address: '127.0.0.1',
      port: suite.rtpengine!.ngPort,
      clock: new SystemClock(),
    });
    const ports = [...(await ng.query({ callId: id })).tags.values()].flatMap((medias) =>
      medias.flatMap((m) => m.streams.map((st) => st.localPort)),
    );
    ng.close();
    expect(ports.filter(suite.inRange).length).toBeGreaterThanOrEqual(2);
    const lastRtpAt = await sendRtp(ports.filter(suite.inRange), 1000);
    const r = await call;
    expectPassed(r.caller);
    r.callees.forEach(expectPassed);
    const { endedAt } = await expectEndedBySystem(suite, 'media timeout');
    // Ended by the silence after the RTP, not counted from the answer.
    const silentMs = endedAt.getTime() - lastRtpAt;
    expect(silentMs).toBeGreaterThanOrEqual(1500);
    expect(silentMs).toBeLessThan(6000);
  });

  it('killed mid-call: both legs get BYE; the next call goes direct; restarted, calls are relayed again', async () => {
    const call = suite.run.call('201', 'call-uac-callee-hangup.xml', ['call-uas-answer.xml']);
    await bridgedCall(suite);
    await suite.rtpengine!.stop();
    const r = await call;
    expectPassed(r.caller);
    r.callees.forEach(expectPassed);
    await expectEndedBySystem(suite, 'media relay not answering');
    expect(suite.relayUp()).toBe(false);

    // rtpengine down, fallback direct: the callee sees the caller's own media port.
    expect(await basicCallRelayed(suite)).toBe(false);
    expect(await suite.run.onlyRecord()).toMatchObject({ disposition: 'answered', answeredBy: '201' });

    await suite.start();
    await vi.waitFor(() => expect(suite.relayUp()).toBe(true), { timeout: 5000, interval: 50 });
    expect(await basicCallRelayed(suite)).toBe(true);
  });
});

describe.skipIf(!rtpengineInstalled())('rtpengine missing, fallback 503 (sipp)', () => {
  const suite = relaySuite('503', 45900, false);

  it('a new call gets 503 with Retry-After while rtpengine is down; once it answers, calls are relayed', async () => {
    await vi.waitFor(() => expect(suite.relayUp()).toBe(false), { timeout: 5000, interval: 50 });
    const refused = await suite.run.call('201', 'call-uac-503.xml', []);
    expectPassed(refused.caller);
    expect(refused.caller.messages).toMatch(/^\s*Retry-After: \d+/m);
    expect(await suite.run.onlyRecord()).toMatchObject({
      disposition: 'failed',
      hangupSide: 'system',
      hangupCause: '503 media relay unavailable',
    });

    await suite.start();
    await vi.waitFor(() => expect(suite.relayUp()).toBe(true), { timeout: 5000, interval: 50 });
    expect(await basicCallRelayed(suite)).toBe(true);
  });
});

/** 20 ms PCMU-sized RTP packets to each port for `ms`; resolves with the time of the last one. */
async function sendRtp(ports: number[], ms: number): Promise<number> {
  const socket = dgram.createSocket('udp4');
  let seq = 0;
  const packet = (): Buffer => {
    const b = Buffer.alloc(172);
    b[0] = 0x80;
    b.writeUInt16BE(seq & 0xffff, 2);
    b.writeUInt32BE(seq * 160, 4);
    b.writeUInt32BE(0x5eed0001, 8);
    return b;
  };
  const started = Date.now();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      seq += 1;
      for (const port of ports) socket.send(packet(), port, '127.0.0.1');
      if (Date.now() - started >= ms) {
        clearInterval(timer);
        resolve();
      }
    }, 20);
  });
  const last = Date.now();
  socket.close();
  return last;
}
