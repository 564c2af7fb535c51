import { StreamFramer } from '@switchboard/sip';
import { type MessageFramer } from '../transport/message-framer.js';

/**
 * Adapts @switchboard/sip's StreamFramer (which yields parsed messages) to the transports'
 * byte-oriented MessageFramer. The bytes are handed on and parsed again by the layer: simple,
 * at the cost of a second parse per stream message (UDP, the hot path, parses once).
 */
export class SipStreamFramer implements MessageFramer {
  private readonly framer: StreamFramer;

  constructor(options: { maxHeaderBytes?: number; maxBodyBytes?: number } = {}) {
    this.framer = new StreamFramer(options);
  }

  get buffered(): number {
    return this.framer.bufferedBytes;
  }

  push(chunk: Buffer): Buffer[] {
    return this.framer.push(chunk).map((m) => m.source ?? m.toBuffer());
  }
}

export const createSipFramer = (): MessageFramer => new SipStreamFramer();
