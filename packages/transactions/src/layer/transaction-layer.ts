import { isIP } from 'node:net';
import { type Clock } from '../clock.js';
import { type MessageInfo, type ViaInfo } from '../matching/message-info.js';
import {
  cancelTargetKey,
  clientKey,
  clientKeyOf,
  mergeKey,
  rfc2543AckMatches,
  serverKey,
} from '../matching/transaction-key.js';
import { type ResolvedTarget } from '../resolver/target-resolver.js';
import { type ClientEvent, type ServerEvent, type TuNotification } from '../transaction/effects.js';
import { InviteClientTransaction } from '../transaction/invite-client-transaction.js';
import { InviteServerTransaction } from '../transaction/invite-server-transaction.js';
import { NonInviteClientTransaction } from '../transaction/non-invite-client-transaction.js';
import { NonInviteServerTransaction } from '../transaction/non-invite-server-transaction.js';
import { type TransactionContext } from '../transaction/timer-config.js';
import { TransactionRunner } from '../transaction/transaction-runner.js';
import { TRYING_DEFER_MS, type TryingPolicy, type TryingResponse } from '../transaction/trying.js';
import {
  normalizeHost,
  type InboundPacket,
  type Transport,
  type TransportProtocol,
} from '../transport/transport.js';
import { newBranch } from './branch.js';
import { ClientTransaction, type ClientTransactionHandlers, deliverClient } from './client-transaction.js';
import { receivedParams, responseTarget } from './response-target.js';
import { type RequestSource, ServerTransaction } from './server-transaction.js';
import { type SipCodec, type ViaSpec } from './sip-codec.js';
import {
  TRANSACTION_STATES,
  type TransactionCensus,
  type TransactionKind,
  type TransactionObserver,
} from './transaction-observer.js';

/** The transaction user (UA core, dialog layer, B2BUA) seen from the transaction layer. */
export interface TransactionUser<M> {
  /**
   * A new request with its server transaction (ACK never comes here). For CANCEL,
   * `cancelTarget` is the INVITE transaction it cancels (§9.2); the TU answers both.
   */
  onRequest(request: M, tx: ServerTransaction<M>, extra: { cancelTarget?: ServerTransaction<M> }): void;
  /**
   * Offered every new request except ACK and CANCEL before its server transaction exists: return
   * true to answer it as a stateless UAS (RFC 3261 §8.2.7) through `send`, and no transaction is
   * created (a retransmission is offered again; the ACK of a non-2xx answer goes to `onAck`).
   * Synchronous and cheap: it runs for every such request, floods included.
   */
  screen?(request: M, origin: RequestSource, send: (response: M) => Promise<void>): boolean;
  /** An ACK for a 2xx (it forms its own transaction, §17.1.1.3): the dialog layer's business. */
  onAck?(ack: M, origin: RequestSource): void;
  /** A response no client transaction wanted, e.g. a 2xx retransmitted after Timer M. */
  onStrayResponse?(response: M, origin: RequestSource): void;
  /** Timer H fired (no ACK), or a transport error while sending a response. */
  onServerError?(tx: ServerTransaction<M>, error: Error | 'timeout'): void;
  /** A message that could not be parsed, lacks mandatory headers, or whose handling threw. */
  onBadMessage?(error: unknown, packet: InboundPacket): void;
}

export interface TransactionLayerOptions<M> {
  readonly codec: SipCodec<M>;
  readonly clock: Clock;
  readonly transports: readonly Transport[];
  /**
   * When INVITE server transactions send 100 Trying (§17.2.1, see TryingPolicy). Default
   * `immediate`. `deferred` sends it only when the TU has not answered within 200 ms (a datagram
   * less per quick answer), but a stateful proxy in front then hears nothing from this element for
   * those 200 ms and may fail the INVITE over to another one (its fr_timer).
   */
  readonly trying?: TryingPolicy;
  /**
   * §18.1.1: requests larger than this go over TCP when a TCP transport exists and the target's
   * UDP was only a default (`ResolvedTarget.tcpOnOversize`). Default 1300.
   */
  readonly udpMaxBytes?: number;
  /** Host written into Via sent-by; default the transport's bound address. */
  readonly viaHost?: string;
  /**
   * Largest inbound message handled; a larger one is answered 513 Message Too Large from its
   * header section (RFC 3261 §21.5.14, via `SipCodec.tooLarge`) and never parsed whole. Stream
   * framers enforce it as they frame (see SipStreamFramer). Default: no limit.
   */
  readonly maxMessageBytes?: number;
  /** Told about every retransmission sent or received (metrics). */
  readonly observer?: TransactionObserver;
}

export interface SendOptions {
  /** Reuse a branch: a CANCEL must carry the INVITE's branch (§9.1). */
  readonly branch?: string;
}

/** Wires transports, the four §17 state machines and the TU together. */
export class TransactionLayer<M> {
  private readonly codec: SipCodec<M>;
  private readonly clients = new Map<string, ClientTransaction<M>>();
  private readonly servers = new Map<string, ServerTransaction<M>>();
  private readonly merged = new Map<string, string>();
  private tu: TransactionUser<M> | undefined;

  constructor(private readonly options: TransactionLayerOptions<M>) {
    this.codec = options.codec;
    for (const t of options.transports) t.onPacket((p) => this.receive(p));
  }

  setUser(tu: TransactionUser<M>): void {
    this.tu = tu;
  }

  /** Live transactions, for metrics and leak tests. */
  get size(): { clients: number; servers: number } {
    return { clients: this.clients.size, servers: this.servers.size };
  }

  /** Live transactions per kind and state (walks them all: for a metrics scrape, not a hot path). */
  census(): TransactionCensus {
    const census = Object.fromEntries(
      Object.entries(TRANSACTION_STATES).map(([kind, states]) => [
        kind,
        Object.fromEntries(states.map((s) => [s, 0])),
      ]),
    ) as TransactionCensus;
    const count = (kind: TransactionKind, state: string) => {
      census[kind][state] = (census[kind][state] ?? 0) + 1;
    };
    for (const tx of this.clients.values())
      count(tx.method === 'INVITE' ? 'invite-client' : 'non-invite-client', tx.state);
    for (const tx of this.servers.values())
      count(tx.method === 'INVITE' ? 'invite-server' : 'non-invite-server', tx.state);
    return census;
  }

  /** Sends a request (not ACK) in a new client transaction; the layer adds the top Via. */
  sendRequest(
    request: M,
    target: ResolvedTarget,
    handlers: ClientTransactionHandlers<M> = {},
    opts: SendOptions = {},
  ): ClientTransaction<M> {
    const branch = opts.branch ?? newBranch();
    const { message, bytes, transport } = this.prepare(request, target, branch);
    const info = this.codec.info(message);
    if (info.method === 'ACK') throw new TypeError('ACK is not sent in a client transaction; use sendAck()');
    const key = clientKey(branch, info.cseqMethod);
    const ctx = this.contextOf(transport);
    const machine =
      info.method === 'INVITE'
        ? new InviteClientTransaction<M>(message, ctx, (res) => this.codec.createAck(message, res))
        : new NonInviteClientTransaction<M>(message, ctx);
    const serialize = this.memoSerialize(message, bytes);
    const runner = new TransactionRunner<ClientEvent<M>, M, string>(machine, this.options.clock, {
      send: (m) => sendTo(transport, target, serialize(m)),
      retransmitted: (m) => this.retransmitted('sent', m),
      notify: deliverClient(handlers, (m) => this.codec.info(m).status ?? 0),
      onTerminated: () => {
        this.clients.delete(key);
        handlers.onTerminated?.();
      },
    });
    const tx = new ClientTransaction<M>(key, branch, message, info.method ?? '', transport, target, runner);
    this.clients.set(key, tx);
    runner.start();
    // §9.1: the INVITE this CANCEL belongs to is given up 64*T1 later if no final response comes.
    if (info.method === 'CANCEL' && opts.branch !== undefined)
      this.clients.get(clientKey(opts.branch, 'INVITE'))?.cancelSent();
    return tx;
  }

  /** Sends an ACK for a 2xx statelessly with a fresh branch (§13.2.2.4, §17.1.1.3). */
  async sendAck(ack: M, target: ResolvedTarget): Promise<void> {
    const { bytes, transport } = this.prepare(ack, target, newBranch());
    await sendTo(transport, target, bytes);
  }

  async close(): Promise<void> {
    await Promise.all(this.options.transports.map((t) => t.close()));
  }

  /** Entry point for every inbound message from any transport. */
  receive(packet: InboundPacket): void {
    const limit = this.options.maxMessageBytes;
    if (limit !== undefined && packet.data.length > limit && this.codec.tooLarge) {
      const err = this.codec.tooLarge(packet.data, limit);
      this.tu?.onBadMessage?.(err, packet);
      this.rejectMalformed(err, packet);
      return;
    }
    let message: M;
    let info: MessageInfo;
    try {
      message =
        (packet.parsed !== undefined ? this.codec.adopt?.(packet.parsed) : undefined) ??
        this.codec.parse(packet.data);
      info = this.codec.info(message);
    } catch (err) {
      this.tu?.onBadMessage?.(err, packet);
      this.rejectMalformed(err, packet);
      return;
    }
    const origin: RequestSource = {
      transport: packet.transport,
      source: packet.source,
      flowId: packet.flowId,
    };
    try {
      if (info.isRequest) this.receiveRequest(message, info, origin);
      else this.receiveResponse(message, info, origin);
    } catch (err) {
      // Never let one message (or a TU callback) throw into the socket's event handler.
      this.tu?.onBadMessage?.(err, packet);
    }
  }

  private retransmitted(direction: 'sent' | 'received', message: M, known?: MessageInfo): void {
    const observer = this.options.observer;
    if (!observer) return;
    const info = known ?? this.codec.info(message);
    observer.retransmission({
      direction,
      message: info.isRequest ? 'request' : 'response',
      method: (info.isRequest ? info.method : undefined) ?? info.cseqMethod,
    });
  }

  /** "Bad input gets a clear answer": a 400 with the parser's reason, sent back statelessly. */
  private rejectMalformed(err: unknown, packet: InboundPacket): void {
    let answer: M | undefined;
    try {
      answer = this.codec.rejectMalformed?.(err, packet.data);
    } catch {
      answer = undefined;
    }
    if (answer === undefined) return;
    packet.transport.send(packet.source, this.codec.serialize(answer), packet.flowId).catch(() => undefined);
  }

  private receiveResponse(response: M, info: MessageInfo, origin: RequestSource): void {
    // §18.1.2: a response whose top Via is not one we wrote was misrouted; drop it.
    if (!this.isOurSentBy(info.via)) return;
    const key = clientKeyOf(info);
    const tx = key !== undefined ? this.clients.get(key) : undefined;
    if (!tx) {
      this.tu?.onStrayResponse?.(response, origin);
      return;
    }
    if (tx.repeated(info.status ?? 0, info.toTag)) this.retransmitted('received', response, info);
    tx.receive(response, info.status ?? 0);
  }

  private receiveRequest(request: M, info: MessageInfo, origin: RequestSource): void {
    const key = serverKey(info);
    const existing = this.servers.get(key);

    if (info.method === 'ACK') {
      if (existing && existing.method === 'INVITE' && rfc2543AckMatches(info, existing.toTag)) {
        // §17.2.1: a second ACK of a non-2xx answer reaches the transaction in Confirmed.
        if (existing.state === 'confirmed') this.retransmitted('received', request, info);
        existing.receive(request, true);
      } else {
        this.tu?.onAck?.(request, origin);
      }
      return;
    }
    if (existing) {
      this.retransmitted('received', request, info);
      existing.receive(request, false);
      return;
    }
    const fresh = this.stamp(request, info, origin);
    if (
      info.method !== 'CANCEL' &&
      this.tu?.screen?.(fresh.message, origin, (response) => this.sendStateless(response, fresh.via, origin))
    )
      return;
    const mk = mergeKey(info);
    const sibling = mk !== undefined ? this.merged.get(mk) : undefined;
    if (sibling !== undefined && sibling !== key && this.servers.has(sibling)) {
      // §8.2.2.2: the same request reached us by two paths; only the first is processed.
      this.createServer(fresh, info, origin, key, undefined, 'off').reply(482, 'Loop Detected');
      return;
    }
    if (info.method === 'CANCEL') {
      const target = this.servers.get(cancelTargetKey(info));
      const tx = this.createServer(fresh, info, origin, key, undefined, 'off');
      // §9.2: no matching INVITE transaction means 481.
      if (!target || target.method !== 'INVITE') tx.reply(481, 'Call/Transaction Does Not Exist');
      else this.tu?.onRequest(fresh.message, tx, { cancelTarget: target });
      return;
    }
    const tx = this.createServer(fresh, info, origin, key, mk, this.options.trying ?? 'immediate');
    this.tu?.onRequest(fresh.message, tx, {});
  }

  /** A response of no transaction (§8.2.7), sent where §18.2.2 says, on the request's flow if any. */
  private sendStateless(response: M, via: ViaInfo, origin: RequestSource): Promise<void> {
    const bytes = this.codec.serialize(response);
    return origin.transport.send(responseTarget(via, origin.source), bytes, origin.flowId);
  }

  /** §18.2.1 / RFC 3581: records where a new request really came from in its top Via. */
  private stamp(request: M, info: MessageInfo, origin: RequestSource): { message: M; via: ViaInfo } {
    const { received, rport } = receivedParams(info.via, origin.source);
    if (received === undefined && rport === undefined) return { message: request, via: info.via };
    return {
      message: this.codec.withReceived(request, received, rport),
      via: { ...info.via, received: received ?? info.via.received, rport: rport ?? info.via.rport },
    };
  }

  private createServer(
    { message: request, via }: { message: M; via: ViaInfo },
    info: MessageInfo,
    origin: RequestSource,
    key: string,
    mk: string | undefined,
    trying: TryingPolicy,
  ): ServerTransaction<M> {
    const ctx = this.contextOf(origin.transport);
    const isInvite = info.method === 'INVITE';
    const ownTrying: TryingResponse<M> | undefined =
      isInvite && trying !== 'off'
        ? {
            build: () => this.codec.createResponse(request, 100),
            afterMs: trying === 'deferred' ? TRYING_DEFER_MS : 0,
          }
        : undefined;
    const machine = isInvite
      ? new InviteServerTransaction<M>(ctx, ownTrying)
      : new NonInviteServerTransaction<M>(ctx);
    const destination = responseTarget(via, origin.source);
    const serialize = this.memoSerialize(undefined, undefined);
    // The runner's callbacks need the handle that wraps the runner itself.
    const ref: { tx?: ServerTransaction<M> } = {};
    const runner = new TransactionRunner<ServerEvent<M>, M, string>(machine, this.options.clock, {
      send: (m) => origin.transport.send(destination, serialize(m), origin.flowId),
      retransmitted: (m) => this.retransmitted('sent', m),
      notify: (n: TuNotification<M>) => {
        const tx = ref.tx;
        if (!tx) return;
        if (n.type === 'request') this.tu?.onAck?.(n.message, origin);
        else if (n.type === 'timeout') this.tu?.onServerError?.(tx, 'timeout');
        else if (n.type === 'transportError') this.tu?.onServerError?.(tx, n.error);
      },
      onTerminated: () => {
        if (this.servers.get(key) === ref.tx) this.servers.delete(key);
        if (mk !== undefined && this.merged.get(mk) === key) this.merged.delete(mk);
      },
    });
    const tx = new ServerTransaction<M>(key, request, info.method ?? '', origin, runner, this.codec);
    ref.tx = tx;
    this.servers.set(key, tx);
    if (mk !== undefined) this.merged.set(mk, key);
    runner.start();
    return tx;
  }

  /**
   * Adds the top Via and applies the §18.1.1 size rule (UDP → TCP above udpMaxBytes) where the
   * target allows it. A target reached over UDP because it registered or talks over UDP keeps
   * UDP whatever the size: it may sit behind a NAT that no TCP connection can cross, and a large
   * datagram (fragmented) still arrives where a refused TCP connect is a certain 408.
   */
  private prepare(
    request: M,
    target: ResolvedTarget,
    branch: string,
  ): { message: M; bytes: Buffer; transport: Transport } {
    let transport = this.transportFor(target.protocol, target.host);
    let message = this.codec.withVia(request, this.viaSpec(transport, branch));
    let bytes = this.codec.serialize(message);
    if (
      target.tcpOnOversize === true &&
      transport.protocol === 'UDP' &&
      bytes.length > (this.options.udpMaxBytes ?? 1300)
    ) {
      const tcp = this.findTransport('TCP', target.host);
      if (tcp) {
        transport = tcp;
        message = this.codec.withVia(request, this.viaSpec(tcp, branch));
        bytes = this.codec.serialize(message);
      }
    }
    return { message, bytes, transport };
  }

  private isOurSentBy(via: ViaInfo): boolean {
    const host = normalizeHost(via.host).toLowerCase();
    const port = via.port ?? 5060;
    for (const t of this.options.transports) {
      const a = t.address();
      if ((this.options.viaHost ?? a.host).toLowerCase() === host && port === a.port) return true;
    }
    return false;
  }

  private viaSpec(transport: Transport, branch: string): ViaSpec {
    const a = transport.address();
    return {
      transport: transport.protocol,
      host: this.options.viaHost ?? a.host,
      port: a.port,
      branch,
      rport: true,
    };
  }

  private transportFor(protocol: TransportProtocol, host: string): Transport {
    const t = this.findTransport(protocol, host);
    if (!t) throw new TypeError(`no ${protocol} transport configured for ${host}`);
    return t;
  }

  /**
   * Prefers a transport bound to the same IP family as the target, else the first of the protocol
   * (a loop, not filter + find: this runs for every request sent).
   */
  private findTransport(protocol: TransportProtocol, host: string): Transport | undefined {
    const v6 = isIP(host) === 6;
    let first: Transport | undefined;
    for (const t of this.options.transports) {
      if (t.protocol !== protocol) continue;
      first ??= t;
      if ((isIP(t.address().host) === 6) === v6) return t;
    }
    return first;
  }

  private contextOf(transport: Transport): TransactionContext {
    return { reliable: transport.reliable, timers: transport.timers };
  }

  /** Retransmissions re-send the same bytes: serialize each distinct message once. */
  private memoSerialize(first: M | undefined, firstBytes: Buffer | undefined): (m: M) => Buffer {
    let last = first;
    let lastBytes = firstBytes;
    return (m) => {
      if (m !== last || lastBytes === undefined) {
        last = m;
        lastBytes = this.codec.serialize(m);
      }
      return lastBytes;
    };
  }
}

/** Sends to a target, over its bound flow only when it has one (RFC 5626 §5.3). */
function sendTo(transport: Transport, target: ResolvedTarget, bytes: Buffer): Promise<void> {
  return target.flowId === undefined
    ? transport.send(target, bytes)
    : transport.send(target, bytes, target.flowId, { flowOnly: true });
}
