// Item 16.2: a TLS leg gets a sip: Contact (with transport=tls) unless the dialog's request used a
// SIPS URI (RFC 3261 §8.1.1.8, §12.1.1; RFC 5630 §3.1.1). Two phones on real TLS connections.
import { createResponse, type SipRequest } from '@switchboard/sip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCalls, type CallsHarness } from './support/calls-harness.js';
import { freeTcpPort } from './support/sip-test-kit.js';
import { selfSignedCertFiles, StreamPhone, TEST_SDP } from './support/stream-phone.js';

let h: CallsHarness;
let cert: ReturnType<typeof selfSignedCertFiles>;
let tlsPort: number;
let caller: StreamPhone;
let callee: StreamPhone;

beforeAll(async () => {
  cert = selfSignedCertFiles();
  tlsPort = await freeTcpPort();
  h = await startCalls({
    SWITCHBOARD_SIP_TLS_PORT: String(tlsPort),
    SWITCHBOARD_SIP_TLS_CERT: cert.certFile,
    SWITCHBOARD_SIP_TLS_KEY: cert.keyFile,
  });
  await h.addExtension('1001', 'secret-1001');
  await h.addExtension('1002', 'secret-1002');
  const server = { host: '127.0.0.1', port: tlsPort };
  caller = await new StreamPhone({
    protocol: 'TLS',
    server,
    user: '1001',
    password: 'secret-1001',
    domain: h.domain,
  }).connect();
  callee = await new StreamPhone({
    protocol: 'TLS',
    server,
    user: '1002',
    password: 'secret-1002',
    domain: h.domain,
  }).connect();
  expect((await callee.register()).status).toBe(200);
}, 60_000);

afterAll(async () => {
  caller?.close();
  callee?.close();
  await h?.close();
  cert?.remove();
});

/** The URI inside a Contact header value. */
function contactUri(value: string | undefined): string {
  return /<([^>]+)>/.exec(value ?? '')?.[1] ?? value ?? '';
}

describe('Contact on TLS legs (RFC 3261 §8.1.1.8, RFC 5630)', () => {
  it('a sip: call over TLS gets sip:…;transport=tls Contacts on both legs, and the ACK and BYE get through', async () => {
    const callId = await caller.invite(`sip:1002@${h.domain}`, TEST_SDP);
    const invite = await callee.request('INVITE');
    // The callee leg's INVITE: Request-URI sip:, so no SIPS Contact.
    expect(contactUri(invite.getHeader('Contact'))).toMatch(/^sip:[^;]+;transport=tls$/);
    callee.answer(invite, 'callee1');
    const ok = await caller.response(callId, 'INVITE');
    expect(ok.status).toBe(200);
    // The caller leg's 200: the INVITE's Request-URI and Contact were sip:, so no SIPS Contact.
    expect(contactUri(ok.getHeader('Contact'))).toMatch(/^sip:[^;]+;transport=tls$/);
    caller.send(
      caller.build({
        method: 'ACK',
        uri: contactUri(ok.getHeader('Contact')),
        to: ok.getHeader('To') ?? '',
        callId,
        cseq: 2,
      }),
    );
    const ack = await callee.request('ACK', invite.callId);
    expect(ack.method).toBe('ACK');
    // The callee hangs up toward the Contact it got: the caller gets the BYE.
    callee.send(byeFrom(invite, contactUri(invite.getHeader('Contact'))));
    await caller.request('BYE', callId);
  });

  it('a sips: Request-URI gets a sips: Contact toward the caller (RFC 3261 §12.1.1)', async () => {
    const callId = await caller.invite(`sips:1002@${h.domain}`, TEST_SDP);
    const invite = await callee.request('INVITE');
    callee.send(
      createResponse(invite, 180, { toTag: 'callee2', headers: [['Contact', callee.contact]] }).toBuffer(),
    );
    const ringing = await caller.response(callId, 'INVITE', false);
    expect(ringing.status).toBe(180);
    expect(contactUri(ringing.getHeader('Contact'))).toMatch(/^sips:/);
    callee.send(createResponse(invite, 486, { toTag: 'callee2' }).toBuffer());
    expect((await caller.response(callId, 'INVITE')).status).toBe(486);
  });
});

/** The callee's BYE in the dialog its 200 created (the PBX's leg: From = our To, To = its From). */
function byeFrom(invite: SipRequest, target: string): string {
  return [
    `BYE ${target} SIP/2.0`,
    `Via: SIP/2.0/TLS 127.0.0.1:${callee.localPort};branch=z9hG4bKbye${Date.now()};rport`,
    'Max-Forwards: 70',
    `From: ${invite.getHeader('To') ?? ''};tag=callee1`,
    `To: ${invite.getHeader('From') ?? ''}`,
    `Call-ID: ${invite.callId}`,
    'CSeq: 1 BYE',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}
