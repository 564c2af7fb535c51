// Item 16.5: a request above the §18.1.1 size threshold to a phone registered over UDP stays on UDP
// (RFC 3261 §18.1.1's switch to TCP is for targets whose UDP was only RFC 3263's default; a UDP
// phone behind NAT cannot accept a TCP connection). sipp is the UDP-only callee; the caller sends a
// 2 KB offer over TCP, so the PBX has a TCP listener it could (wrongly) switch to.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killAllSipp, startCalls, startSipp, type CallsHarness } from './support/calls-harness.js';
import { freeTcpPort } from './support/sip-test-kit.js';
import { StreamPhone, TEST_SDP } from './support/stream-phone.js';

let h: CallsHarness;
let caller: StreamPhone;

beforeAll(async () => {
  const tcpPort = await freeTcpPort();
  h = await startCalls({ SWITCHBOARD_SIP_TCP_PORT: String(tcpPort), SWITCHBOARD_SIP_UDP_MAX_BYTES: '1300' });
  await h.addExtension('1001', 'secret-1001');
  await h.addExtension('201', 'secret-201');
  caller = await new StreamPhone({
    protocol: 'TCP',
    server: { host: '127.0.0.1', port: tcpPort },
    user: '1001',
    password: 'secret-1001',
    domain: h.domain,
  }).connect();
}, 60_000);

afterAll(async () => {
  killAllSipp();
  caller?.close();
  await h?.close();
});

describe('no switch to TCP for large requests to a UDP binding (RFC 3261 §18.1.1)', () => {
  it('a 2 KB INVITE reaches the UDP phone over UDP and the call is answered', async () => {
    const uas = await startSipp('call-uas-answer.xml', []);
    await h.bind('201', uas.port);
    // A video offer with many codecs: well above 1300 bytes once the PBX's headers are added.
    const padding = Array.from(
      { length: 40 },
      (_, i) => `a=fmtp:${96 + i} profile-level-id=42e01f;packetization-mode=1`,
    );
    const sdp = `${TEST_SDP}${padding.join('\r\n')}\r\n`;
    expect(Buffer.byteLength(sdp)).toBeGreaterThan(1500);
    const callId = await caller.invite(`sip:201@${h.domain}`, sdp);
    const ok = await caller.response(callId, 'INVITE');
    expect(ok.status).toBe(200);
    const to = ok.getHeader('To') ?? '';
    const target = ok.contacts !== '*' ? (ok.contacts[0]?.uriText ?? '') : '';
    caller.send(caller.build({ method: 'ACK', uri: target, to, callId, cseq: 2 }));
    caller.send(caller.build({ method: 'BYE', uri: target, to, callId, cseq: 3 }));
    expect((await caller.response(callId, 'BYE')).status).toBe(200);
    const done = await uas.done;
    expect(done.code, done.output).toBe(0);
  });
});
