import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { enableExtensionsPlugin, startCalls, type CallsHarness } from './support/calls-harness.js';
import { freeSipPort, freeTcpPort, freeUdpPort } from './support/sip-test-kit.js';
import { startBaresipPhone, type PhoneTransport, type Softphone } from './support/softphones.js';
import { selfSignedCertFiles } from './support/stream-phone.js';
import {
  relayedPacketsPerParty,
  rtpengineAvailable,
  relayEnv,
  testRtpengine,
  type TestRtpengine,
} from './support/test-rtpengine.js';

/**
 * SDES-SRTP (#24): a TLS baresip with `mediaenc srtp-mand` (RTP/SAVP + a=crypto) and a plain UDP
 * baresip call each other through rtpengine. The PBX runs with SWITCHBOARD_MEDIA_MODE=direct and
 * the SRTP phone's own media mode is `direct` too: its `required` SRTP policy forces the relay.
 * Audio must flow both ways (both phones' RTP counts and rtpengine's query), the SRTP leg's SDP
 * carries RTP/SAVP + a=crypto and the plain leg's RTP/AVP without it (read from the stored SIP
 * trace, whose SDES keys must be blanked), and a plain offer from a `required` phone gets 488.
 */
const SRTP = '4101'; // TLS, srtp-mand, policy required, media mode direct
const PLAIN = '4102'; // UDP, plain RTP, policy off
const PLAIN_REQUIRED = '4103'; // UDP, plain RTP, policy required: its offers are refused

let h: CallsHarness;
let rtpengine: TestRtpengine | undefined;
let cert: ReturnType<typeof selfSignedCertFiles>;
let tlsPort: number;
/** RTP port ranges (10 ports each) already given to a phone of the running test. */
const rtpPorts: number[] = [];

/** A free UDP port whose 10-port range does not overlap another phone's (baresip's rtp_ports). */
async function rtpPortRange(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = await freeUdpPort();
    if (port + 9 <= 65535 && rtpPorts.every((p) => Math.abs(p - port) > 10)) {
      rtpPorts.push(port);
      return port;
    }
  }
  throw new Error('no free RTP port range');
}

beforeAll(async () => {
  if (!rtpengineAvailable) return;
  rtpengine = await testRtpengine({ min: 46200, max: 46299 });
  cert = selfSignedCertFiles();
  tlsPort = await freeTcpPort();
  h = await startCalls(
    {
      ...relayEnv(rtpengine),
      SWITCHBOARD_MEDIA_MODE: 'direct',
      // baresip 1.0 gives up on a challenge that offers SHA-256.
      SWITCHBOARD_SIP_DIGEST_ALGORITHMS: 'MD5',
      SWITCHBOARD_SIP_TLS_PORT: String(tlsPort),
      SWITCHBOARD_SIP_TLS_CERT: cert.certFile,
      SWITCHBOARD_SIP_TLS_KEY: cert.keyFile,
    },
    async (s) => {
      for (const n of [SRTP, PLAIN, PLAIN_REQUIRED]) await s.addExtension(n, `pw-${n}-secret`);
      await s.prisma.extension.update({
        where: { number: SRTP },
        data: { srtpPolicy: 'required', mediaMode: 'direct' },
      });
      await s.prisma.extension.update({ where: { number: PLAIN }, data: { srtpPolicy: 'off' } });
      await s.prisma.extension.update({
        where: { number: PLAIN_REQUIRED },
        data: { srtpPolicy: 'required' },
      });
      await enableExtensionsPlugin(s, 15);
    },
  );
}, 60_000);

afterAll(async () => {
  await h?.close();
  await rtpengine?.stop();
  cert?.remove();
});

async function phone(extension: string, transport: PhoneTransport, srtp: boolean): Promise<Softphone> {
  const p = startBaresipPhone({
    extension,
    password: `pw-${extension}-secret`,
    domain: h.domain,
    proxy: { host: '127.0.0.1', port: transport === 'tls' ? tlsPort : h.port },
    transport,
    sipPort: await freeSipPort(),
    rtpPort: await rtpPortRange(),
    caFile: cert.certFile,
    ...(srtp ? { mediaenc: 'srtp-mand' as const } : {}),
  });
  await expectOn(p, p.registered, 'register');
  return p;
}

async function expectOn(p: Softphone, pattern: RegExp, what: string, from = 0, ms = 10_000): Promise<void> {
  await p.waitFor(pattern, ms, from).catch((err: unknown) => {
    throw new Error(`baresip ${p.options.extension}: ${what}: ${String(err)}\n${p.tail()}`);
  });
}

/** The SIP messages of the test's one stored trace whose start line matches `start` (waits for it). */
async function tracedMessages(start: RegExp): Promise<{ dir: string; msg: string }[]> {
  return vi.waitFor(
    async () => {
      const rows = await h.prisma.callTrace.findMany();
      const entries = (rows[0]?.entries ?? []) as { dir: string; msg: string }[];
      const found = entries.filter((e) => start.test(e.msg.split('\r\n')[0] ?? ''));
      if (rows.length !== 1 || found.length === 0) throw new Error(`no stored ${String(start)} yet`);
      return found;
    },
    { timeout: 5000, interval: 100 },
  );
}

const audioLine = (msg: string): string => /^m=audio \d+ (\S+)/m.exec(msg)?.[1] ?? '(no audio)';

describe.skipIf(!rtpengineAvailable)(
  `SDES-SRTP phone bridged to a plain RTP phone${rtpengineAvailable ? '' : ': skipped, rtpengine is not installed'}`,
  () => {
    for (const direction of [
      'SRTP phone calls the plain phone',
      'plain phone calls the SRTP phone',
    ] as const) {
      it(`${direction}: audio both ways through rtpengine, RTP/SAVP + a=crypto on the TLS leg only`, async () => {
        await h.prisma.callTrace.deleteMany();
        const srtp = await phone(SRTP, 'tls', true);
        const plain = await phone(PLAIN, 'udp', false);
        const [caller, callee] = direction.startsWith('SRTP') ? [srtp, plain] : [plain, srtp];
        try {
          caller.dial(`sip:${callee.options.extension}@${h.domain}`);
          await expectOn(caller, caller.established, 'call established');
          await expectOn(callee, callee.established, 'call established');
          const relayed = await relayedPacketsPerParty(h.redis, rtpengine!);
          caller.hangUp();
          await expectOn(caller, caller.ended, 'call ended');
          await expectOn(callee, callee.ended, 'call ended');
          // Relay forced by the SRTP policy although both the PBX and the phone say `direct`.
          expect(relayed.filter((n) => n >= 50).length, JSON.stringify(relayed)).toBeGreaterThanOrEqual(2);
          for (const p of [caller, callee]) {
            await expectOn(p, /packets/, 'RTP statistics');
            const counts = p.rtpCounts();
            expect(counts, p.tail()).toBeDefined();
            expect(counts!.sent, `${p.options.extension} sent`).toBeGreaterThan(40);
            expect(counts!.received, `${p.options.extension} received\n${p.tail()}`).toBeGreaterThan(40);
          }
        } finally {
          await Promise.all([caller.stop(), callee.stop()]);
          rtpPorts.length = 0;
        }
        // The SDP each phone got or sent, from the stored trace: the TLS leg SRTP, the UDP leg plain.
        const sdpOf = (entries: { dir: string; msg: string }[], proto: 'TLS' | 'UDP') =>
          entries.filter((e) => e.msg.includes('\r\nv=0') && viaProto(e.msg) === proto).map((e) => e.msg);
        const invites = await tracedMessages(/^INVITE /);
        const oks = await tracedMessages(/^SIP\/2\.0 200 /);
        const tlsSdp = sdpOf([...invites, ...oks], 'TLS');
        const udpSdp = sdpOf([...invites, ...oks], 'UDP');
        expect(tlsSdp.length).toBeGreaterThanOrEqual(2);
        expect(udpSdp.length).toBeGreaterThanOrEqual(2);
        for (const m of tlsSdp) {
          expect(audioLine(m), m).toBe('RTP/SAVP');
          expect(m).toMatch(/^a=crypto:\d+ \S+ inline:\*+/m);
        }
        for (const m of udpSdp) {
          expect(audioLine(m), m).toBe('RTP/AVP');
          expect(m).not.toContain('a=crypto');
        }
        // No SDES key in clear anywhere in the stored trace.
        const all = JSON.stringify((await h.prisma.callTrace.findMany())[0]?.entries);
        expect(all).not.toMatch(/inline:[A-Za-z0-9+/]/);
      }, 60_000);
    }

    it('a plain offer from a phone whose SRTP policy is required gets 488 (Warning 302)', async () => {
      await h.prisma.callTrace.deleteMany();
      const plain = await phone(PLAIN, 'udp', false);
      const required = await phone(PLAIN_REQUIRED, 'udp', false);
      try {
        required.dial(`sip:${PLAIN}@${h.domain}`);
        await expectOn(required, /488 Not Acceptable Here/, 'gets 488');
        const record = await vi.waitFor(
          async () => {
            const row = await h.prisma.callRecord.findFirst({ where: { callerNumber: PLAIN_REQUIRED } });
            if (!row) throw new Error('no call record yet');
            return row;
          },
          { timeout: 5000, interval: 100 },
        );
        expect(record).toMatchObject({ disposition: 'rejected', hangupCause: '488 SRTP policy' });
        const [refusal] = await tracedMessages(/^SIP\/2\.0 488 /);
        expect(refusal?.msg).toMatch(/^Warning: 302 switchboard "SRTP required/m);
      } finally {
        await Promise.all([plain.stop(), required.stop()]);
        rtpPorts.length = 0;
      }
    }, 30_000);
  },
);

/** The transport of a message's first Via (whose leg it is on). */
function viaProto(msg: string): string {
  return /^Via: SIP\/2\.0\/(\w+)/im.exec(msg)?.[1]?.toUpperCase() ?? '';
}
