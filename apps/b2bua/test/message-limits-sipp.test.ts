import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { callSuite, expectPassed } from './support/call-runner.js';
import { freeTcpPort, UdpSipClient } from './support/sip-test-kit.js';

/**
 * Issue #16 item 15, bounded work for huge bodies: the settings SWITCHBOARD_SIP_MAX_MESSAGE_BYTES
 * (513 Message Too Large, RFC 3261 §21.5.14, over UDP and TCP) and SWITCHBOARD_SDP_MAX_MEDIA (488
 * with a Warning naming the cap, for an INVITE's offer and a re-INVITE's), through the real
 * signalling role. Small caps here (4,096 bytes, 4 m-lines) keep the messages small.
 */
const tcpPort = await freeTcpPort();
const suite = callSuite({
  SWITCHBOARD_SIP_MAX_MESSAGE_BYTES: '4096',
  SWITCHBOARD_SDP_MAX_MEDIA: '4',
  SWITCHBOARD_SIP_TCP_PORT: String(tcpPort),
});

/** An OPTIONS to the PBX padded to `size` bytes (a header nobody reads). */
function paddedOptions(domain: string, transport: 'UDP' | 'TCP', port: number, size: number, callId: string) {
  const head = (pad: string) =>
    [
      `OPTIONS sip:${domain} SIP/2.0`,
      `Via: SIP/2.0/${transport} 127.0.0.1:${port};branch=z9hG4bK${callId};rport`,
      'Max-Forwards: 70',
      `From: <sip:100@${domain}>;tag=big`,
      `To: <sip:${domain}>`,
      `Call-ID: ${callId}`,
      'CSeq: 1 OPTIONS',
      `X-Padding: ${pad}`,
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
  return head('p'.repeat(size - head('').length));
}

describe('message size cap: 513 Message Too Large (RFC 3261 §21.5.14)', () => {
  it('over UDP: a request over the cap gets 513 with the sizes; one at the cap is served', async () => {
    const { h } = suite;
    const client = await new UdpSipClient({ host: '127.0.0.1', port: h.port }).open();
    try {
      const big = paddedOptions(h.domain, 'UDP', client.port, 5000, 'udp-big');
      const answer = await client.sendRaw(big, 'udp-big', 1);
      expect(answer.status).toBe(513);
      expect(answer.reason).toBe('Message Too Large (5000 bytes, limit 4096)');
      const fits = await client.sendRaw(
        paddedOptions(h.domain, 'UDP', client.port, 4096, 'udp-fits'),
        'udp-fits',
        1,
      );
      expect(fits.status).toBe(200);
    } finally {
      client.close();
    }
  });

  it('over TCP: 513 as soon as the header section shows the size, then the connection closes', async () => {
    const { h } = suite;
    const socket = net.connect(tcpPort, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString('latin1')));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    // Only the head of a 20,000-byte INVITE is sent: the PBX must not wait for (or buffer) its body.
    const head = [
      `INVITE sip:201@${h.domain} SIP/2.0`,
      `Via: SIP/2.0/TCP 127.0.0.1:${socket.localPort};branch=z9hG4bKtcpbig`,
      'Max-Forwards: 70',
      `From: <sip:100@${h.domain}>;tag=big`,
      `To: <sip:201@${h.domain}>`,
      'Call-ID: tcp-big',
      'CSeq: 1 INVITE',
      'Content-Type: application/sdp',
      'Content-Length: 20000',
      '',
      '',
    ].join('\r\n');
    socket.write(head);
    await closed;
    expect(answer).toMatch(/^SIP\/2\.0 513 Message Too Large \(\d+ bytes, limit 4096\)\r\n/);
    expect(answer).toContain('Call-ID: tcp-big');
  });
});

describe('SDP m-line cap: 488 with a Warning (sipp)', () => {
  it('an INVITE offering five m-lines (cap 4) gets 488 after authentication; no call is set up', async () => {
    const { run } = suite;
    const r = await run.call('201', 'call-uac-too-many-media.xml');
    expectPassed(r.caller);
    await run.expectNoLiveCalls();
  });

  it('a re-INVITE offering five m-lines gets 488 from the B2BUA, never reaches the callee; the call goes on', async () => {
    const { run } = suite;
    const r = await run.call('201', 'call-uac-reinvite-too-many-media.xml', ['call-uas-answer.xml']);
    expectPassed(r.caller);
    r.callees.forEach(expectPassed);
    expect(await run.onlyRecord()).toMatchObject({ disposition: 'answered', hangupSide: 'caller' });
  });
});
