import crypto from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import { type Clock, SystemClock, type TimerHandle } from '../clock.js';
import { DEFAULT_TIMERS, type TimerConfig } from '../transaction/timer-config.js';
import { type FlowPin, type TransportFlows } from './flow-pins.js';
import { type FramerFactory } from './message-framer.js';
import { StreamConnection } from './stream-connection.js';
import {
  type Endpoint,
  type PacketHandler,
  type Transport,
  TransportError,
  type TransportSendOptions,
  endpointKey,
  normalizeHost,
} from './transport.js';

export interface StreamTransportOptions {
  host?: string;
  port?: number;
  timers?: TimerConfig;
  createFramer: FramerFactory;
  /** TLS when set: server options for accepted connections, client options for outbound ones. */
  tls?: { server: tls.TlsOptions; client?: tls.ConnectionOptions };
  /** Cap on open connections, inbound and outbound together. Default 1000. */
  maxConnections?: number;
  /** Cap on bytes buffered per connection, either direction. Default 256 KiB. */
  maxBufferedBytes?: number;
  /** Connections with no traffic for this long are closed, unless pinned by a binding. Default 120 s. */
  idleTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** Clock for the idle sweep; SystemClock by default. */
  clock?: Clock;
}

/** TCP or TLS transport with connection reuse, idle timeout and connection/buffer caps (§18, RFC 5626). */
export class StreamTransport implements Transport {
  readonly protocol: 'TCP' | 'TLS';
  readonly reliable = true;
  readonly timers: TimerConfig;
  private readonly server: net.Server;
  private readonly handlers: PacketHandler[] = [];
  private readonly byId = new Map<string, StreamConnection>();
  private readonly byRemote = new Map<string, StreamConnection>();
  private readonly clock: Clock;
  private readonly closedListeners: ((flowId: string) => void)[] = [];
  // Flow ids carry a random tag so an id never names another connection after a restart (bindings
  // outlive the process in Redis) or in another transport of the same process.
  private readonly tag = crypto.randomBytes(3).toString('hex');
  private get flowPrefix(): string {
    return `${this.protocol.toLowerCase()}-${this.tag}-`;
  }
  private sweep: TimerHandle | undefined;
  private bound: Endpoint | undefined;
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: StreamTransportOptions) {
    this.protocol = options.tls ? 'TLS' : 'TCP';
    this.timers = options.timers ?? DEFAULT_TIMERS;
    this.clock = options.clock ?? new SystemClock();
    this.server = options.tls
      ? tls.createServer(options.tls.server, (s) => this.accept(s))
      : net.createServer((s) => this.accept(s));
    this.server.on('error', () => undefined);
  }

  get connectionCount(): number {
    return this.byId.size;
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', () => {
        this.server.off('error', reject);
        const a = this.server.address() as net.AddressInfo;
        this.bound = { host: normalizeHost(a.address), port: a.port };
        this.scheduleSweep();
        resolve();
      });
    });
  }

  address(): Endpoint {
    if (!this.bound) throw new TransportError(`${this.protocol} transport is not listening`, 'CLOSED');
    return this.bound;
  }

  onPacket(handler: PacketHandler): void {
    this.handlers.push(handler);
  }

  async send(target: Endpoint, data: Buffer, flowId?: string, options?: TransportSendOptions): Promise<void> {
    if (this.closed) throw new TransportError(`${this.protocol} transport closed`, 'CLOSED');
    const byFlow = flowId !== undefined ? this.byId.get(flowId) : undefined;
    if (byFlow === undefined && flowId !== undefined && options?.flowOnly === true)
      throw new TransportError(`flow ${flowId} to ${endpointKey(target)} has closed`, 'FLOW_FAILED');
    const conn = byFlow ?? this.byRemote.get(endpointKey(target)) ?? (await this.connect(target));
    await conn.write(data);
  }

  /** RFC 5626 flows: registrations pin the connection they came on (see TransportFlows). */
  readonly flows: TransportFlows = {
    isOpen: (flowId) => this.byId.has(flowId),
    owns: (flowId) => flowId.startsWith(this.flowPrefix),
    pin: (flowId: string, key: string, pin: FlowPin | undefined) => {
      const conn = this.byId.get(flowId);
      conn?.pins.set(key, pin, this.clock.now());
      return conn !== undefined;
    },
    onClosed: (listener) => {
      this.closedListeners.push(listener);
    },
  };

  /** Sends a CRLF keep-alive ping on a flow (RFC 5626 §4.4.1). */
  ping(flowId: string): Promise<void> {
    const conn = this.byId.get(flowId);
    if (!conn) return Promise.reject(new TransportError(`no connection ${flowId}`, 'CLOSED'));
    return conn.ping();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.sweep?.cancel();
    for (const c of [...this.byId.values()]) c.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    if (this.closed || this.byId.size >= (this.options.maxConnections ?? 1000)) {
      socket.destroy();
      return;
    }
    this.register(socket, { host: normalizeHost(socket.remoteAddress ?? ''), port: socket.remotePort ?? 0 });
  }

  private connect(target: Endpoint): Promise<StreamConnection> {
    if (this.byId.size >= (this.options.maxConnections ?? 1000)) {
      return Promise.reject(
        new TransportError(`${this.protocol} connection limit reached`, 'CONNECTION_LIMIT'),
      );
    }
    return new Promise((resolve, reject) => {
      const opts = { host: target.host, port: target.port, timeout: this.options.connectTimeoutMs ?? 10_000 };
      const socket = this.options.tls
        ? tls.connect({ ...this.options.tls.client, ...opts })
        : net.connect(opts);
      const ready = this.options.tls ? 'secureConnect' : 'connect';
      const fail = (err?: Error): void => {
        socket.destroy();
        const why = err?.message ?? 'timed out';
        reject(
          new TransportError(
            `${this.protocol} connect to ${endpointKey(target)} failed: ${why}`,
            'CONNECT_FAILED',
          ),
        );
      };
      socket.once('error', fail);
      socket.once('timeout', fail);
      socket.once(ready, () => {
        socket.off('error', fail);
        socket.off('timeout', fail);
        socket.setTimeout(0);
        resolve(this.register(socket, target));
      });
    });
  }

  private register(socket: net.Socket, remote: Endpoint): StreamConnection {
    socket.setNoDelay(true);
    const id = `${this.flowPrefix}${this.nextId++}`;
    const conn = new StreamConnection(
      id,
      remote,
      socket,
      this.options.createFramer(),
      { maxBufferedBytes: this.options.maxBufferedBytes ?? 256 * 1024 },
      {
        message: (framed, c) => {
          const packet = {
            data: framed.data,
            parsed: framed.parsed,
            source: c.remote,
            flowId: c.id,
            transport: this,
          };
          for (const h of this.handlers) h(packet);
        },
        closed: (c) => {
          this.byId.delete(c.id);
          if (this.byRemote.get(endpointKey(c.remote)) === c) this.byRemote.delete(endpointKey(c.remote));
          for (const l of this.closedListeners) l(c.id);
        },
      },
      () => this.clock.now(),
    );
    this.byId.set(id, conn);
    this.byRemote.set(endpointKey(remote), conn);
    return conn;
  }

  /**
   * Closes connections idle for longer than idleTimeoutMs, except those a live binding pins (they stay
   * open for the binding's lifetime unless their keep-alives stop); runs every quarter of that period.
   */
  private scheduleSweep(): void {
    const idle = this.options.idleTimeoutMs ?? 120_000;
    this.sweep = this.clock.schedule(Math.max(1, idle / 4), () => {
      const now = this.clock.now();
      for (const c of [...this.byId.values()]) {
        const verdict = c.pins.verdict(now, c.lastReceived);
        if (verdict === 'dead' || (verdict === 'free' && c.lastActivity <= now - idle)) c.destroy();
      }
      if (!this.closed) this.scheduleSweep();
    });
  }
}
