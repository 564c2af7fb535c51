import { createLogger } from '@switchboard/config';
import { createResponse } from '@switchboard/sip';
import { FakeClock } from '@switchboard/transactions';
import { describe, expect, it } from 'vitest';
import type { BridgeSide } from '../src/calls/bridge/call-bridge.js';
import { reinviteSide, type SideReinviteOutcome } from '../src/calls/bridge/side-reinvite.js';
import type { SessionBody } from '../src/calls/legs/caller-leg.js';
import { InDialogRoute } from '../src/calls/legs/in-dialog-route.js';
import { confirmedUacDialog, recordingSipPort } from './support/recording-sip-port.js';
import { TrunkDigest } from '../src/calls/legs/trunk-digest.js';

/**
 * The one re-INVITE sender of the PBX (park retrieval, attended transfer, music on hold, three-way
 * rooms) on a FakeClock with a recording port: the ACK carries the answer and is resent for a 2xx
 * retransmission, a trunk's 401 is answered once with credentials, a pending INVITE is 491, a dead
 * dialog 481, and no response ends the dialog (RFC 3261 §12.2.1.2).
 */
const PBX = 'sip:b2bua@127.0.0.1:5060';
const PEER = { host: '127.0.0.1', port: 5072, protocol: 'UDP' as const };
const sdp = (port: number): SessionBody => ({
  contentType: 'application/sdp',
  content: Buffer.from(
    `v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio ${port} RTP/AVP 0\r\n`,
  ),
});

function setUp(trunk = false) {
  const clock = new FakeClock();
  const { port, sent, acks } = recordingSipPort(clock, PBX);
  const dialog = confirmedUacDialog(clock, {
    callId: 'leg-call',
    localTag: 'leg-tag',
    remoteTag: 'peer-tag',
    user: '201',
    port: 5072,
    localContact: PBX,
  });
  const digest = trunk ? new TrunkDigest({ username: 'pbx', password: 'trunk-secret' }) : undefined;
  const side: BridgeSide = { dialog, route: new InDialogRoute(port, PEER, false, digest), contact: PBX };
  const results: string[] = [];
  const outcome = (answer?: SessionBody): SideReinviteOutcome => ({
    sent: () => results.push('sent'),
    answered: (body, ack) => {
      results.push(`answered ${body ? 'with' : 'without'} SDP`);
      ack(answer);
    },
    failed: (status, reason) => results.push(`failed ${status} ${reason}`),
  });
  const logger = createLogger('test', { logLevel: 'silent' });
  const reinvite = (offer: SessionBody | undefined, answer?: SessionBody) =>
    reinviteSide(side, offer, { logger }, { call: 'c1', callId: 'leg-call' }, outcome(answer));
  const respond = (i: number, status: number, opts: Parameters<typeof createResponse>[2] = {}) => {
    const s = sent[i];
    if (!s) throw new Error(`no request #${i}`);
    s.handlers.onResponse?.(createResponse(s.request, status, { toTag: 'peer-tag', ...opts }), status);
  };
  return { dialog, sent, acks, results, reinvite, respond, clock };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('reinviteSide', () => {
  it('offerless re-INVITE: the 2xx offer is answered in the ACK, the same ACK again for a retransmission', async () => {
    const t = setUp();
    t.reinvite(undefined, sdp(40000));
    expect(t.sent[0]?.request.body.length).toBe(0);
    const withOffer = {
      headers: [['Content-Type', 'application/sdp']] as Array<[string, string]>,
      body: sdp(5000).content,
    };
    t.respond(0, 200, withOffer);
    t.respond(0, 200, withOffer);
    await flush();
    expect(t.results).toEqual(['sent', 'answered with SDP']);
    expect(t.acks).toHaveLength(2);
    expect(t.acks[0]?.ack.cseq.seq).toBe(t.sent[0]?.request.cseq.seq);
    expect(t.acks[0]?.ack.body.toString()).toContain('m=audio 40000');
    expect(t.acks[1]?.ack.toString()).toBe(t.acks[0]?.ack.toString());
  });

  it("a trunk's 401 is answered once with credentials and the next CSeq; a second 401 is the refusal", () => {
    const t = setUp(true);
    t.reinvite(sdp(40000));
    const challenge = {
      headers: [['WWW-Authenticate', 'Digest realm="trunk", nonce="n1", qop="auth", algorithm=MD5']] as Array<
        [string, string]
      >,
    };
    t.respond(0, 401, challenge);
    expect(t.sent).toHaveLength(2);
    const again = t.sent[1]?.request;
    expect(again?.cseq.seq).toBe((t.sent[0]?.request.cseq.seq ?? 0) + 1);
    expect(again?.getHeader('Authorization')).toMatch(/^Digest username="pbx"/);
    expect(again?.body.toString()).toContain('m=audio 40000');
    t.respond(1, 401, challenge);
    expect(t.sent).toHaveLength(2);
    expect(t.results).toEqual(['sent', 'sent', 'failed 401 Unauthorized']);
  });

  it('491 while an INVITE of the dialog is pending, 481 once the dialog is over', () => {
    const t = setUp();
    t.reinvite(sdp(40000));
    t.reinvite(sdp(40002));
    expect(t.sent).toHaveLength(1);
    expect(t.results).toEqual(['sent', 'failed 491 Request Pending']);
    t.dialog.terminate('local');
    t.reinvite(sdp(40004));
    expect(t.results.at(-1)).toBe('failed 481 Call/Transaction Does Not Exist');
  });

  it('no response at all is 408 and ends the dialog (RFC 3261 §12.2.1.2)', () => {
    const t = setUp();
    t.reinvite(sdp(40000));
    t.sent[0]?.handlers.onTimeout?.();
    expect(t.results).toEqual(['sent', 'failed 408 Request Timeout']);
    expect(t.dialog.state).toBe('terminated');
  });
});
