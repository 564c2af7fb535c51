import { redisKeys } from '@switchboard/live-state';
import { startRtpengine, rtpengineInstalled, type RtpengineProcess } from '@switchboard/rtpengine';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startBaresip, type BaresipRun, type RtpSummary } from './support/baresip.js';
import { type CallsHarness, startCalls, seedExtensions } from './support/calls-harness.js';
import { freeUdpPort } from './support/sip-test-kit.js';
import { createNatNetwork, netnsUnavailable, type NatNetwork } from './support/nat-network.js';
import { relayedPacketsPerParty } from './support/test-rtpengine.js';

/**
 * The real NAT case of issue #24 on one machine: a baresip phone in a namespace behind a
 * masquerading router calls a baresip phone on another network, and back. With media mode
 * `relay` rtpengine anchors the call and audio flows both ways (each phone's status line shows
 * the audio bit rate it receives, G.711 being 64 kbit/s). With `direct` the NATed phone's private SDP
 * address is unreachable and the same call has no audio in at least one direction.
 */
const unavailable = netnsUnavailable() ?? (rtpengineInstalled() ? undefined : 'rtpengine is not installed');

let net: NatNetwork | undefined;
beforeAll(() => {
  if (!unavailable) net = createNatNetwork();
});
afterAll(() => {
  net?.remove();
});

interface Phones {
  nat: { ns: string; host: string; user: string };
  out: { ns: string; host: string; user: string };
}

function mediaSuite(mode: 'relay' | 'direct') {
  const state: { h?: CallsHarness; rtpengine?: RtpengineProcess; mode: 'relay' | 'direct' } = { mode };
  beforeAll(async () => {
    const n = net!;
    state.rtpengine = await startRtpengine({
      interfaces: [n.pbxAddress],
      portMin: mode === 'relay' ? 45600 : 45700,
      portMax: mode === 'relay' ? 45699 : 45799,
    });
    state.h = await startCalls(
      {
        // baresip 1.0 (libre) gives up with ENOSYS when any challenge offers SHA-256.
        SWITCHBOARD_SIP_DIGEST_ALGORITHMS: 'MD5',
        SWITCHBOARD_SIP_BIND_ADDRESS: n.pbxAddress,
        SWITCHBOARD_SIP_PUBLIC_ADDRESS: n.pbxAddress,
        SWITCHBOARD_MEDIA_MODE: mode,
        SWITCHBOARD_RTPENGINE_ADDRESS: state.rtpengine.address,
        SWITCHBOARD_RTPENGINE_NG_PORT: String(state.rtpengine.ngPort),
      },
      seedExtensions(['201', '202'], 10),
    );
  }, 60_000);
  afterAll(async () => {
    await state.h?.close();
    await state.rtpengine?.stop();
  });
  return state;
}

/** One call from `from` to `to` (auto answer); both phones' recordings and rtpengine's counts. */
async function call(
  state: ReturnType<typeof mediaSuite>,
  phones: { from: Phones['nat']; to: Phones['nat'] },
): Promise<{
  caller: RtpSummary | undefined;
  callee: RtpSummary | undefined;
  /** Relay mode: packets rtpengine received from each party (tag) while the call ran. */
  relayed: number[];
  output: string;
}> {
  const h = state.h!;
  const proxy = { host: net!.pbxAddress, port: h.port };
  const start = async (
    p: Phones['nat'],
    extra: { seconds: number; autoAnswer?: boolean; commands?: string[] },
  ) =>
    startBaresip({
      user: p.user,
      password: `pw-${p.user}`,
      domain: h.domain,
      proxy,
      listenHost: p.host,
      listenPort: await freeUdpPort(),
      netns: p.ns,
      ...extra,
    });
  const runs: BaresipRun[] = [];
  try {
    const callee = await start(phones.to, { seconds: 20, autoAnswer: true });
    runs.push(callee);
    await vi.waitFor(
      async () =>
        expect(await h.redis.exists(redisKeys.registration(`sip:${phones.to.user}@${h.domain}`))).toBe(1),
      { timeout: 8000, interval: 100 },
    );
    const caller = await start(phones.from, {
      seconds: 8,
      commands: [`/dial sip:${phones.to.user}@${h.domain}`],
    });
    runs.push(caller);
    await vi.waitFor(async () => expect(await h.redis.zcard(redisKeys.calls)).toBe(1), {
      timeout: 12_000,
      interval: 100,
    });
    const relayed =
      state.mode === 'relay' ? await relayedPacketsPerParty(state.h!.redis, state.rtpengine!) : [];
    const callerRun = await caller.done;
    callee.kill();
    const calleeRun = await callee.done;
    return {
      caller: callerRun.rtp,
      callee: calleeRun.rtp,
      relayed,
      output: `--- caller ${phones.from.user}:\n${callerRun.output.slice(-2500)}\n--- callee ${phones.to.user}:\n${calleeRun.output.slice(-2500)}`,
    };
  } finally {
    for (const r of runs) r.kill();
  }
}

const phonesOf = (n: NatNetwork): Phones => ({
  nat: { ns: n.phoneNs, host: n.phoneAddress, user: '201' },
  out: { ns: n.outNs, host: n.outAddress, user: '202' },
});

describe.skipIf(unavailable !== undefined)(
  `phone behind NAT (network namespaces)${unavailable ? `: skipped, ${unavailable}` : ''}`,
  () => {
    describe('media mode relay', () => {
      const state = mediaSuite('relay');

      it('the NATed phone calls the outside phone: audio both ways through rtpengine', async () => {
        const p = phonesOf(net!);
        const r = await call(state, { from: p.nat, to: p.out });
        expect(r.callee?.receivedBps, r.output).toBeGreaterThan(32_000);
        expect(r.caller?.receivedBps, r.output).toBeGreaterThan(32_000);
        // rtpengine's query: RTP from both parties (the NATed one through its NAT mapping).
        expect(r.relayed.filter((n) => n >= 50).length, JSON.stringify(r.relayed)).toBeGreaterThanOrEqual(2);
      }, 60_000);

      it('and back: the outside phone calls the NATed phone (registered through the NAT)', async () => {
        const p = phonesOf(net!);
        const r = await call(state, { from: p.out, to: p.nat });
        expect(r.callee?.receivedBps, r.output).toBeGreaterThan(32_000);
        expect(r.caller?.receivedBps, r.output).toBeGreaterThan(32_000);
        expect(r.relayed.filter((n) => n >= 50).length, JSON.stringify(r.relayed)).toBeGreaterThanOrEqual(2);
      }, 60_000);
    });

    describe('media mode direct (the failure relay fixes)', () => {
      const state = mediaSuite('direct');

      it('the same call has no audio in at least one direction', async () => {
        const p = phonesOf(net!);
        const r = await call(state, { from: p.nat, to: p.out });
        // Both phones reported their audio rates (and sent audio), so a zero is a measurement.
        expect(Math.min(r.caller!.sentBps, r.callee!.sentBps)).toBeGreaterThan(32_000);
        expect(r.caller, r.output).toBeDefined();
        expect(r.callee, r.output).toBeDefined();
        expect(Math.min(r.caller!.receivedBps, r.callee!.receivedBps), r.output).toBe(0);
      }, 60_000);
    });
  },
);
