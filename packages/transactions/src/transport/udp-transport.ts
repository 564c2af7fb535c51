import dgram from 'node:dgram';
import { DEFAULT_TIMERS, type TimerConfig } from '../transaction/timer-config.js';
import { literalLookup } from './literal-lookup.js';
import {
  type Endpoint,
  type PacketHandler,
  type Transport,
  TransportError,
  normalizeHost,
} from './transport.js';

export interface UdpTransportOptions {
  /** Bind address; an IPv6 literal selects an udp6 socket. Default 127.0.0.1. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  timers?: TimerConfig;
  /**
   * SO_RCVBUF / SO_SNDBUF in bytes (the kernel caps them at net.core.rmem_max / wmem_max). A busy
   * single-threaded process needs a large receive buffer: datagrams arriving while it computes are
   * dropped once the buffer (Linux default ~208 KiB) is full. Default: the kernel's default.
   */
  recvBufferSize?: number;
  sendBufferSize?: number;
}

/** Datagram transport for IPv4 and IPv6 (RFC 3261 §18.1.1 / §18.2.1). */
export class UdpTransport implements Transport {
  readonly protocol = 'UDP' as const;
  readonly reliable = false;
  readonly timers: TimerConfig;
  private readonly socket: dgram.Socket;
  private readonly handlers: PacketHandler[] = [];
  private bound: Endpoint | undefined;
  private closed = false;

  constructor(private readonly options: UdpTransportOptions = {}) {
    this.timers = options.timers ?? DEFAULT_TIMERS;
    const host = options.host ?? '127.0.0.1';
    this.socket = dgram.createSocket({
      type: host.includes(':') ? 'udp6' : 'udp4',
      lookup: literalLookup,
      ...(options.recvBufferSize ? { recvBufferSize: options.recvBufferSize } : {}),
      ...(options.sendBufferSize ? { sendBufferSize: options.sendBufferSize } : {}),
    });
    this.socket.on('message', (data, rinfo) => this.onMessage(data, rinfo));
    // Errors such as ICMP unreachable surface on send callbacks; never let them crash the process.
    this.socket.on('error', () => undefined);
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket.once('error', reject);
      this.socket.bind(this.options.port ?? 0, this.options.host ?? '127.0.0.1', () => {
        this.socket.off('error', reject);
        const a = this.socket.address();
        this.bound = { host: normalizeHost(a.address), port: a.port };
        resolve();
      });
    });
  }

  address(): Endpoint {
    if (!this.bound) throw new TransportError('UDP transport is not listening', 'CLOSED');
    return this.bound;
  }

  onPacket(handler: PacketHandler): void {
    this.handlers.push(handler);
  }

  send(target: Endpoint, data: Buffer): Promise<void> {
    if (this.closed) return Promise.reject(new TransportError('UDP transport closed', 'CLOSED'));
    return new Promise((resolve, reject) => {
      this.socket.send(data, target.port, target.host, (err) => {
        if (err)
          reject(
            new TransportError(
              `UDP send to ${target.host}:${target.port} failed: ${err.message}`,
              'SEND_FAILED',
            ),
          );
        else resolve();
      });
    });
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }

  private onMessage(data: Buffer, rinfo: dgram.RemoteInfo): void {
    // Bare CRLFs are keep-alives, not messages.
    if (isOnlyWhitespace(data)) return;
    const packet = {
      data,
      source: { host: normalizeHost(rinfo.address), port: rinfo.port },
      flowId: undefined,
      transport: this,
    };
    for (const h of this.handlers) h(packet);
  }
}

function isOnlyWhitespace(data: Buffer): boolean {
  for (const b of data) if (b !== 0x0d && b !== 0x0a) return false;
  return true;
}
