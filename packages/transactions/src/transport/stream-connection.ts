import type net from 'node:net';
import { FlowPins } from './flow-pins.js';
import { type FramedMessage, type MessageFramer } from './message-framer.js';
import { type Endpoint, TransportError } from './transport.js';

const CRLF = Buffer.from('\r\n');

export interface StreamConnectionLimits {
  /** Cap on bytes held for one incomplete inbound message, and on unsent outbound bytes. */
  readonly maxBufferedBytes: number;
}

export interface StreamConnectionEvents {
  message(framed: FramedMessage, conn: StreamConnection): void;
  closed(conn: StreamConnection): void;
  /** A CRLF pong (RFC 5626 §4.4.1) arrived in answer to our ping. */
  pong?(conn: StreamConnection): void;
}

/**
 * One TCP or TLS connection: frames inbound bytes into SIP messages, answers CRLF keep-alive
 * pings (RFC 5626 §4.4.1), and enforces the buffered-bytes cap so a peer cannot grow memory.
 */
export class StreamConnection {
  lastActivity: number;
  /** Last bytes from the peer (messages or keep-alives): RFC 5626 §4.4.1 flow liveness. */
  lastReceived: number;
  /** Registration bindings that keep this connection open past the idle timeout. */
  readonly pins = new FlowPins();
  private closed = false;

  constructor(
    readonly id: string,
    readonly remote: Endpoint,
    private readonly socket: net.Socket,
    private readonly framer: MessageFramer,
    private readonly limits: StreamConnectionLimits,
    private readonly events: StreamConnectionEvents,
    private readonly now: () => number,
  ) {
    this.lastActivity = now();
    this.lastReceived = this.lastActivity;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('close', () => this.markClosed());
    socket.on('error', () => this.markClosed());
  }

  get isClosed(): boolean {
    return this.closed;
  }

  write(data: Buffer): Promise<void> {
    if (this.closed) return Promise.reject(new TransportError(`connection ${this.id} is closed`, 'CLOSED'));
    if (this.socket.writableLength + data.length > this.limits.maxBufferedBytes) {
      this.destroy();
      return Promise.reject(
        new TransportError(`connection ${this.id} has too many unsent bytes`, 'BUFFER_LIMIT'),
      );
    }
    this.lastActivity = this.now();
    return new Promise((resolve, reject) => {
      this.socket.write(data, (err) => {
        if (err) reject(new TransportError(`write on ${this.id} failed: ${err.message}`, 'SEND_FAILED'));
        else resolve();
      });
    });
  }

  /** Sends an RFC 5626 §4.4.1 double-CRLF ping; the peer answers with a single CRLF. */
  ping(): Promise<void> {
    return this.write(Buffer.concat([CRLF, CRLF]));
  }

  destroy(): void {
    this.socket.destroy();
    this.markClosed();
  }

  private onData(chunk: Buffer): void {
    this.lastActivity = this.now();
    this.lastReceived = this.lastActivity;
    let data = chunk;
    // Keep-alives only count between messages, never inside a partly received one.
    while (this.framer.buffered === 0 && data.length >= 2 && data[0] === 0x0d && data[1] === 0x0a) {
      if (data.length >= 4 && data[2] === 0x0d && data[3] === 0x0a) {
        this.socket.write(CRLF);
        data = data.subarray(4);
      } else {
        this.events.pong?.(this);
        data = data.subarray(2);
      }
    }
    if (data.length === 0) return;
    let messages: FramedMessage[];
    try {
      messages = this.framer.push(data);
    } catch (err) {
      // Unframeable bytes (e.g. a bad Content-Length): the stream cannot be resynchronised. Say
      // why when the framer can (a 400 with the reason, RFC 3261 §18.3), then close.
      this.rejectAndClose(err);
      return;
    }
    for (const m of messages) this.events.message(m, this);
    if (this.framer.buffered > this.limits.maxBufferedBytes) this.destroy();
  }

  private rejectAndClose(err: unknown): void {
    let answer: Buffer | undefined;
    try {
      answer = this.framer.rejection?.(err);
    } catch {
      answer = undefined;
    }
    if (answer === undefined) {
      this.destroy();
      return;
    }
    this.socket.removeAllListeners('data');
    this.markClosed();
    // end() flushes the answer and sends FIN; the socket is destroyed once the bytes are written.
    this.socket.end(answer, () => this.socket.destroy());
  }

  private markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.events.closed(this);
  }
}
