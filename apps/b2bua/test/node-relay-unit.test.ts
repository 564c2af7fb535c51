import { parseMessage, SipRequest } from '@switchboard/sip';
import { describe, expect, it } from 'vitest';
import {
  ClusterPeers,
  formatNodeRelay,
  nodeRelaySpec,
  parseNodeRelay,
  relayedCaller,
} from '../src/calls/cluster/node-relay.js';

/** An INVITE as a peer node relays it (P-Asserted-Identity of the caller it authenticated). */
function invite(uri: string, pai?: string): SipRequest {
  const text = [
    `INVITE ${uri} SIP/2.0`,
    'Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-1',
    'Max-Forwards: 69',
    'From: <sip:202@pbx.test>;tag=a',
    `To: <${uri}>`,
    'Call-ID: relay-1@switchboard',
    'CSeq: 1 INVITE',
    ...(pai ? [`P-Asserted-Identity: ${pai}`] : []),
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  const message = parseMessage(Buffer.from(text));
  if (!(message instanceof SipRequest)) throw new Error('not a request');
  return message;
}

describe('node relay (calls/cluster)', () => {
  it('marker values round-trip; anything else is not a relay request', () => {
    const pickup = { kind: 'pickup', call: '3f1c-9a', pickup: 'directed' } as const;
    expect(parseNodeRelay(formatNodeRelay(pickup))).toEqual(pickup);
    expect(parseNodeRelay(formatNodeRelay({ kind: 'park' }))).toEqual({ kind: 'park' });
    for (const bad of [
      undefined,
      '',
      'pickup',
      'pickup;call=x;kind=all',
      'pickup;call=a b;kind=group',
      'parks',
    ])
      expect(parseNodeRelay(bad)).toBeUndefined();
  });

  it('peers: only configured addresses (never this node) are relay targets and trusted sources', () => {
    const peers = new ClusterPeers('10.0.0.1:5060', ['10.0.0.1:5060', '10.0.0.2:5060']);
    expect(peers.any).toBe(true);
    expect(peers.target('10.0.0.2:5060')).toEqual({ host: '10.0.0.2', port: 5060, protocol: 'UDP' });
    expect(peers.target('10.0.0.1:5060')).toBeUndefined(); // itself
    expect(peers.target('192.0.2.9:5060')).toBeUndefined(); // a Redis entry naming a stranger
    expect(peers.target(undefined)).toBeUndefined();
    expect(peers.isPeer({ host: '10.0.0.2', port: 5060 })).toBe(true);
    expect(peers.isPeer({ host: '10.0.0.2', port: 5061 })).toBe(false);
    expect(new ClusterPeers('10.0.0.1:5060', []).any).toBe(false);
  });

  it('the relayed branch goes to the holder with the marker; its caller is the asserted identity of our domain', () => {
    const spec = nodeRelaySpec({
      node: '10.0.0.2:5060',
      target: { host: '10.0.0.2', port: 5060, protocol: 'UDP' },
      user: '701',
      request: { kind: 'park' },
    });
    expect(spec).toMatchObject({
      uri: 'sip:701@10.0.0.2:5060',
      extraHeaders: [{ name: 'Switchboard-Node-Relay', value: 'park' }],
    });
    expect(relayedCaller(invite('sip:701@10.0.0.2:5060', '"Ann" <sip:202@pbx.test>'), 'pbx.test')).toEqual({
      callerUri: 'sip:202@pbx.test',
      callerName: 'Ann',
      callerExtension: '202',
      destination: '701',
      requestUri: 'sip:701@10.0.0.2:5060',
    });
    expect(
      relayedCaller(invite('sip:701@10.0.0.2:5060', '<sip:202@elsewhere.test>'), 'pbx.test'),
    ).toBeUndefined();
    expect(relayedCaller(invite('sip:701@10.0.0.2:5060'), 'pbx.test')).toBeUndefined();
  });
});
