// The WebAssembly header-line splitter (wasm/header-lines-wat.ts) against the JavaScript one
// it stands in for: same lines, names, hot-header table, Content-Length and end for every input
// it accepts, and the JavaScript splitter's answer (or error) for every input it leaves to it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { identifyHeader } from '../src/headers/header-names.js';
import { INDEX_STRIDE } from '../src/headers/header-index.js';
import { HEADER_LINES_WASM } from '../src/message/header-lines.generated.js';
import { splitLinesWasm } from '../src/message/header-lines-wasm.js';
import { splitHead } from '../src/message/message-parser.js';
import { compileHeaderLines } from '../wasm/compile-header-lines.js';
import { buildCorpus } from '../bench/corpus.js';
import { bytesOf, torture } from './torture-fixtures.js';

type Outcome =
  | { error: string }
  | {
      lines: Array<[number, number, number, number, number, number]>;
      hot: number[];
      contentLength: number;
      end: number;
      terminated: boolean;
    };

// Line ids resolved the way lookups resolve them (the splitters may leave a name's shape).
function split(bytes: Buffer, useWasm: boolean, maxHeaders = Infinity): Outcome {
  const text = bytes.toString('latin1');
  try {
    const head = splitHead(text, useWasm ? bytes : undefined, 0, bytes.length, maxHeaders);
    const lines: Array<[number, number, number, number, number, number]> = [];
    const x = head.index;
    for (let k = 0; k < x.length; k += INDEX_STRIDE) {
      const id = x[k]! < 0 ? identifyHeader(text, x[k + 1]!, x[k + 2]!) : x[k]!;
      lines.push([id, x[k + 1]!, x[k + 2]!, x[k + 3]!, x[k + 4]!, x[k + 5]!]);
    }
    const { hot, contentLength, end, terminated } = head;
    return { lines, hot: [...hot], contentLength, end, terminated };
  } catch (err) {
    return { error: String(err) };
  }
}

/** Whether the WebAssembly splitter takes the message itself (no fallback). */
function wasmTakes(bytes: Buffer): boolean {
  const lineEnd = bytes.indexOf('\r\n');
  if (lineEnd < 0) return false;
  const hot = new Array<number>(18).fill(0);
  return splitLinesWasm(bytes, lineEnd + 2, bytes.length, hot, Infinity);
}

/** Same outcome from both splitters; returns whether the WebAssembly one took it. */
function expectSame(bytes: Buffer, maxHeaders?: number): boolean {
  expect(split(bytes, true, maxHeaders)).toEqual(split(bytes, false, maxHeaders));
  return wasmTakes(bytes);
}

describe('WebAssembly header-line splitter', () => {
  it('is the module wasm/header-lines-wat.ts compiles to (run `pnpm run build:wasm` after editing it)', async () => {
    const binary = await compileHeaderLines();
    expect(Buffer.from(binary).toString('base64')).toBe(HEADER_LINES_WASM);
  });

  it('splits the benchmark corpus itself (no fallback) as the JavaScript splitter does', () => {
    for (const { name, bytes } of buildCorpus()) expect(expectSame(bytes), name).toBe(true);
  });

  it('agrees on every RFC 4475 torture message', () => {
    let taken = 0;
    for (const m of torture.messages) if (expectSame(bytesOf(m.name))) taken++;
    expect(taken).toBeGreaterThan(10);
  });

  it('leaves what it does not take to the JavaScript splitter, which throws its own errors', () => {
    const cases = [
      'INVITE sip:a@b SIP/2.0\r\n Via: x\r\n\r\n', // header line starting with whitespace
      'INVITE sip:a@b SIP/2.0\r\nVia x\r\n\r\n', // no colon
      'INVITE sip:a@b SIP/2.0\r\n: x\r\n\r\n', // empty name
      'INVITE sip:a@b SIP/2.0\r\nContent-Length: 1\r\nl: 2\r\n\r\n', // two Content-Lengths
      'INVITE sip:a@b SIP/2.0\r\nContent-Length: x\r\n\r\n', // not digits
      'INVITE sip:a@b SIP/2.0\r\nContent-Length: 12 \r\n\r\n', // trailing space (accepted)
      'INVITE sip:a@b SIP/2.0\r\nContent-Length: 0000000000012\r\n\r\n', // many digits
      'INVITE sip:a@b SIP/2.0\r\nSubject: a\rb\r\n\r\n', // lone CR
      'INVITE sip:a@b SIP/2.0\r\nSubject: a\r\n b\r\n\tc\r\nTo: x\r\n\r\n', // folded lines
      'INVITE sip:a@b SIP/2.0\r\nTo: x\r\n', // no empty line
      'INVITE sip:a@b SIP/2.0\r\nTo: x', // no final CRLF
      'INVITE sip:a@b SIP/2.0\r\n\r\n', // no header
      'INVITE sip:a@b SIP/2.0', // start line only
      'INVITE sip:a@b SIP/2.0\r\nVIA : x\r\nt:y\r\nCONTENT-length:\t0\r\n\r\n',
    ];
    for (const c of cases) expectSame(Buffer.from(c, 'latin1'));
  });

  it('gives the JavaScript splitter the too-many-headers decision', () => {
    const msg = Buffer.from(`OPTIONS sip:a@b SIP/2.0\r\n${'X-A: 1\r\n'.repeat(20)}\r\n`, 'latin1');
    expectSame(msg, 10);
    expectSame(msg, 20);
    expect(split(msg, true, 10)).toEqual({ error: 'SipParseError: Too many header fields' });
  });

  it('takes 10,000 header lines (more than its record area) through the fallback', () => {
    expectSame(Buffer.from(`OPTIONS sip:a@b SIP/2.0\r\n${'a: 1\r\n'.repeat(10_000)}\r\n`, 'latin1'));
  });

  it('agrees on generated header sections (names in any case, odd bytes, folding, CRs)', () => {
    const name = fc.oneof(
      fc.constantFrom(
        'Via',
        'v',
        'V',
        'VIA',
        'From',
        'f',
        'fROM',
        'To',
        't',
        'tO',
        'Call-ID',
        'i',
        'call-id',
        'CSeq',
        'cseq',
        'Contact',
        'm',
        'Max-Forwards',
        'max-forwards',
        'Content-Length',
        'l',
        'L',
        'content-LENGTH',
        'Content-Type',
        'c',
        'Subject',
        'X-Long-Name-Header-Of-Some-Length',
        'Via ',
        'Call-Id\t',
        'Contacts',
        'Contect',
        'Max-Forward',
        'To-',
        'Fro',
        'Cseq2',
        'Contact-Length',
        'Content-Lengt',
        '',
        ' ',
        'Vi a',
        'Q\u00ff',
        '\u00c0\u00e9',
      ),
      fc.string({ maxLength: 20 }),
    );
    const value = fc.oneof(
      fc.constantFrom(
        '0',
        '12',
        '  7',
        '123456789',
        '1234567890',
        'x',
        '',
        'a, b',
        '<sip:a@b>;tag=1',
        '1\r\n 2',
      ),
      fc.string({
        unit: fc.constantFrom('a', ' ', '\t', ':', '\r', '\n', '\r\n', '\r\n ', ',', '0', '\u0000', '\u00ff'),
        maxLength: 30,
      }),
    );
    const line = fc.tuple(name, fc.constantFrom(': ', ':', ' : ', ':\t', '\t:', ''), value);
    const section = fc.record({
      lines: fc.array(line, { maxLength: 25 }),
      lead: fc.constantFrom('', ' ', '\t'),
      end: fc.constantFrom('\r\n\r\n', '\r\n', '', '\r\n\r\nv=0\r\n', '\r\n\r\r\n'),
      request: fc.boolean(),
    });
    let taken = 0;
    fc.assert(
      fc.property(section, ({ lines, lead, end, request }) => {
        const start = request ? 'INVITE sip:a@b SIP/2.0' : 'SIP/2.0 200 OK';
        const head = lines.map(([n, sep, v]) => `${n}${sep}${v}`).join('\r\n');
        if (expectSame(Buffer.from(`${start}\r\n${lead}${head}${end}`, 'latin1'))) taken++;
      }),
      { numRuns: 3000 },
    );
    // The generator must reach the WebAssembly path, not only its fallbacks. About 6 % of the
    // random sections do (143–186 of 3,000 in seven runs, the count varies with fast-check's
    // seed: sd ~13), so the bound sits far below that and far above a generator that never gets there.
    expect(taken).toBeGreaterThan(75);
  });

  it('agrees on random byte mutations of the corpus', () => {
    const corpus = buildCorpus().map((e) => e.bytes);
    let taken = 0;
    fc.assert(
      fc.property(
        fc.nat(corpus.length - 1),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom(0, 9, 10, 13, 32, 58, 0x41, 0x6c, 0xff)), {
          minLength: 1,
          maxLength: 6,
        }),
        (which, edits) => {
          const bytes = Buffer.from(corpus[which]!);
          for (const [at, byte] of edits) bytes[at % bytes.length] = byte;
          if (expectSame(bytes)) taken++;
        },
      ),
      { numRuns: 3000 },
    );
    expect(taken).toBeGreaterThan(1000);
  });
});
