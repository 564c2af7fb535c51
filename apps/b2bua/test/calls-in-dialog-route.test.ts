import { resolveRequestTarget, type OutgoingRequest } from '@switchboard/dialog';
import type { SipMessage } from '@switchboard/sip';
import {
  FakeClock,
  type ClientTransaction,
  type ResolvedTarget,
  type TransportProtocol,
} from '@switchboard/transactions';
import { describe, expect, it } from 'vitest';
import type { CallSipPort } from '../src/calls/call-sip-port.js';
import { InDialogRoute, reachedOnFlow } from '../src/calls/legs/in-dialog-route.js';

/** A port that records where each request and ACK went; `names` answers RFC 3263 look-ups. */
function recordingPort(names: Record<string, ResolvedTarget> = {}) {
  const sent: Array<{ method: string; target: ResolvedTarget }> = [];
  const lookups: string[] = [];
  const port: CallSipPort = {
    clock: new FakeClock(),
    sendRequest: (request, target) => {
      sent.push({ method: request.method, target });
      return {} as ClientTransaction<SipMessage>;
    },
    sendAck: (ack, target) => {
      sent.push({ method: ack.method, target });
      return Promise.resolve();
    },
    localUri: () => 'sip:127.0.0.1:5060',
    resolve: ({ host }) => {
      lookups.push(host);
      const found = names[host];
      return Promise.resolve(found ? [found] : []);
    },
  };
  return { port, sent, lookups };
}

/** An in-dialog request to `remoteTarget` through `routeSet`, as the dialog builds it (§12.2.1.1). */
const request = (method: string, remoteTarget: string, routeSet: string[] = []): OutgoingRequest => ({
  method,
  ...resolveRequestTarget(remoteTarget, routeSet),
  from: { uri: 'sip:b2bua@127.0.0.1', tag: 'a' },
  to: { uri: 'sip:201@127.0.0.1', tag: 'b' },
  callId: 'c1',
  cseq: { seq: 2, method },
  maxForwards: 70,
  headers: [],
});

const at = (host: string, port: number, protocol: TransportProtocol = 'UDP'): ResolvedTarget => ({
  host,
  port,
  protocol,
});
/** The route of a peer whose dialog-creating message came over `flow` with `contact`. */
const peer = (port: CallSipPort, flow: ResolvedTarget, contact: string) =>
  new InDialogRoute(port, flow, reachedOnFlow(contact, flow));
const where = (t: ResolvedTarget | undefined) => t && `${t.protocol} ${t.host}:${t.port}`;

describe('InDialogRoute (issue #16 item 9: RFC 3261 §12.2.1.1, §8.1.2, §16.12; RFC 3581 / RFC 5626 flows)', () => {
  it('a peer reachable at its Contact: requests go to the remote target, which a target refresh may move', () => {
    const { port, sent } = recordingPort();
    const route = peer(port, at('127.0.0.1', 5070), 'sip:201@127.0.0.1:5070');
    expect(route.pinned).toBe(false);
    route.send(request('BYE', 'sip:moved@192.0.2.7:5080'), {});
    route.send(request('INFO', 'sip:moved@192.0.2.7;transport=tcp'), {});
    route.heardFrom(at('198.51.100.1', 40000)); // only a pinned peer follows its source
    route.send(request('UPDATE', 'sips:moved@192.0.2.7'), {});
    expect(sent.map((s) => where(s.target))).toEqual([
      'UDP 192.0.2.7:5080',
      'TCP 192.0.2.7:5060',
      'TLS 192.0.2.7:5061', // sips: → TLS, default port 5061 (RFC 3263 §4.1)
    ]);
  });

  it('a loose-routing first hop (;lr) gets the request; a strict one (no lr) is the Request-URI', () => {
    const { port, sent } = recordingPort();
    const route = peer(port, at('127.0.0.1', 5070), 'sip:201@127.0.0.1:5070');
    route.send(request('BYE', 'sip:201@127.0.0.1:5070', ['<sip:192.0.2.1:5062;lr>', '<sip:p2;lr>']), {});
    // Strict: Request-URI sip:192.0.2.2:5064, Route <sip:p2;lr>, <sip:201@…> — p2 is not the next hop.
    route.send(request('BYE', 'sip:201@127.0.0.1:5070', ['<sip:192.0.2.2:5064>', '<sip:p2;lr>']), {});
    expect(sent.map((s) => where(s.target))).toEqual(['UDP 192.0.2.1:5062', 'UDP 192.0.2.2:5064']);
  });

  it('a phone behind NAT (Contact ≠ source) is reached at its received/rport flow, which follows its latest request; a route set still wins', () => {
    const { port, sent } = recordingPort();
    const route = peer(port, at('203.0.113.9', 61000), 'sip:100@10.0.0.5:5060');
    expect(route.pinned).toBe(true);
    route.send(request('BYE', 'sip:100@10.0.0.5:5060'), {});
    route.heardFrom(at('203.0.113.9', 61044)); // the NAT mapping changed: the re-INVITE came from here
    void route.sendAck(request('ACK', 'sip:100@10.0.0.6:5060'));
    route.send(request('BYE', 'sip:100@10.0.0.5:5060', ['<sip:192.0.2.1;lr>']), {});
    expect(sent.map((s) => `${s.method} ${where(s.target)}`)).toEqual([
      'BYE UDP 203.0.113.9:61000',
      'ACK UDP 203.0.113.9:61044',
      'BYE UDP 192.0.2.1:5060',
    ]);
  });

  it('pinned: a UDP peer whose Contact is not its source (NAT), and any peer on a connection it opened', () => {
    const udp = at('127.0.0.1', 5070);
    expect(reachedOnFlow('sip:201@127.0.0.1:5070', udp)).toBe(false);
    expect(reachedOnFlow('sip:201@127.0.0.1:5070;transport=udp', udp)).toBe(false);
    expect(reachedOnFlow('sip:201@10.0.0.5:5070', udp)).toBe(true);
    expect(reachedOnFlow('sip:201@127.0.0.1', udp)).toBe(true); // port 5060 ≠ 5070
    expect(reachedOnFlow('sip:201@phone.example.com:5070', udp)).toBe(true);
    expect(reachedOnFlow(undefined, udp)).toBe(true);
    // A TCP/TLS/WS phone keeps its connection even when its Contact names it: its next target
    // refresh may name a listening port it cannot serve (baresip over TLS does).
    const tcp = at('127.0.0.1', 51992, 'TCP');
    expect(reachedOnFlow('sip:3401@127.0.0.1:51992;transport=tcp', tcp)).toBe(true);
    expect(reachedOnFlow('sip:x@df7jal23ls0d.invalid;transport=ws', at('127.0.0.1', 40000, 'WS'))).toBe(true);
  });

  it('a host name hop is resolved once (RFC 3263), keeps the order of the requests; a name with no target fails the request', async () => {
    const { port, sent, lookups } = recordingPort({ 'proxy.example.com': at('192.0.2.40', 5060) });
    const route = peer(port, at('127.0.0.1', 5070), 'sip:201@127.0.0.1:5070');
    const rs = ['<sip:proxy.example.com;lr>'];
    const acked = route.sendAck(request('ACK', 'sip:201@127.0.0.1:5070', rs));
    route.send(request('BYE', 'sip:201@127.0.0.1:5070', rs), {});
    await acked;
    await Promise.resolve();
    route.send(request('INFO', 'sip:201@127.0.0.1:5070', rs), {}); // known now: sent at once
    expect(sent.map((s) => `${s.method} ${where(s.target)}`)).toEqual([
      'ACK UDP 192.0.2.40:5060',
      'BYE UDP 192.0.2.40:5060',
      'INFO UDP 192.0.2.40:5060',
    ]);
    expect(lookups).toEqual(['proxy.example.com']);

    const errors: string[] = [];
    route.send(request('BYE', 'sip:201@nowhere.example.com'), {
      onTransportError: (e) => errors.push(e.message),
    });
    await expect(route.sendAck(request('ACK', 'sip:201@nowhere.example.com'))).rejects.toThrow(
      /no destination/,
    );
    expect(errors).toEqual(['no destination for sip:201@nowhere.example.com']);
  });
});
