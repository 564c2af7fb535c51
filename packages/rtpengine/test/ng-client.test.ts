import dgram from 'node:dgram';
import { once } from 'node:events';
import { FakeClock } from '@switchboard/clock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NgClient, NgError } from '../src/index.js';

/** A scripted ng peer on loopback: records every datagram, answers as each test says. */
class ScriptedPeer {
  readonly socket = dgram.createSocket('udp4');
  readonly received: { cookie: string; body: string; from: dgram.RemoteInfo }[] = [];
  private waiters: { count: number; resolve: () => void }[] = [];

  async start(): Promise<number> {
    this.socket.bind(0, '127.0.0.1');
    await once(this.socket, 'listening');
    this.socket.on('message', (msg, from) => {
      const s = msg.toString('utf8');
      const space = s.indexOf(' ');
      this.received.push({ cookie: s.slice(0, space), body: s.slice(space + 1), from });
      this.waiters = this.waiters.filter((w) =>
        this.received.length >= w.count ? (w.resolve(), false) : true,
      );
    });
    return this.socket.address().port;
  }

  /** Resolves once `count` datagrams have arrived in total. */
  until(count: number): Promise<void> {
    if (this.received.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  reply(to: { cookie: string; from: dgram.RemoteInfo }, body: string): void {
    this.socket.send(`${to.cookie} ${body}`, to.from.port, to.from.address);
  }
}

describe('NgClient against a scripted peer (fake clock)', () => {
  let peer: ScriptedPeer;
  let clock: FakeClock;
  let client: NgClient;
  const strays: string[] = [];
  const settled: string[] = [];

  beforeEach(async () => {
    peer = new ScriptedPeer();
    const port = await peer.start();
    clock = new FakeClock();
    strays.length = 0;
    settled.length = 0;
    client = new NgClient({
      address: '127.0.0.1',
      port,
      clock,
      timeoutMs: 1000,
      retransmitMs: 100,
      onStray: (r) => strays.push(r),
      onSettled: (command, result, ms) => settled.push(`${command} ${result} ${ms}`),
    });
  });

  afterEach(() => {
    client.close();
    peer.socket.close();
  });

  it('sends `<cookie> <bencoded dict>` and resolves with the answer for that cookie', async () => {
    const answer = client.command('ping', {});
    await peer.until(1);
    const sent = peer.received[0]!;
    expect(sent.cookie).toMatch(/^[0-9a-f]{8}_0$/);
    expect(sent.body).toBe('d7:command4:pinge');
    peer.reply(sent, 'd6:result4:ponge');
    await expect(answer).resolves.toEqual({ result: 'pong' });
  });

  it('resends with the same cookie, backing off, until an answer comes', async () => {
    const ping = client.ping();
    await peer.until(1);
    clock.advance(100);
    await peer.until(2);
    clock.advance(150); // the next resend is 200 ms after the first one
    expect(peer.received).toHaveLength(2);
    clock.advance(50);
    await peer.until(3);
    expect(new Set(peer.received.map((r) => r.cookie)).size).toBe(1);
    peer.reply(peer.received[2]!, 'd6:result4:ponge');
    await expect(ping).resolves.toBeUndefined();
    expect(settled).toEqual(['ping ok 300']);
    // A late answer to an earlier copy matches nothing any more.
    peer.reply(peer.received[0]!, 'd6:result4:ponge');
    await expect.poll(() => strays).toEqual([`answer for unknown cookie ${peer.received[0]!.cookie}`]);
  });

  it('times out after its budget with a timeout error', async () => {
    const ping = client.ping();
    await peer.until(1);
    clock.advance(999);
    clock.advance(1);
    const err = await ping.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NgError);
    expect(err).toMatchObject({
      code: 'timeout',
      command: 'ping',
      message: 'rtpengine ping: no answer within 1000 ms',
    });
    expect(settled).toEqual(['ping timeout 1000']);
  });

  it('surfaces rtpengine errors and load limits with the reason', async () => {
    const offer = client.offer({ callId: 'c', fromTag: 'f', sdp: 'v=0\r\n' });
    await peer.until(1);
    peer.reply(peer.received[0]!, 'd6:result5:error12:error-reason19:Incomplete SDP bodye');
    await expect(offer).rejects.toMatchObject({
      code: 'rejected',
      message: 'rtpengine offer: Incomplete SDP body',
    });
    const query = client.query({ callId: 'c' });
    await peer.until(2);
    peer.reply(peer.received[1]!, 'd6:result10:load limite');
    await expect(query).rejects.toMatchObject({ code: 'rejected', message: 'rtpengine query: load limit' });
    expect(settled).toEqual(['offer rejected 0', 'query rejected 0']);
  });

  it('refuses an answer that is not bencode, or an offer answer without SDP', async () => {
    const bad = client.query({ callId: 'c' });
    await peer.until(1);
    peer.reply(peer.received[0]!, 'd6:result2:ok');
    await expect(bad).rejects.toMatchObject({
      code: 'protocol',
      message: 'rtpengine query: bencode: unexpected end of input at byte 24',
    });
    const noSdp = client.offer({ callId: 'c', fromTag: 'f', sdp: 'v=0\r\n' });
    await peer.until(2);
    peer.reply(peer.received[1]!, 'd6:result2:oke');
    await expect(noSdp).rejects.toMatchObject({
      code: 'protocol',
      message: 'rtpengine offer: answer carries no SDP',
    });
    const weird = client.command('statistics', {});
    await peer.until(3);
    peer.reply(peer.received[2]!, 'd6:result5:maybee');
    await expect(weird).rejects.toMatchObject({
      code: 'protocol',
      message: 'rtpengine statistics: unknown result "maybe"',
    });
  });

  it('reports stray answers and fails waiting commands when closed', async () => {
    const ping = client.ping();
    await peer.until(1);
    peer.reply({ cookie: 'nobody', from: peer.received[0]!.from }, 'd6:result4:ponge');
    await expect.poll(() => strays).toEqual(['answer for unknown cookie nobody']);
    client.close();
    await expect(ping).rejects.toMatchObject({ code: 'closed' });
    await expect(client.ping()).rejects.toMatchObject({ code: 'closed' });
  });

  it('puts the typed parameters under their ng names', async () => {
    void client
      .offer({
        callId: 'call-1',
        fromTag: 'from-1',
        viaBranch: 'z9hG4bK1',
        sdp: 'v=0\r\n',
        flags: ['trust-address'],
        replace: ['origin', 'session-connection'],
        direction: ['internal', 'external'],
        ice: 'remove',
        receivedFrom: { family: 'IP4', address: '192.0.2.1' },
      })
      .catch(() => undefined);
    await peer.until(1);
    expect(peer.received[0]!.body).toBe(
      'd3:ICE6:remove7:call-id6:call-17:command5:offer9:directionl8:internal8:externale5:flagsl13:trust-addresse' +
        '8:from-tag6:from-113:received-froml3:IP49:192.0.2.1e7:replacel6:origin18:session-connectione' +
        '3:sdp5:v=0\r\n10:via-branch8:z9hG4bK1e',
    );
  });
});
