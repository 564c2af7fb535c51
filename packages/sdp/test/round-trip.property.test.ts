import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSdp, SdpParseError } from '../src/index.js';

// Generators for well-formed SDP lines (RFC 8866 grammar, restricted to printable ASCII).
const token = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9\-_.!~*+]{0,11}$/);
const text = fc.stringMatching(/^[ -~]{0,30}$/);
const uint = fc.integer({ min: 0, max: 2 ** 32 - 1 });
const port = fc.integer({ min: 0, max: 65535 });
const address = fc.oneof(
  fc.ipV4(),
  fc.ipV6().map((a) => a),
  fc.domain(),
);
const connection = fc.tuple(fc.constantFrom('IP4', 'IP6'), address).map(([t, a]) => `c=IN ${t} ${a}`);
const bandwidth = fc.tuple(fc.constantFrom('AS', 'CT', 'TIAS', 'X-YZ'), uint).map(([t, v]) => `b=${t}:${v}`);
const pt = fc.integer({ min: 0, max: 127 });
const rtpAttribute = fc.oneof(
  fc
    .tuple(pt, token, fc.integer({ min: 1, max: 96000 }), fc.option(fc.integer({ min: 1, max: 8 })))
    .map(([p, n, r, c]) => `a=rtpmap:${p} ${n}/${r}${c === null ? '' : `/${c}`}`),
  fc
    .tuple(
      pt,
      text.filter((t) => t.trim().length > 0),
    )
    .map(([p, v]) => `a=fmtp:${p} ${v}`),
  fc
    .tuple(pt, fc.constantFrom('nack', 'nack pli', 'ccm fir', 'goog-remb'))
    .map(([p, v]) => `a=rtcp-fb:${p} ${v}`),
  fc.constantFrom(
    'a=sendrecv',
    'a=sendonly',
    'a=recvonly',
    'a=inactive',
    'a=rtcp-mux',
    'a=ptime:20',
    'a=maxptime:40',
  ),
  fc.tuple(port).map(([p]) => `a=rtcp:${p}`),
  fc.tuple(token).map(([m]) => `a=mid:${m}`),
  fc.tuple(uint, token, text).map(([s, n, v]) => `a=ssrc:${s} ${n}:${v}`),
);
// Unknown attributes with arbitrary printable values: must survive byte for byte.
const unknownAttribute = fc
  .tuple(token, fc.option(text))
  .map(([n, v]) => (v === null ? `a=x-${n}` : `a=x-${n}:${v}`));
const rtpMedia = fc
  .tuple(
    fc.constantFrom('audio', 'video', 'text'),
    port,
    fc.constantFrom('RTP/AVP', 'RTP/SAVP', 'RTP/AVPF', 'UDP/TLS/RTP/SAVPF'),
    fc.array(pt, { minLength: 1, maxLength: 6 }),
    fc.option(connection),
    fc.array(bandwidth, { maxLength: 2 }),
    fc.array(fc.oneof(rtpAttribute, unknownAttribute), { maxLength: 8 }),
  )
  .map(([m, p, proto, fmts, c, bs, attrs]) => [
    `m=${m} ${p} ${proto} ${fmts.join(' ')}`,
    ...(c ? [c] : []),
    ...bs,
    ...attrs,
  ]);
const otherMedia = fc
  .tuple(
    fc.constantFrom('application', 'image', 'message'),
    port,
    fc.constantFrom('udptl', 'TCP/MSRP', 'UDP/DTLS/SCTP', 'TCP/BFCP'),
    fc.array(token, { minLength: 1, maxLength: 3 }),
    fc.array(unknownAttribute, { maxLength: 4 }),
  )
  .map(([m, p, proto, fmts, attrs]) => [`m=${m} ${p} ${proto} ${fmts.join(' ')}`, ...attrs]);

const session = fc
  .record({
    origin: fc.tuple(
      token,
      fc.bigInt({ min: 0n, max: 2n ** 64n }),
      fc.bigInt({ min: 0n, max: 2n ** 64n }),
      address,
    ),
    name: text,
    info: fc.option(text),
    uri: fc.option(fc.webUrl()),
    connection,
    bandwidths: fc.array(bandwidth, { maxLength: 2 }),
    attributes: fc.array(
      fc.oneof(unknownAttribute, fc.constant('a=ice-lite'), fc.constant('a=group:BUNDLE 0 1')),
      {
        maxLength: 4,
      },
    ),
    media: fc.array(fc.oneof(rtpMedia, otherMedia), { maxLength: 5 }),
    eol: fc.constantFrom('\r\n', '\n'),
    finalEol: fc.boolean(),
  })
  .map((s) => {
    const [user, id, version, addr] = s.origin;
    const lines = [
      'v=0',
      `o=${user} ${id} ${version} IN IP4 ${addr}`,
      `s=${s.name}`,
      ...(s.info === null ? [] : [`i=${s.info}`]),
      ...(s.uri === null ? [] : [`u=${s.uri}`]),
      s.connection,
      ...s.bandwidths,
      't=0 0',
      ...s.attributes,
      ...s.media.flat(),
    ];
    return lines.join(s.eol) + (s.finalEol ? s.eol : '');
  });

describe('lossless round trip (property)', () => {
  it('serialize(parse(text)) === text for generated valid SDP', () => {
    fc.assert(
      fc.property(session, (text) => {
        expect(parseSdp(text).toString()).toBe(text);
      }),
      { numRuns: 500 },
    );
  });

  it('parse(serialize(parse(text))) has the same typed view', () => {
    fc.assert(
      fc.property(session, (text) => {
        const a = parseSdp(text);
        const b = parseSdp(a.toString());
        expect(b.origin).toEqual(a.origin);
        expect(b.media.map((m) => [m.mediaLine, m.codecs, m.attributes])).toEqual(
          a.media.map((m) => [m.mediaLine, m.codecs, m.attributes]),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('a clone serialises identically and edits to it do not leak', () => {
    fc.assert(
      fc.property(session, (text) => {
        const a = parseSdp(text);
        const c = a.clone();
        expect(c.toString()).toBe(text);
        c.addAttribute('x-edited');
        for (const m of c.media) m.port = 1;
        expect(a.toString()).toBe(text);
      }),
      { numRuns: 100 },
    );
  });

  it('arbitrary input either parses losslessly or throws SdpParseError, never anything else', () => {
    const junk = fc.oneof(
      fc.string({ maxLength: 200 }),
      session.chain((s) =>
        fc
          .tuple(fc.nat(s.length), fc.string({ maxLength: 5 }))
          .map(([i, ins]) => s.slice(0, i) + ins + s.slice(i + 1)),
      ),
    );
    fc.assert(
      fc.property(junk, (text) => {
        try {
          const out = parseSdp(text).toString();
          // Mixed CRLF/LF terminators are normalised to the first one (documented); all else is verbatim.
          const nl = text.indexOf('\n');
          const eol = nl > 0 && text.charAt(nl - 1) === '\r' ? '\r\n' : '\n';
          expect(out === text || out === text.replace(/\r?\n/g, eol)).toBe(true);
        } catch (e) {
          expect(e).toBeInstanceOf(SdpParseError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
