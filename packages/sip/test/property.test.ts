// Property tests (fast-check): generated messages survive serialize -> parse unchanged, and
// random mutations of real messages only ever raise SipParseError.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createRequest,
  createResponseMessage,
  formatNameAddr,
  formatVia,
  parseMessage,
  SipParseError,
  type SipMessage,
  StreamFramer,
  validate,
} from '../src/index.js';
import { buildCorpus } from '../bench/corpus.js';
import { bytesOf, torture } from './torture-fixtures.js';

const TOKEN_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`'~".split('');
const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789'.split('');
const token = (max = 12): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...TOKEN_CHARS), minLength: 1, maxLength: max });
const alnum = (max = 10): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...ALNUM), minLength: 1, maxLength: max });
const host = fc
  .array(alnum(8), { minLength: 1, maxLength: 4 })
  .map((labels) => `${labels.join('.')}.example`);
// Printable text value without leading/trailing whitespace (what a header value reads back as).
const text = fc
  .string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 40 })
  .map((s) => s.trim());
const extensionName = token(16).filter(
  (n) =>
    !/^[a-z]$/i.test(n) &&
    !/^(via|from|to|call-id|cseq|contact|content-length|content-type|max-forwards)$/i.test(n),
);

const common = fc.record({
  branch: token(20),
  viaHost: host,
  port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
  transport: fc.constantFrom('UDP', 'TCP', 'TLS', 'WS', 'WSS', 'SCTP'),
  fromUser: alnum(),
  fromTag: token(),
  displayName: fc.option(text, { nil: undefined }),
  toUser: alnum(),
  toTag: fc.option(token(), { nil: undefined }),
  callId: fc.tuple(token(20), fc.option(host, { nil: undefined })).map(([w, h]) => (h ? `${w}@${h}` : w)),
  seq: fc.integer({ min: 0, max: 0xffffffff }),
  extensions: fc.array(fc.tuple(extensionName, text), { maxLength: 6 }),
  body: fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
});

type Common = typeof common extends fc.Arbitrary<infer T> ? T : never;

function headersOf(c: Common, method: string): Array<[string, string | number]> {
  return [
    ['Via', formatVia({ transport: c.transport, host: c.viaHost, port: c.port, branch: c.branch })],
    ['Max-Forwards', 70],
    [
      'From',
      formatNameAddr({
        displayName: c.displayName,
        uri: `sip:${c.fromUser}@${c.viaHost}`,
        params: { tag: c.fromTag },
      }),
    ],
    ['To', formatNameAddr({ uri: `sip:${c.toUser}@example.com`, params: c.toTag ? { tag: c.toTag } : {} })],
    ['Call-ID', c.callId],
    ['CSeq', `${c.seq} ${method}`],
    ...c.extensions,
  ];
}

function expectSameMessage(parsed: SipMessage, original: SipMessage, c: Common): void {
  expect(parsed.headers.map((h) => [h.name, h.value])).toEqual(
    original.headers.map((h) => [h.name, h.value]).concat([['Content-Length', String(c.body.length)]]),
  );
  expect(parsed.body.equals(c.body)).toBe(true);
  expect(parsed.topVia.branch).toBe(c.branch);
  expect(parsed.topVia.port).toBe(c.port);
  expect(parsed.from.tag).toBe(c.fromTag);
  expect(parsed.from.displayName).toBe(c.displayName);
  expect(parsed.to.tag).toBe(c.toTag);
  expect(parsed.callId).toBe(c.callId);
  expect(parsed.cseq.seq).toBe(c.seq);
  expect(validate(parsed)).toEqual({ ok: true });
}

describe('round trip: serialize -> parse returns the same message', { timeout: 120_000 }, () => {
  it('requests', () => {
    fc.assert(
      fc.property(token(), alnum(), host, common, (method, user, uriHost, c) => {
        const req = createRequest({
          method,
          uri: `sip:${user}@${uriHost}`,
          headers: headersOf(c, method),
          body: c.body,
        });
        const bytes = req.toBuffer();
        const parsed = parseMessage(bytes);
        if (parsed.kind !== 'request') throw new Error('request expected');
        expect(parsed.method).toBe(method);
        expect(parsed.requestUri).toBe(`sip:${user}@${uriHost}`);
        expectSameMessage(parsed, req, c);
        expect(parsed.toBuffer().equals(bytes)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('responses, also through the stream framer in random chunks', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 100, max: 699 }),
        text,
        common,
        fc.integer({ min: 1, max: 64 }),
        (status, reason, c, chunk) => {
          const res = createResponseMessage({
            status,
            reason,
            headers: headersOf(c, 'INVITE'),
            body: c.body,
          });
          const bytes = res.toBuffer();
          const parsed = parseMessage(bytes);
          if (parsed.kind !== 'response') throw new Error('response expected');
          expect([parsed.status, parsed.reason]).toEqual([status, reason]);
          expectSameMessage(parsed, res, c);
          const framer = new StreamFramer();
          const out: SipMessage[] = [];
          const twice = Buffer.concat([bytes, bytes]);
          for (let i = 0; i < twice.length; i += chunk)
            out.push(...framer.push(twice.subarray(i, i + chunk)));
          expect(out.map((m) => m.toBuffer().equals(bytes))).toEqual([true, true]);
        },
      ),
      { numRuns: 200 },
    );
  });
});

/** Reads every accessor; only SipParseError may escape from any of them. */
function touchEverything(m: SipMessage): void {
  const reads: Array<() => unknown> = [
    () => m.via,
    () => m.topVia,
    () => m.from.uri,
    () => m.to.displayName,
    () => m.callId,
    () => m.cseq,
    () => m.contacts,
    () => m.maxForwards,
    () => m.contentLength,
    () => m.contentType,
    () => m.routes.map((r) => r.uri),
    () => m.recordRoutes,
    () => m.expires,
    () => m.authorization,
    () => m.wwwAuthenticate,
    () => m.supported,
    () => m.event,
    () => m.subscriptionState,
    () => m.replaces,
    () => m.sessionExpires,
    () => m.rack,
    () => m.reasons,
    () => m.warnings,
    () => m.date,
    () => m.retryAfter,
    () => m.pAssertedIdentities,
    () => m.historyInfo,
    () => (m.kind === 'request' ? m.uri : m.reason),
    () => m.toBuffer(),
  ];
  for (const read of reads) {
    try {
      read();
    } catch (err) {
      if (!(err instanceof SipParseError)) throw err;
    }
  }
  const result = validate(m);
  if (!result.ok) expect(result.error).toBeInstanceOf(SipParseError);
}

const seeds = [...torture.messages.map((t) => bytesOf(t.name)), ...buildCorpus().map((c) => c.bytes)];

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
  }),
  fc.record({
    kind: fc.constant('insertSpecial' as const),
    at: fc.nat(),
    text: fc.constantFrom(
      '\r\n',
      '\r\n ',
      ':',
      ';',
      ',',
      '"',
      '<',
      '>',
      '\\',
      '%',
      '@',
      ' ',
      '=',
      '\r',
      '\n',
      '\0',
    ),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 20 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(bytes: Buffer, m: Mutation): Buffer {
  const at = m.at % (bytes.length + 1);
  switch (m.kind) {
    case 'flip': {
      const out = Buffer.from(bytes);
      if (out.length > 0) out[at % out.length] = m.byte;
      return out;
    }
    case 'insert':
      return Buffer.concat([bytes.subarray(0, at), Buffer.from(m.bytes), bytes.subarray(at)]);
    case 'insertSpecial':
      return Buffer.concat([bytes.subarray(0, at), Buffer.from(m.text, 'latin1'), bytes.subarray(at)]);
    case 'delete':
      return Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + m.length)]);
    case 'truncate':
      return bytes.subarray(0, at);
  }
}

describe('mutations of real messages throw nothing but SipParseError', { timeout: 120_000 }, () => {
  it('datagram parse, every accessor and validate', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        (seed, mutations) => {
          const bytes = mutations.reduce(mutate, seed);
          let m: SipMessage;
          try {
            m = parseMessage(bytes);
          } catch (err) {
            expect(err).toBeInstanceOf(SipParseError);
            return;
          }
          touchEverything(m);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('stream framer', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds),
        mutation,
        fc.integer({ min: 1, max: 97 }),
        (seed, mut, chunk) => {
          const bytes = mutate(seed, mut);
          const framer = new StreamFramer();
          try {
            for (let i = 0; i < bytes.length; i += chunk)
              for (const m of framer.push(bytes.subarray(i, i + chunk))) touchEverything(m);
          } catch (err) {
            expect(err).toBeInstanceOf(SipParseError);
          }
        },
      ),
      { numRuns: 600 },
    );
  });
});
