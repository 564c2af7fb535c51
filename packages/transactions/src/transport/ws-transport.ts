import crypto from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type tls from 'node:tls';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { DEFAULT_TIMERS, type TimerConfig } from '../transaction/timer-config.js';
import { type TransportFlows } from './flow-pins.js';
import {
  type Endpoint,
  type PacketHandler,
  type Transport,
  TransportError,
  type TransportSendOptions,
  endpointKey,
  normalizeHost,
} from './transport.js';

/** RFC 7118 §4: the WebSocket subprotocol for SIP. */
export const SIP_SUBPROTOCOL = 'sip';

const CRLF = Buffer.from('\r\n');

export interface WsTransportOptions {
  host?: string;
  port?: number;
  timers?: TimerConfig;
  /** WSS when set. */
  tls?: { server: tls.TlsOptions; client?: tls.ConnectionOptions };
  maxConnections?: number;
  /** Largest accepted WebSocket message. Default 256 KiB. */
  maxMessageBytes?: number;
}

interface WsFlow {
  readonly id: string;
  readonly remote: Endpoint;
  readonly socket: WebSocket;
}

/** SIP over WebSocket (RFC 7118): one SIP message per WebSocket message, `sip` subprotocol required. */
export class WsTransport implements Transport {
  readonly protocol: 'WS' | 'WSS';
  readonly reliable = true;
  readonly timers: TimerConfig;
  private readonly http: http.Server;
  private readonly wss: WebSocketServer;
  private readonly handlers: PacketHandler[] = [];
  private readonly byId = new Map<string, WsFlow>();
  private readonly byRemote = new Map<string, WsFlow>();
  private readonly closedListeners: ((flowId: string) => void)[] = [];
  /** Random per transport, so a flow id stored with a binding never names a later connection. */
  private readonly tag = crypto.randomBytes(3).toString('hex');
  private get flowPrefix(): string {
    return `${this.protocol.toLowerCase()}-${this.tag}-`;
  }
  private bound: Endpoint | undefined;
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: WsTransportOptions = {}) {
    this.protocol = options.tls ? 'WSS' : 'WS';
    this.timers = options.timers ?? DEFAULT_TIMERS;
    this.http = options.tls ? https.createServer(options.tls.server) : http.createServer();
    this.wss = new WebSocketServer({
      server: this.http,
      maxPayload: options.maxMessageBytes ?? 256 * 1024,
      // RFC 7118 §4.1: refuse handshakes that do not offer the `sip` subprotocol.
      handleProtocols: (protocols) => (protocols.has(SIP_SUBPROTOCOL) ? SIP_SUBPROTOCOL : false),
      // A refused handshake gets an HTTP answer that says why: 400 without the subprotocol (RFC 7118
      // §4.1; RFC 6455 §4.2.2 leaves the status to the server), 503 at the connection cap.
      verifyClient: (
        info: { req: http.IncomingMessage },
        done: (ok: boolean, status?: number, message?: string) => void,
      ) => {
        const offered = String(info.req.headers['sec-websocket-protocol'] ?? '');
        if (!offered.split(',').some((p) => p.trim() === SIP_SUBPROTOCOL))
          done(false, 400, 'SIP over WebSocket needs the "sip" subprotocol (RFC 7118)');
        else if (this.atLimit()) done(false, 503, 'Too many WebSocket connections');
        else done(true);
      },
    });
    this.wss.on('connection', (socket, req) => {
      const remote = {
        host: normalizeHost(req.socket.remoteAddress ?? ''),
        port: req.socket.remotePort ?? 0,
      };
      this.register(socket, remote);
    });
    this.http.on('error', () => undefined);
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', () => {
        this.http.off('error', reject);
        const a = this.http.address();
        if (a === null || typeof a === 'string')
          return reject(new TransportError('no bound address', 'CLOSED'));
        this.bound = { host: normalizeHost(a.address), port: a.port };
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

  /**
   * RFC 5626 flows. A WebSocket has no idle timeout here (browsers and phones keep it up and it closes
   * when they go), so a pin only asks whether the flow is open.
   */
  readonly flows: TransportFlows = {
    isOpen: (flowId) => this.byId.has(flowId),
    owns: (flowId) => flowId.startsWith(this.flowPrefix),
    pin: (flowId) => this.byId.has(flowId),
    onClosed: (listener) => {
      this.closedListeners.push(listener);
    },
  };

  async send(target: Endpoint, data: Buffer, flowId?: string, options?: TransportSendOptions): Promise<void> {
    if (this.closed) throw new TransportError(`${this.protocol} transport closed`, 'CLOSED');
    const byFlow = flowId !== undefined ? this.byId.get(flowId) : undefined;
    if (byFlow === undefined && flowId !== undefined && options?.flowOnly === true)
      throw new TransportError(`flow ${flowId} to ${endpointKey(target)} has closed`, 'FLOW_FAILED');
    const flow = byFlow ?? this.byRemote.get(endpointKey(target)) ?? (await this.connect(target));
    await new Promise<void>((resolve, reject) => {
      flow.socket.send(data, (err) =>
        err ? reject(new TransportError(`WebSocket send failed: ${err.message}`, 'SEND_FAILED')) : resolve(),
      );
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const f of this.byId.values()) f.socket.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private atLimit(): boolean {
    return this.byId.size >= (this.options.maxConnections ?? 1000);
  }

  private connect(target: Endpoint): Promise<WsFlow> {
    if (this.atLimit()) {
      return Promise.reject(new TransportError('WebSocket connection limit reached', 'CONNECTION_LIMIT'));
    }
    const scheme = this.options.tls ? 'wss' : 'ws';
    const host = target.host.includes(':') ? `[${target.host}]` : target.host;
    const socket = new WebSocket(`${scheme}://${host}:${target.port}`, SIP_SUBPROTOCOL, {
      ...this.options.tls?.client,
      maxPayload: this.options.maxMessageBytes ?? 256 * 1024,
    });
    return new Promise((resolve, reject) => {
      socket.once('open', () => {
        if (socket.protocol !== SIP_SUBPROTOCOL) {
          socket.terminate();
          reject(new TransportError('peer did not accept the sip subprotocol', 'CONNECT_FAILED'));
          return;
        }
        resolve(this.register(socket, target));
      });
      socket.once('error', (err) =>
        reject(
          new TransportError(
            `WebSocket connect to ${endpointKey(target)} failed: ${err.message}`,
            'CONNECT_FAILED',
          ),
        ),
      );
    });
  }

  private register(socket: WebSocket, remote: Endpoint): WsFlow {
    const flow: WsFlow = { id: `${this.flowPrefix}${this.nextId++}`, remote, socket };
    this.byId.set(flow.id, flow);
    this.byRemote.set(endpointKey(remote), flow);
    socket.on('message', (raw: RawData) => {
      const data = toBuffer(raw);
      if (data.length === 0) return;
      // RFC 5626 §4.4.1 keep-alive as WebSocket SIP clients send it (a CRLFCRLF message): CRLF pong.
      if (isDoubleCrlf(data)) {
        socket.send(CRLF, (err) => {
          if (err) socket.terminate();
        });
        return;
      }
      // A lone CRLF is the peer's pong to a ping of ours: nothing to parse.
      if (data.equals(CRLF)) return;
      const packet = { data, source: remote, flowId: flow.id, transport: this };
      for (const h of this.handlers) h(packet);
    });
    socket.on('error', () => socket.terminate());
    socket.on('close', () => {
      this.byId.delete(flow.id);
      if (this.byRemote.get(endpointKey(remote)) === flow) this.byRemote.delete(endpointKey(remote));
      for (const l of this.closedListeners) l(flow.id);
    });
    return flow;
  }
}

function isDoubleCrlf(data: Buffer): boolean {
  return data.length === 4 && data.readUInt32BE(0) === 0x0d0a0d0a;
}

function toBuffer(raw: RawData): Buffer {
  if (Buffer.isBuffer(raw)) return raw;
  if (Array.isArray(raw)) return Buffer.concat(raw);
  return Buffer.from(raw);
}
