import { redisKeys } from '@switchboard/live-state';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConferenceService } from '../src/conference/conference.service.js';
import { type CallsHarness, enableExtensionsPlugin, startCalls } from './support/calls-harness.js';
import { rtpOf } from './support/captured-rtp.js';
import { LoopbackCapture } from './support/loopback-capture.js';
import { freeUdpPort } from './support/sip-test-kit.js';
import { type BaresipPhone, expectOn, loopbackPhone, startBaresipPhone } from './support/softphones.js';
import { relayEnv, rtpengineAvailable, testRtpengine, type TestRtpengine } from './support/test-rtpengine.js';

/**
 * Three-way calling by feature code from real phones whose call is anchored in rtpengine (issue
 * #20): baresip 1.0 sends its keys only as RFC 4733 events in the RTP, which rtpengine relays
 * between the phones; rtpengine reports each event (--dtmf-log-dest) to the PBX's DTMF listener.
 * A (5701) calls B (5702), then types `*3 5703 #` (`/sndcode`); C is called and auto-answers, and
 * A, B and C are in the call's ad-hoc room, whose mix reaches C.
 */
const [A, B, C] = ['5701', '5702', '5703'] as const;
const passwordOf = (ext: string) => `threeway-${ext}-secret`;
// Below rtpengine's default range (the config refuses an overlap), away from the default 20000–20999.
const rtpBase = 21_000 + 2 * Math.floor(Math.random() * 2000);

let h: CallsHarness;
let relay: TestRtpengine;

describe.skipIf(!rtpengineAvailable)(
  'three-way calling by RFC 4733 feature code (baresip, rtpengine)',
  () => {
    beforeAll(async () => {
      const dtmfPort = await freeUdpPort();
      relay = await testRtpengine({ min: 47000, max: 47099 }, dtmfPort);
      h = await startCalls(
        {
          ...relayEnv(relay),
          SWITCHBOARD_RTPENGINE_DTMF_PORT: String(dtmfPort),
          // The room's media (the PBX's own RTP ports) apart from other tests'.
          SWITCHBOARD_RTP_PORT_MIN: String(rtpBase),
          SWITCHBOARD_RTP_PORT_MAX: String(rtpBase + 99),
        },
        async (s) => {
          for (const ext of [A, B, C]) {
            await s.addExtension(ext, passwordOf(ext));
            // baresip 1.0 gives up on a challenge that offers SHA-256: MD5 only.
            await s.prisma.extension.update({ where: { number: ext }, data: { digestAlgorithms: ['MD5'] } });
          }
          await enableExtensionsPlugin(s, 15);
        },
      );
    }, 60_000);

    afterAll(async () => {
      await h?.close();
      await relay?.stop();
    });

    async function phone(extension: string): Promise<BaresipPhone> {
      return startBaresipPhone(await loopbackPhone(h, extension, passwordOf(extension)));
    }

    it('A types *3 5703 # as RFC 4733 events: C rings and answers, the room holds A, B and C, C hears the mix', async () => {
      const [a, b, c] = [await phone(A), await phone(B), await phone(C)];
      const isPbx = (port: number) => port >= rtpBase && port <= rtpBase + 99;
      const cPorts = { min: c.options.rtpPort & ~1, max: c.options.rtpPort + 10 };
      const capture = await LoopbackCapture.start(`udp and portrange ${cPorts.min}-${cPorts.max}`);
      try {
        for (const p of [a, b, c]) await expectOn(p, p.registered, 'register');
        a.dial(`sip:${B}@${h.domain}`);
        await expectOn(a, a.established, 'call established');
        await expectOn(b, b.established, 'call established');
        const [callId] = await h.redis.zrange(redisKeys.calls, 0, -1);
        const rooms = h.app.get(ConferenceService);

        a.sendDigits(`*3${C}#`);
        await expectOn(c, c.established, 'the third party answers');
        await vi.waitFor(() => expect(rooms.adHocSize(callId!), 'in the ad-hoc room').toBe(3), {
          timeout: 10_000,
          interval: 100,
        });
        // 1 s of the room's mix (20 ms frames) from the PBX's ports to C.
        await vi.waitFor(
          () => {
            const mixed = rtpOf(capture.datagrams()).filter(
              ({ d }) => isPbx(d.source.port) && d.destination.port >= cPorts.min,
            );
            expect(mixed.length, "the room's RTP C received").toBeGreaterThanOrEqual(50);
          },
          { timeout: 10_000, interval: 200 },
        );

        // C leaves: A and B stay connected; A hangs up and the call ends for B.
        c.hangUp();
        await expectOn(c, c.ended, 'call ended');
        await vi.waitFor(() => expect(rooms.adHocSize(callId!)).toBe(2), { timeout: 5000, interval: 50 });
        a.hangUp();
        await expectOn(b, b.ended, 'call ended');
        await vi.waitFor(() => expect(rooms.adHocSize(callId!)).toBe(0), { timeout: 5000, interval: 50 });
      } catch (err) {
        throw new Error(
          `${String(err)}\n--- A:\n${a.tail(2500)}\n--- B:\n${b.tail(2500)}\n--- C:\n${c.tail(2500)}`,
        );
      } finally {
        await capture.stop();
        await Promise.all([a.stop(), b.stop(), c.stop()]);
      }
    }, 45_000);
  },
);
