// Framing of stream transports (TCP, TLS; RFC 3261 §18.3): messages may arrive split across
// chunks or several per chunk; Content-Length is mandatory; CRLF keep-alives (RFC 5626 §3.5.1:
// CRLFCRLF ping, CRLF pong) may appear between messages. WebSocket carries one message per
// WebSocket message (RFC 7118 §5), so it can use parseMessage directly or this framer.
import { SipParseError } from '../sip-parse-error.js';
import { buildMessage, parseHeadSection, type HeadSection } from './message-parser.js';
import { headPartial, tooLargeError } from './message-too-large.js';
import type { SipMessage } from './sip-message.js';

const CRLFCRLF = Buffer.from('\r\n\r\n', 'latin1');
const EMPTY = Buffer.alloc(0);

export interface StreamFramerOptions {
  /** Largest header section accepted (default 64 KiB); larger gives SipParseError status 513. */
  maxHeaderBytes?: number;
  /** Largest body accepted (default 1 MiB); larger gives SipParseError status 513. */
  maxBodyBytes?: number;
  /** Maximum number of header lines per message (default 1000). */
  maxHeaders?: number;
  /**
   * Largest whole message (header section + body) accepted; larger gives SipParseError status 513
   * with the head's Via/From/To/Call-ID/CSeq, so the request can be answered before the close.
   */
  maxMessageBytes?: number;
  /** Called for each keep-alive: "ping" (CRLFCRLF, answer with CRLF) or "pong" (CRLF). */
  onKeepAlive?: (kind: 'ping' | 'pong') => void;
}

/**
 * Feeds stream bytes in with push(); returns the complete messages. After a SipParseError the
 * stream cannot be re-synchronised: every later push() throws the same error (close the
 * connection, after answering 400 from error.partial when possible).
 */
export class StreamFramer {
  private buf: Buffer = EMPTY;
  private scanFrom = 0;
  private pending: HeadSection | undefined;
  private pendingHeadEnd = 0;
  private failure: SipParseError | undefined;
  private readonly maxHeaderBytes: number;
  private readonly maxBodyBytes: number;
  private readonly maxHeaders: number;
  private readonly maxMessageBytes: number;
  private readonly onKeepAlive: ((kind: 'ping' | 'pong') => void) | undefined;

  constructor(options: StreamFramerOptions = {}) {
    this.maxHeaderBytes = Math.min(options.maxHeaderBytes ?? 65536, options.maxMessageBytes ?? Infinity);
    this.maxBodyBytes = options.maxBodyBytes ?? 1048576;
    this.maxHeaders = options.maxHeaders ?? 1000;
    this.maxMessageBytes = options.maxMessageBytes ?? Infinity;
    this.onKeepAlive = options.onKeepAlive;
  }

  /** Bytes received but not yet part of a complete message. */
  get bufferedBytes(): number {
    return this.buf.length;
  }

  push(chunk: Buffer): SipMessage[] {
    if (this.failure) throw this.failure;
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const out: SipMessage[] = [];
    try {
      for (let m = this.next(); m !== undefined; m = this.next()) out.push(m);
    } catch (err) {
      if (err instanceof SipParseError) this.failure = err;
      throw err;
    }
    return out;
  }

  private next(): SipMessage | undefined {
    if (this.pending === undefined) {
      if (!this.skipKeepAlives()) return undefined;
      const headEnd = this.buf.indexOf(CRLFCRLF, this.scanFrom);
      if (headEnd < 0) {
        if (this.buf.length > this.maxHeaderBytes) throw tooLarge('Header section too large');
        this.scanFrom = Math.max(0, this.buf.length - 3);
        return undefined;
      }
      if (headEnd > this.maxHeaderBytes) throw tooLarge('Header section too large');
      const head = parseHeadSection(this.buf, 0, headEnd, { maxHeaders: this.maxHeaders });
      if (head.contentLength < 0) {
        const err = new SipParseError('Missing Content-Length header', { header: 'Content-Length' });
        err.partial = headPartial(head);
        throw err;
      }
      if (head.contentLength > this.maxBodyBytes) {
        const err = tooLarge('Body too large');
        err.partial = headPartial(head);
        throw err;
      }
      const size = headEnd + 4 + head.contentLength;
      if (size > this.maxMessageBytes) throw tooLargeError(size, this.maxMessageBytes, headPartial(head));
      this.pending = head;
      this.pendingHeadEnd = headEnd;
    }
    const bodyStart = this.pendingHeadEnd + 4;
    const end = bodyStart + this.pending.contentLength;
    if (this.buf.length < end) return undefined;
    const message = buildMessage(this.pending, this.buf, 0, bodyStart, end);
    this.buf = this.buf.subarray(end);
    this.pending = undefined;
    this.scanFrom = 0;
    return message;
  }

  /** Consumes leading CRLF keep-alives; false when more bytes are needed to decide. */
  private skipKeepAlives(): boolean {
    let p = 0;
    const b = this.buf;
    let wait = false;
    while (p < b.length && b[p] === 13) {
      if (p + 1 >= b.length) {
        wait = true; // a lone CR: wait for its LF
        break;
      }
      if (b[p + 1] !== 10) break; // not a keep-alive: let the head parser report it
      if (p + 3 < b.length && b[p + 2] === 13 && b[p + 3] === 10) {
        this.onKeepAlive?.('ping');
        p += 4;
      } else if (p + 2 < b.length && (b[p + 2] !== 13 || p + 3 < b.length)) {
        this.onKeepAlive?.('pong');
        p += 2;
      } else {
        wait = true; // CRLF or CRLF CR at the end: a pong or the start of a ping
        break;
      }
    }
    if (p > 0) {
      this.buf = b.subarray(p);
      this.scanFrom = 0;
    }
    return !wait && this.buf.length > 0;
  }
}

function tooLarge(reason: string): SipParseError {
  return new SipParseError(reason, { status: 513 });
}
