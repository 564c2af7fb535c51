// A lone CR or LF inside a header (RFC 3261 §7.3.1: lines end with CRLF; a value holds none outside
// a CRLF WSP fold) is a 400 on every path: parseMessage and the stream framer reject it with a
// reason and partial info, both splitters agree, and building the 400 or popping a Via never throws.
// Reproducers from a mutation fuzz: test/fixtures/sip-fuzz/.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  createErrorResponse,
  createRequest,
  parseMessage,
  SipParseError,
  StreamFramer,
} from '../src/index.js';
import { splitHead } from '../src/message/message-parser.js';

const dir = fileURLToPath(new URL('./fixtures/sip-fuzz/', import.meta.url));
const fixtures = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.bin'))
  .map((f) => [f, fs.readFileSync(dir + f)] as const);

function parseError(bytes: Buffer): SipParseError {
  try {
    parseMessage(bytes);
  } catch (err) {
    if (err instanceof SipParseError) return err;
    throw err;
  }
  throw new Error('parsed');
}

function splitOutcome(bytes: Buffer, wasm: boolean): string {
  try {
    splitHead(bytes.toString('latin1'), wasm ? bytes : undefined, 0, bytes.length, Infinity);
    return 'ok';
  } catch (err) {
    return String(err);
  }
}

describe('lone CR or LF in a header (sip-fuzz reproducers)', () => {
  it('has the four reproducers', () => {
    expect(fixtures.map(([f]) => f).sort()).toEqual([
      'min-lone-CR-in-2nd-Via-value.bin',
      'min-lone-CR-in-CallID.bin',
      'min-lone-LF-in-From.bin',
      'min-lone-LF-in-Via.bin',
    ]);
  });

  it.each(fixtures)('%s: parseMessage rejects it with 400 and a reason naming the header', (_, bytes) => {
    const err = parseError(bytes);
    expect(err.status).toBe(400);
    expect(err.reason).toMatch(/^Lone (CR|LF) in the (Via|From|Call-ID) header$/);
  });

  it.each(fixtures)(
    '%s: the 400 builds and serializes, echoing the clean part of each header',
    (_, bytes) => {
      const response = createErrorResponse(parseError(bytes));
      expect(response?.status).toBe(400);
      const wire = response!.toBuffer();
      const back = parseMessage(wire);
      expect(back.kind).toBe('response');
      expect(back.topVia.branch).toBe('z9hG4bK1');
      expect(back.cseq).toEqual({ seq: 1, method: 'INVITE' });
      expect(wire.toString('latin1')).not.toMatch(/[^\r]\n|\r[^\n]/);
    },
  );

  it.each(fixtures)('%s: the stream framer rejects it with the same 400', (_, bytes) => {
    const framer = new StreamFramer();
    let error: unknown;
    try {
      framer.push(bytes);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SipParseError);
    expect((error as SipParseError).reason).toBe(parseError(bytes).reason);
    expect(createErrorResponse(error as SipParseError)?.status).toBe(400);
  });

  it.each(fixtures)('%s: the WebAssembly and JavaScript splitters agree', (_, bytes) => {
    expect(splitOutcome(bytes, true)).toBe(splitOutcome(bytes, false));
  });

  it.each([
    ['Subject: a\rb', 'Lone CR in the Subject header'],
    ['Subject: a\nb', 'Lone LF in the Subject header'],
    ['Subject: a\n\r\nX-Y: z', 'Lone LF in the Subject header'],
    ['Subject: a\r\n b\nc', 'Lone LF in the Subject header'],
    ['X\nY: a', 'Lone LF in a header line'],
  ])('rejects %j (%s), keeps folding (CRLF WSP) legal', (line, reason) => {
    const msg = (l: string) =>
      Buffer.from(
        `OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n${l}\r\nContent-Length: 0\r\n\r\n`,
        'latin1',
      );
    expect(parseError(msg(line)).reason).toBe(reason);
    expect(splitOutcome(msg(line), true)).toBe(splitOutcome(msg(line), false));
    expect(parseMessage(msg('Subject: a\r\n b')).getHeader('Subject')).toBe('a b');
  });

  it('createErrorResponse copies values up to a stray line break instead of throwing', () => {
    const err = new SipParseError('Invalid Call-ID header', {
      partial: {
        kind: 'request',
        method: 'INVITE',
        via: ['SIP/2.0/UDP a;branch=z9hG4bK1, SIP/2.0/UDP b\rX'],
        from: '<sip:a@b>;tag=1',
        to: '<sip:c@d>',
        callId: 'a\rbc',
        cseq: '1 INVITE',
      },
    });
    const r = createErrorResponse(err);
    expect(r?.getHeader('Call-ID')).toBe('a');
    expect(r?.getHeader('Via')).toBe('SIP/2.0/UDP a;branch=z9hG4bK1, SIP/2.0/UDP b');
    const m = createRequest({
      method: 'OPTIONS',
      uri: 'sip:a@b',
      headers: [['Via', 'SIP/2.0/UDP a;branch=z9hG4bK1, SIP/2.0/UDP b;branch=z9hG4bK2']],
    });
    expect(m.removeFirstValue('Via')).toBe(true);
    expect(m.getHeader('Via')).toBe('SIP/2.0/UDP b;branch=z9hG4bK2');
  });
});
