import { createRequest } from '@switchboard/sip';
import { describe, expect, it } from 'vitest';
import {
  FakeClock,
  type ServerTransaction,
  type SipMessage,
  SwitchboardSipCodec,
  TransactionLayer,
  Uas2xxRetransmitter,
} from '../../src/index.js';
import { FakeTransport, invite } from './fake-transport.js';

/**
 * What the layer tells its observer (retransmissions sent and received) and its census of live
 * transactions by kind and state, on a FakeClock over a fake UDP transport.
 */
const PEER = { protocol: 'UDP' as const, host: '10.0.0.2', port: 5080 };
const SRC = { host: '10.0.0.9', port: 40001 };

function setup() {
  const clock = new FakeClock();
  const udp = new FakeTransport();
  const events: string[] = [];
  const layer = new TransactionLayer<SipMessage>({
    codec: new SwitchboardSipCodec(),
    clock,
    transports: [udp],
    // The 100 at once, so a resent INVITE counts as the 100 sent again (deferred: its first send).
    trying: 'immediate',
    observer: { retransmission: (r) => events.push(`${r.direction} ${r.message} ${r.method}`) },
  });
  const servers: ServerTransaction<SipMessage>[] = [];
  layer.setUser({ onRequest: (_req, tx) => servers.push(tx) });
  return { clock, udp, layer, events, servers };
}

function outgoingInvite(): SipMessage {
  return createRequest({
    method: 'INVITE',
    uri: 'sip:bob@10.0.0.2:5080',
    headers: {
      'Max-Forwards': 70,
      From: '<sip:alice@127.0.0.1>;tag=f1',
      To: '<sip:bob@10.0.0.2>',
      'Call-ID': 'c1@127.0.0.1',
      CSeq: '1 INVITE',
      Contact: '<sip:alice@127.0.0.1:5060>',
    },
  });
}

function answer(sent: string, status: number, toTag = 'b1'): string {
  const via = /Via: (.*)\r\n/.exec(sent)?.[1] ?? '';
  return [
    `SIP/2.0 ${status} Whatever`,
    `Via: ${via}`,
    'From: <sip:alice@127.0.0.1>;tag=f1',
    `To: <sip:bob@10.0.0.2>${status === 100 ? '' : `;tag=${toTag}`}`,
    'Call-ID: c1@127.0.0.1',
    'CSeq: 1 INVITE',
    'Content-Length: 0',
    '',
    '',
  ].join('\n');
}

/** The census without the zeros. */
function live(layer: TransactionLayer<SipMessage>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [kind, states] of Object.entries(layer.census()))
    for (const [state, n] of Object.entries(states)) if (n > 0) out[`${kind} ${state}`] = n;
  return out;
}

describe('TransactionLayer observer and census', () => {
  it('INVITE client: Timer A resends, repeated responses and the re-sent ACK (§17.1.1.2)', () => {
    const { clock, udp, layer, events } = setup();
    layer.sendRequest(outgoingInvite(), PEER);
    expect(live(layer)).toEqual({ 'invite-client calling': 1 });
    clock.advance(1500); // Timer A at 500 ms and 1500 ms
    expect(events).toEqual(['sent request INVITE', 'sent request INVITE']);
    const first = udp.sent[0]!.text;
    udp.inject(answer(first, 180), PEER);
    udp.inject(answer(first, 180), PEER); // the callee answered our resent INVITE with its 180 again
    udp.inject(answer(first, 180, 'other-fork'), PEER); // another fork's 180 is news
    expect(live(layer)).toEqual({ 'invite-client proceeding': 1 });
    udp.inject(answer(first, 486), PEER);
    udp.inject(answer(first, 486), PEER); // its ACK is re-sent
    expect(events.slice(2)).toEqual([
      'received response INVITE',
      'received response INVITE',
      'sent request ACK',
    ]);
    expect(live(layer)).toEqual({ 'invite-client completed': 1 });
    clock.advance(32_000); // Timer D
    expect(live(layer)).toEqual({});
    expect(Object.keys(layer.census())).toEqual([
      'invite-client',
      'non-invite-client',
      'invite-server',
      'non-invite-server',
    ]);
    expect(layer.census()['invite-client']).toEqual({ calling: 0, proceeding: 0, completed: 0, accepted: 0 });
  });

  it('INVITE server: a resent INVITE, Timer G and a second ACK (§17.2.1)', () => {
    const { clock, udp, layer, events, servers } = setup();
    udp.inject(invite(), SRC);
    expect(live(layer)).toEqual({ 'invite-server proceeding': 1 });
    udp.inject(invite(), SRC); // answered with the 100 again
    expect(events).toEqual(['received request INVITE', 'sent response INVITE']);
    servers[0]!.reply(486);
    clock.advance(500); // Timer G
    expect(events.slice(2)).toEqual(['sent response INVITE']);
    expect(live(layer)).toEqual({ 'invite-server completed': 1 });
    const toTag = servers[0]!.toTag;
    udp.inject(invite({ method: 'ACK', cseq: '1 ACK', toTag }), SRC);
    udp.inject(invite({ method: 'ACK', cseq: '1 ACK', toTag }), SRC);
    expect(events.slice(3)).toEqual(['received request ACK']);
    expect(live(layer)).toEqual({ 'invite-server confirmed': 1 });
    clock.advance(5000); // Timer I
    expect(live(layer)).toEqual({});
  });

  it("a 2xx re-sent by the UAS core (§13.3.1.4) counts as the INVITE's response sent again", () => {
    const { clock, udp, layer, events, servers } = setup();
    udp.inject(invite(), SRC);
    const tx = servers[0]!;
    const ok = new SwitchboardSipCodec().createResponse(tx.request, 200, undefined, 't2');
    new Uas2xxRetransmitter(tx, ok, clock).start();
    expect(live(layer)).toEqual({ 'invite-server accepted': 1 });
    clock.advance(1500); // at 500 ms and 1500 ms
    expect(events).toEqual(['sent response INVITE', 'sent response INVITE']);
  });

  it('non-INVITE server: a resent request gets the last response again (§17.2.2)', () => {
    const { udp, layer, events, servers } = setup();
    const options = invite({ method: 'OPTIONS', cseq: '1 OPTIONS' });
    udp.inject(options, SRC);
    udp.inject(options, SRC); // absorbed in Trying
    servers[0]!.reply(200);
    udp.inject(options, SRC);
    expect(events).toEqual(['received request OPTIONS', 'received request OPTIONS', 'sent response OPTIONS']);
    expect(live(layer)).toEqual({ 'non-invite-server completed': 1 });
  });
});
