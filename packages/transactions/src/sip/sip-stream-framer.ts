import { createErrorResponse, SipParseError, StreamFramer } from '@switchboard/sip';
import { type FramedMessage, type MessageFramer } from '../transport/message-framer.js';

/**
 * Adapts @switchboard/sip's StreamFramer to the transports' MessageFramer: each message is
 * handed on with its bytes and the parsed object, which the layer adopts instead of re-parsing.
 */
export class SipStreamFramer implements MessageFramer {
  private readonly framer: StreamFramer;

  constructor(options: { maxHeaderBytes?: number; maxBodyBytes?: number; maxMessageBytes?: number } = {}) {
    this.framer = new StreamFramer(options);
  }

  get buffered(): number {
    return this.framer.bufferedBytes;
  }

  push(chunk: Buffer): FramedMessage[] {
    return this.framer.push(chunk).map((m) => ({ data: m.source ?? m.toBuffer(), parsed: m }));
  }

  /** The 400 (or 513) for a request the stream could not frame, when its headers allow one (§8.2.6). */
  rejection(error: unknown): Buffer | undefined {
    return error instanceof SipParseError ? createErrorResponse(error)?.toBuffer() : undefined;
  }
}

export const createSipFramer = (): MessageFramer => new SipStreamFramer();

/**
 * Framers that refuse a message over `maxMessageBytes` with 513 (RFC 3261 §21.5.14) from its header
 * section, before its body is buffered; the connection then closes (the stream cannot resync).
 */
export const sipFramerFactory =
  (maxMessageBytes: number): (() => MessageFramer) =>
  () =>
    new SipStreamFramer({ maxMessageBytes });
