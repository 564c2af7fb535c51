import { type FramedMessage, type MessageFramer } from '../../src/index.js';

/** A minimal Content-Length framer for transport tests (production uses @switchboard/sip's StreamFramer). */
export class TestFramer implements MessageFramer {
  private buf = Buffer.alloc(0);

  get buffered(): number {
    return this.buf.length;
  }

  push(chunk: Buffer): FramedMessage[] {
    this.buf = Buffer.concat([this.buf, chunk]);
    const out: FramedMessage[] = [];
    for (;;) {
      const end = this.buf.indexOf('\r\n\r\n');
      if (end < 0) return out;
      const head = this.buf.subarray(0, end).toString('latin1');
      const m = /\r\nContent-Length:\s*(\d+)/i.exec(head);
      const total = end + 4 + Number(m?.[1] ?? 0);
      if (this.buf.length < total) return out;
      out.push({ data: this.buf.subarray(0, total) });
      this.buf = this.buf.subarray(total);
    }
  }
}

export const msg = (n: number, body = ''): Buffer =>
  Buffer.from(
    `OPTIONS sip:x@y SIP/2.0\r\nCall-ID: ${n}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
