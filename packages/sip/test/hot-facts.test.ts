// The WebAssembly splitter's facts about the hot headers (src/grammar/wasm-facts.ts) against the
// JavaScript byte fast paths and general parser they stand in for. A message read right after
// its parse uses the facts; the same message read after another parse must not (they describe
// the other one by then) and falls back to JavaScript. Both ways must give the same values and
// the same errors, and the common shapes must actually take the facts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FACT_CONTACT,
  FACT_CONTACT_URI,
  FACT_CSEQ,
  FACT_FROM,
  FACT_TO,
  FACT_VIA,
  FACTS,
} from '../src/grammar/wasm-facts.js';
import { parseMessage, StreamFramer, type SipMessage } from '../src/index.js';
import { buildCorpus } from '../bench/corpus.js';
import { describeNameAddr, describeVia } from './describe-values.js';
import { spliced } from './spliced-values.js';
import { bytesOf, torture } from './torture-fixtures.js';

const SLOTS = {
  via: FACT_VIA,
  from: FACT_FROM,
  to: FACT_TO,
  contact: FACT_CONTACT,
  contactUri: FACT_CONTACT_URI,
  cseq: FACT_CSEQ,
};

/** The slots whose facts hold for the message parsed last. */
function slotsOk(): string[] {
  return Object.entries(SLOTS)
    .filter(([, slot]) => FACTS.words[slot >> 2] === 1)
    .map(([name]) => name);
}

const OTHER = messageOf([
  'OPTIONS sip:other@other.example.org SIP/2.0',
  'Via: SIP/2.0/TCP other.example.org:5070;branch=z9hG4bKother;received=198.51.100.9',
  'From: "Other" <sips:o@other.example.org;lr>;tag=other',
  'To: <sip:p@other.example.org>;tag=p',
  'Call-ID: other',
  'CSeq: 99 OPTIONS',
  'Contact: <sip:o@198.51.100.9:5070>',
]);

function attempt(f: () => unknown): unknown {
  try {
    return f();
  } catch (err) {
    return { error: String(err) };
  }
}

// (describeNameAddr describes the URI too)
function accessors(m: SipMessage): unknown {
  return {
    via: attempt(() => describeVia(m.topVia)),
    from: attempt(() => describeNameAddr(m.from)),
    to: attempt(() => describeNameAddr(m.to)),
    contacts: attempt(() => {
      const c = m.contacts;
      return c === '*' ? c : c.map(describeNameAddr);
    }),
    cseq: attempt(() => ({ ...m.cseq })),
  };
}

/** The hot accessors read with the facts current, and read after another parse (JavaScript). */
function bothWays(bytes: Buffer): { fresh: unknown; stale: unknown; ok: string[] } {
  let fresh: unknown;
  let ok: string[] = [];
  try {
    const m = parseMessage(bytes);
    fresh = accessors(m); // (the first hot accessor scans the facts)
    ok = slotsOk();
  } catch (err) {
    fresh = { error: String(err) };
  }
  let stale: unknown;
  try {
    const m = parseMessage(bytes);
    parseMessage(OTHER);
    stale = accessors(m);
  } catch (err) {
    stale = { error: String(err) };
  }
  return { fresh, stale, ok };
}

// A request with every hot header but Contact, and a message of header lines.
const BASE_LINES = [
  'INVITE sip:b@example.com SIP/2.0',
  'Via: SIP/2.0/UDP h;branch=z9hG4bK1',
  'From: <sip:a@example.com>;tag=1',
  'To: <sip:b@example.com>',
  'Call-ID: c',
  'CSeq: 1 INVITE',
];

function messageOf(lines: string[]): Buffer {
  return Buffer.from([...lines, '', ''].join('\r\n'), 'latin1');
}

function expectSame(bytes: Buffer): string[] {
  const { fresh, stale, ok } = bothWays(bytes);
  expect(fresh).toEqual(stale);
  return ok;
}

describe('hot-header facts of the WebAssembly splitter', () => {
  it('hold for every hot header of the bench corpus (a sole Contact and its SIP URI)', () => {
    for (const c of buildCorpus()) {
      const ok = expectSame(c.bytes);
      const m = parseMessage(c.bytes);
      const contactLines = m.getHeaders('Contact').length;
      const expected = Object.keys(SLOTS).filter((name) => !name.startsWith('contact') || contactLines === 1);
      expect(ok, c.name).toEqual(expected);
    }
  });

  it('describe what the JavaScript paths give, read from a message with a quoted display name and parameters', () => {
    const bytes = messageOf([
      'REGISTER sips:registrar.example.com SIP/2.0',
      'v: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKx;rport;alias',
      'f: "Al \u00e9" <sips:al@example.com:5061;transport=tls;lr>;tag=9a',
      't: al <sip:al@example.com>',
      'i: reg1',
      'CSeq: 4294967295 REGISTER',
      'm: <sip:al@192.0.2.7:5060;ob>;expires=60;+sip.instance="<urn:uuid:1>"',
    ]);
    const ok = expectSame(bytes);
    expect(ok).toEqual(Object.keys(SLOTS));
    const m = parseMessage(bytes);
    expect(m.topVia.transport).toBe('WSS');
    expect(m.topVia.rport).toBeNull();
    expect(m.from.rawDisplayName).toBe('"Al \u00e9"');
    expect(m.from.uri).toMatchObject({ scheme: 'sips', user: 'al', host: 'example.com', port: 5061 });
    expect(m.to.rawDisplayName).toBe('al');
    expect(m.cseq).toEqual({ seq: 4294967295, method: 'REGISTER' });
    const contacts = m.contacts;
    expect(contacts === '*' ? undefined : contacts[0]?.params.get('+sip.instance')).toBe('"<urn:uuid:1>"');
  });

  it('take every character their classes allow (token, SIP URI user and parameter characters)', () => {
    const token = "-.!%*_+`'~AZaz09";
    const bytes = messageOf([
      'OPTIONS sip:b@example.com SIP/2.0',
      `Via: SIP/2.0/UDP h;branch=z9hG4bK${token};${token}=${token}`,
      `From: ${token} ${token} <sip:a@example.com>;tag=${token}`,
      'To: <sip:b@example.com>',
      'Call-ID: c',
      `CSeq: 1 ${token}`,
      "Contact: <sip:-_.!~*'()&=+$,;?/az09@h;-_.!~*'()[]/:&+$=-_.!~*'()[]/:&+$>",
    ]);
    expect(expectSame(bytes)).toEqual(Object.keys(SLOTS));
  });

  it('are left alone where the JavaScript paths must decide (folding, trailing space, several Contacts, limits)', () => {
    const base = [...BASE_LINES, 'Contact: <sip:a@192.0.2.1>'];
    const cases: Array<[[string, string], string]> = [
      [['Via: SIP/2.0/UDP h;branch=z9hG4bK1 ', 'Via: SIP/2.0/UDP h;branch=z9hG4bK1'], 'via'],
      [['From: <sip:a@example.com>;', 'From: <sip:a@example.com>;tag=1'], 'from'],
      [['From: <sip:a@example.com>\r\n ;tag=1', 'From: <sip:a@example.com>;tag=1'], 'from'],
      [['Contact: <sip:b@[2001:db8::1]>', 'Contact: <sip:a@192.0.2.1>'], 'contactUri'],
      [['Contact: <sip:b@example.com:65536>', 'Contact: <sip:a@192.0.2.1>'], 'contactUri'],
      [['Via: SIP/2.0/UDP h:65536;branch=z9hG4bK1', 'Via: SIP/2.0/UDP h;branch=z9hG4bK1'], 'via'],
      [['Via: SIP/2.0/UDP h:050600;branch=z9hG4bK1', 'Via: SIP/2.0/UDP h;branch=z9hG4bK1'], 'via'],
      [['CSeq: 4294967296 INVITE', 'CSeq: 1 INVITE'], 'cseq'],
      [['CSeq: 1 INVITE;x', 'CSeq: 1 INVITE'], 'cseq'],
      [['Via: SIP/2.0/UDP h;a;b;c;d;e;f;g', 'Via: SIP/2.0/UDP h;branch=z9hG4bK1'], 'via'],
    ];
    for (const [[line, replaced], slot] of cases) {
      const lines = base.map((l) => (l === replaced ? line : l));
      const ok = expectSame(messageOf(lines));
      expect(ok, line).not.toContain(slot);
    }
    expect(expectSame(messageOf([...base, 'Contact: <sip:a@192.0.2.2>']))).not.toContain('contact');
  });

  it('describe messages taken from a stream (the framer splits their header sections the same way)', () => {
    for (const c of buildCorpus()) {
      const framer = new StreamFramer();
      const [m] = framer.push(c.bytes);
      const fresh = accessors(m!);
      expect(slotsOk(), c.name).toContain('via');
      expect(fresh, c.name).toEqual(accessors(parseMessage(c.bytes)));
    }
  });

  it('agree on every RFC 4475 message', () => {
    for (const m of torture.messages) expectSame(bytesOf(m.name));
  });

  it('agree on random byte mutations of the corpus', () => {
    const corpus = buildCorpus().map((c) => c.bytes);
    const bytes = fc.constantFrom(...[32, 9, 34, 44, 58, 59, 60, 61, 62, 64, 92, 13, 0, 200, 65, 48]);
    let taken = 0;
    fc.assert(
      fc.property(
        fc.nat({ max: corpus.length - 1 }),
        fc.array(fc.tuple(fc.nat(), bytes), { minLength: 1, maxLength: 3 }),
        (which, edits) => {
          const b = Buffer.from(corpus[which]!);
          for (const [at, byte] of edits) b[at % Math.min(b.length, 700)] = byte;
          if (expectSame(b).length > 0) taken++;
        },
      ),
      { numRuns: 3000 },
    );
    expect(taken).toBeGreaterThan(1500);
  });

  it('agree on generated hot header values', () => {
    const templates: Array<[string, string]> = [
      ['Via', 'SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776;rport;received=192.0.2.1'],
      ['From', '"Alice" <sip:1001@pbx.example.com:5060;transport=udp>;tag=1928301774'],
      ['To', 'Bob <sips:b@h.example.com>;tag="q v"'],
      ['Contact', '<sip:1002@192.0.2.20:5060;ob>;expires=3600;q=0.5'],
      ['Contact', 'sip:1002@192.0.2.20;expires=60'],
      ['CSeq', '4294967295 INVITE'],
    ];
    let taken = 0;
    fc.assert(
      fc.property(
        fc.oneof(
          ...templates.map(([name, template]) => spliced(template).map((value) => [name, value] as const)),
        ),
        ([name, value]) => {
          const lines = BASE_LINES.filter((l) => !l.startsWith(`${name}:`));
          const b = messageOf([...lines, `${name}: ${value}`]);
          if (expectSame(b).includes(name === 'CSeq' ? 'cseq' : name.toLowerCase())) taken++;
        },
      ),
      { numRuns: 4000 },
    );
    expect(taken).toBeGreaterThan(1000);
  });
});
