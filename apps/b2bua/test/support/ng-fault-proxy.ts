import { createSocket, type RemoteInfo } from 'node:dgram';

/**
 * A UDP hop between the PBX and a real rtpengine on loopback that passes every ng command through,
 * except the `offer` commands it was told to refuse: those get rtpengine's own error form
 * (`<cookie> d12:error-reason…6:result5:errore`) without reaching it, as when rtpengine refuses a
 * call (port exhaustion, a bad SDP). Answers go back to the sender by cookie.
 */
export class NgFaultProxy {
  private readonly socket = createSocket('udp4');
  private readonly senders = new Map<string, RemoteInfo>();
  /** Text an offer must contain to be refused (its via-branch: a leg's Call-ID), once armed. */
  private readonly refusing = new Set<string>();
  /** Cookies already refused: their retransmissions are refused too. */
  private readonly refused = new Set<string>();

  private constructor(private readonly upstream: { address: string; port: number }) {}

  static async start(upstream: { address: string; port: number }): Promise<NgFaultProxy> {
    const proxy = new NgFaultProxy(upstream);
    proxy.socket.on('message', (msg, from) => proxy.receive(msg, from));
    await new Promise<void>((resolve) => proxy.socket.bind(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** Offers whose message contains `text` are answered with an error from now on. */
  refuseOffersWith(text: string): void {
    this.refusing.add(text);
  }

  /** How many offers were refused so far. */
  get refusedCount(): number {
    return this.refused.size;
  }

  close(): void {
    this.socket.close();
  }

  private receive(msg: Buffer, from: RemoteInfo): void {
    const space = msg.indexOf(0x20);
    if (space <= 0) return;
    const cookie = msg.subarray(0, space).toString('latin1');
    if (from.port === this.upstream.port && from.address === this.upstream.address) {
      const sender = this.senders.get(cookie);
      if (sender) this.socket.send(msg, sender.port, sender.address);
      return;
    }
    const body = msg.subarray(space + 1).toString('latin1');
    const isOffer = body.includes('7:command5:offer');
    if (this.refused.has(cookie) || (isOffer && [...this.refusing].some((t) => body.includes(t)))) {
      this.refused.add(cookie);
      const reason = 'injected by the test';
      const answer = `${cookie} d12:error-reason${reason.length}:${reason}6:result5:errore`;
      this.socket.send(Buffer.from(answer, 'latin1'), from.port, from.address);
      return;
    }
    this.senders.set(cookie, from);
    this.socket.send(msg, this.upstream.port, this.upstream.address);
  }
}
