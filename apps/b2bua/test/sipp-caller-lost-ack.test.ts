import dgram from 'node:dgram';
import { once } from 'node:events';
import { parseMessage, type SipRequest } from '@switchboard/sip';
import { afterEach, describe, expect, it } from 'vitest';
import { startSipp, type SippProcess } from './support/calls-harness.js';

/**
 * The caller scenario of the packet-loss test (call-uac-basic.xml) against a scripted UAS on
 * loopback that replays the exact sequence of the calls the 20 % loss test saw recorded
 * "no ACK from caller" (issue #17 item 5): the caller's ACK and its first BYE are lost, then the
 * UAS's 2xx retransmission (RFC 3261 §13.3.1.4) arrives. The PBX's trace of such a call shows
 * nothing from the caller after the 200; sipp had taken that retransmitted 200 (CSeq INVITE) as
 * the answer to its BYE, ended its call and never sent the BYE again. A UAC must ACK every 2xx
 * retransmission (§13.2.2.4) and retransmit its BYE until the BYE's own final response (§17.1.2.2).
 */
const SDP =
  'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 7000 RTP/AVP 0\r\n';
const DOMAIN = 'pbx.test';

/** The UAS end: each request sipp sends, in order, and answers built from them. */
class ScriptedUas {
  readonly socket = dgram.createSocket('udp4');
  private readonly queue: SipRequest[] = [];
  private waiter: (() => void) | undefined;
  private peer = { address: '127.0.0.1', port: 0 };

  constructor() {
    this.socket.on('message', (data, from) => {
      const message = parseMessage(data);
      if (message.kind !== 'request') return;
      this.peer = { address: from.address, port: from.port };
      this.queue.push(message);
      this.waiter?.();
    });
  }

  async open(): Promise<number> {
    this.socket.bind(0, '127.0.0.1');
    await once(this.socket, 'listening');
    return this.socket.address().port;
  }

  /** The next request from sipp; undefined when sipp ended first or nothing came within 5 s. */
  async next(sipp: SippProcess['done']): Promise<SipRequest | undefined> {
    if (this.queue.length === 0) {
      const arrived = new Promise<void>((resolve) => (this.waiter = resolve));
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, 5_000)));
      await Promise.race([arrived, sipp.then(() => undefined), timeout]);
      clearTimeout(timer);
      this.waiter = undefined;
    }
    return this.queue.shift();
  }

  /** A response to `request` (its Via, From, Call-ID, CSeq; our To-tag), as bytes to send again. */
  response(request: SipRequest, status: string, headers: string[] = [], body = ''): Buffer {
    const lines = [
      `SIP/2.0 ${status}`,
      ...request.getHeaderValues('Via').map((v) => `Via: ${v}`),
      `From: ${request.getHeader('From') ?? ''}`,
      `To: ${request.getHeader('To') ?? ''}${/;tag=/.test(request.getHeader('To') ?? '') ? '' : ';tag=uas-tag'}`,
      `Call-ID: ${request.callId}`,
      `CSeq: ${request.getHeader('CSeq') ?? ''}`,
      ...headers,
      `Content-Length: ${Buffer.byteLength(body)}`,
    ];
    return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${body}`);
  }

  send(bytes: Buffer): void {
    this.socket.send(bytes, this.peer.port, this.peer.address);
  }

  close(): void {
    this.socket.close();
  }
}

let uas: ScriptedUas | undefined;
let sipp: SippProcess | undefined;

afterEach(() => {
  sipp?.kill();
  uas?.close();
});

describe('call-uac-basic.xml (the lossy-network caller) when its ACK and BYE are lost', () => {
  it('re-sends the ACK for the retransmitted 200 and retransmits its BYE until the BYE is answered', async () => {
    uas = new ScriptedUas();
    const port = await uas.open();
    sipp = await startSipp(
      'call-uac-basic.xml',
      ['-s', '201', '-au', '100', '-ap', 'pw-100', '-key', 'domain', DOMAIN, '-key', 'caller', '100'],
      { host: '127.0.0.1', port },
      `sip:201@${DOMAIN}`,
    );
    const done = sipp.done;
    const method = (r: SipRequest | undefined) => r && `${r.cseq.seq} ${r.method}`;

    const invite = await uas.next(done);
    expect(method(invite)).toBe('1 INVITE');
    uas.send(
      uas.response(invite!, '407 Proxy Authentication Required', [
        `Proxy-Authenticate: Digest realm="${DOMAIN}", nonce="n0nce", algorithm=MD5, qop="auth"`,
      ]),
    );
    expect(method(await uas.next(done))).toBe('1 ACK');
    const authed = await uas.next(done);
    expect(method(authed)).toBe('2 INVITE');
    const ok = uas.response(
      authed!,
      '200 OK',
      [`Contact: <sip:pbx@127.0.0.1:${port}>`, 'Content-Type: application/sdp'],
      SDP,
    );
    uas.send(ok);
    // Both "lost": the UAS never sees them.
    expect(method(await uas.next(done))).toBe('2 ACK');
    const bye = await uas.next(done);
    expect(method(bye)).toBe('3 BYE');

    // §13.3.1.4: no ACK yet, so the 200 goes out again. The caller must ACK it (§13.2.2.4), not
    // take it for the BYE's answer.
    uas.send(ok);
    const reAck = await uas.next(done);
    expect(method(reAck), 'sipp ended its call on the INVITE 200 instead of ACKing it').toBe('2 ACK');
    // …and the BYE is still retransmitted (same transaction) until its own 200 arrives.
    const byeAgain = await uas.next(done);
    expect(method(byeAgain)).toBe('3 BYE');
    expect(byeAgain!.getHeader('Via')).toBe(bye!.getHeader('Via'));
    uas.send(uas.response(byeAgain!, '200 OK'));
    const run = await done;
    expect(run.code, run.output).toBe(0);
  });
});
