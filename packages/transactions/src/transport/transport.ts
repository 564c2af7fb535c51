import { type TimerConfig } from '../transaction/timer-config.js';
import { type TransportFlows } from './flow-pins.js';

/** Transport names as they appear in a Via header (RFC 3261 §18, RFC 7118 §5). */
export type TransportProtocol = 'UDP' | 'TCP' | 'TLS' | 'WS' | 'WSS';

export interface Endpoint {
  /** An IP literal (no brackets for IPv6). */
  readonly host: string;
  readonly port: number;
}

/** One complete SIP message as bytes, with where it came from. */
export interface InboundPacket {
  readonly data: Buffer;
  /** The message already parsed by a stream framer, if any (see SipCodec.adopt). */
  readonly parsed?: unknown;
  readonly source: Endpoint;
  /** The connection it arrived on (stream transports); responses go back on it (§18.2.2). */
  readonly flowId: string | undefined;
  readonly transport: Transport;
}

export type PacketHandler = (packet: InboundPacket) => void;

export interface TransportSendOptions {
  /**
   * RFC 5626 §5.3: the message must go over `flowId` itself; when that connection is gone the send
   * fails (`FLOW_FAILED`) instead of reusing or opening another connection to the address.
   */
  readonly flowOnly?: boolean;
}

/**
 * Every transport exposes the same small surface so the transaction layer never knows
 * whether bytes travel on a datagram, a TCP/TLS stream or a WebSocket.
 */
export interface Transport {
  readonly protocol: TransportProtocol;
  /** Reliable transports get no retransmissions and zero-length wait timers (§17). */
  readonly reliable: boolean;
  /** Timer configuration for transactions on this transport. */
  readonly timers: TimerConfig;
  /** The bound local address, valid after `listen()` resolved. */
  address(): Endpoint;
  listen(): Promise<void>;
  /** Sends one message; on stream transports reuses `flowId` or any open connection to `target`. */
  send(target: Endpoint, data: Buffer, flowId?: string, options?: TransportSendOptions): Promise<void>;
  onPacket(handler: PacketHandler): void;
  close(): Promise<void>;
  /** Connection-oriented transports: the flows (connections) the registrar binds to. */
  readonly flows?: TransportFlows;
}

/** A typed failure of the transport layer, handed to transactions as a transport error. */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly code:
      | 'CONNECT_FAILED'
      | 'CONNECTION_LIMIT'
      | 'BUFFER_LIMIT'
      | 'CLOSED'
      | 'SEND_FAILED'
      | 'TOO_LARGE'
      /** RFC 5626 §5.3: the flow a request was bound to has closed (a 430 Flow Failed for a proxy). */
      | 'FLOW_FAILED',
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

export function endpointKey(e: Endpoint): string {
  return e.host.includes(':') ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`;
}

/** Strips brackets and the IPv4-mapped prefix Node reports on dual-stack sockets. */
export function normalizeHost(host: string): string {
  const h = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return h.startsWith('::ffff:') && h.includes('.') ? h.slice(7) : h;
}
