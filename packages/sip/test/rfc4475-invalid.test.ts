// RFC 4475 §3.1.2 (invalid), §3.2 (transaction), §3.3 (application), §3.4 (compat).
import { describe, expect, it } from 'vitest';
import {
  createErrorResponse,
  parseMessage,
  parseValidated,
  SipParseError,
  type SipUri,
  type Uri,
  validate,
} from '../src/index.js';
import { bytesOf, load, request, response, torture } from './torture-fixtures.js';

function sip(uri: Uri): SipUri {
  if (uri.kind !== 'sip') throw new Error(`expected a SIP URI, got ${uri.kind}`);
  return uri;
}

/** Parses and validates; returns the SipParseError that rejected the message. */
function rejection(name: string): SipParseError {
  try {
    parseValidated(bytesOf(name));
  } catch (err) {
    if (err instanceof SipParseError) return err;
    throw err;
  }
  throw new Error(`${name} was accepted`);
}

describe('RFC 4475 §3.1.2 invalid messages are rejected', () => {
  const cases: Array<[string, RegExp, number]> = [
    ['badinv01', /^Invalid Via header: empty parameter$/, 400],
    ['clerr', /^Content-Length larger than the message$/, 400],
    ['ncl', /^Invalid Content-Length header/, 400],
    ['scalar02', /^Invalid CSeq header: sequence number out of range$/, 400],
    ['scalarlg', /^Invalid CSeq header: sequence number out of range$/, 400],
    ['quotbal', /^Invalid To header: unterminated or malformed quoted display name$/, 400],
    ['ltgtruri', /^Request-URI must not be enclosed in <>$/, 400],
    ['lwsruri', /^Whitespace in Request-URI$/, 400],
    ['lwsstart', /^Extra whitespace in Request-Line$/, 400],
    ['trws', /^Trailing whitespace in Request-Line$/, 400],
    ['escruri', /^Request-URI must not contain headers$/, 400],
    ['baddate', /^Invalid Date header: not an RFC 1123 date in GMT$/, 400],
    ['regbadct', /^Invalid Contact header: URI with headers must be enclosed in <>$/, 400],
    ['badaspec', /^Invalid To header: whitespace inside <>$/, 400],
    ['baddn', /^Invalid From header: invalid display name or URI$/, 400],
    ['badvers', /^Version Not Supported$/, 505],
    ['mismatch01', /^CSeq method does not match the request method$/, 400],
    ['mismatch02', /^CSeq method does not match the request method$/, 400],
    ['bigcode', /^Status-Code out of range$/, 400],
  ];

  it('covers every message of class "invalid" in index.json', () => {
    const invalid = torture.messages.filter((m) => m.class === 'invalid').map((m) => m.name);
    expect(cases.map((c) => c[0]).sort()).toEqual(invalid.sort());
  });

  for (const [name, reason, status] of cases) {
    it(`${name}: rejected with a reason naming the problem`, () => {
      const err = rejection(name);
      expect(err.reason).toMatch(reason);
      expect(err.status).toBe(status);
    });
  }

  it('3.1.2.2 clerr: the 400 can still be built from the readable headers', () => {
    const err = rejection('clerr');
    expect(err.partial?.callId).toBe('clerr.0ha0isndaksdjweiafasdk3');
    const res = createErrorResponse(err, { toTag: 'x1' });
    expect(res?.status).toBe(400);
    expect(res?.reason).toBe('Content-Length larger than the message');
    const parsed = parseMessage(res!.toBuffer());
    expect(parsed.to.tag).toBe('x1');
    expect(parsed.topVia.branch).toBe('z9hG4bK-39234-23523');
    expect(parsed.cseq).toEqual({ seq: 8, method: 'INVITE' });
    expect(validate(parsed)).toEqual({ ok: true });
  });

  it('3.1.2.16 badvers: answered with 505', () => {
    const res = createErrorResponse(rejection('badvers'));
    expect(res?.status).toBe(505);
    expect(res?.getHeader('Call-ID')).toBe('badvers.31417@c.example.com');
  });

  it('3.1.2.19 bigcode / 3.1.2.5 scalarlg: responses are dropped, never answered', () => {
    expect(createErrorResponse(rejection('bigcode'))).toBeUndefined();
    expect(createErrorResponse(rejection('scalarlg'))).toBeUndefined();
    expect(response('bigcode').status).toBe(4294967301);
  });

  it('3.1.2.4 scalar02: out-of-range expiry values are clamped, not errors', () => {
    const m = request('scalar02');
    expect(m.expires).toBe(0xffffffff);
    const contacts = m.contacts;
    if (contacts === '*') throw new Error('list expected');
    expect(contacts[0]!.expires).toBe(0xffffffff);
    expect(() => m.maxForwards).toThrow(SipParseError);
  });

  it('3.1.2.15 baddn: the archive copy lacks the final empty line; the datagram is still read', () => {
    const m = request('baddn');
    expect(m.callId).toBe('baddn.31415@c.example.com');
    expect(m.body.length).toBe(0);
  });
});

describe('RFC 4475 §3.2 transaction layer', () => {
  it('3.2.1 badbranch: a bare magic cookie branch parses (the transaction layer decides)', () => {
    const m = request('badbranch');
    expect(validate(m)).toEqual({ ok: true });
    expect(m.topVia.branch).toBe('z9hG4bK');
  });
});

describe('RFC 4475 §3.3 application layer: the parser exposes what the upper layer needs', () => {
  it('3.3.1 insuf: missing Call-ID, From and To are named; no 400 can be built', () => {
    const err = rejection('insuf');
    expect(err.reason).toBe('Missing required headers: Call-ID, From, To');
    expect(err.partial?.cseq).toBe('193942 INVITE');
    expect(createErrorResponse(err)).toBeUndefined();
  });

  it('3.3.2 unkscm: unknown Request-URI scheme is exposed (the UA answers 416)', () => {
    const m = request('unkscm');
    expect(validate(m)).toEqual({ ok: true });
    expect(m.uri).toEqual({
      kind: 'absolute',
      scheme: 'nobodyknowsthisscheme',
      rest: 'totallyopaquecontent',
    });
  });

  it('3.3.3 novelsc: known but atypical scheme', () => {
    const m = request('novelsc');
    expect(validate(m)).toEqual({ ok: true });
    expect(m.uri).toEqual({ kind: 'absolute', scheme: 'soap.beep', rest: '//192.0.2.103:3002' });
  });

  it('3.3.4 unksm2: unknown URI schemes in header fields', () => {
    const m = request('unksm2');
    expect(validate(m)).toEqual({ ok: true });
    expect(m.to.uri).toEqual({ kind: 'absolute', scheme: 'isbn', rest: '2983792873' });
    expect(m.from.uri).toEqual({ kind: 'absolute', scheme: 'http', rest: '//www.example.com' });
    expect(m.from.tag).toBe('3234233');
    const contacts = m.contacts;
    if (contacts === '*') throw new Error('list expected');
    expect(contacts[0]!.uri).toEqual({ kind: 'absolute', scheme: 'name', rest: 'John_Smith' });
  });

  it('3.3.5 bext01: Require and Proxy-Require option tags', () => {
    const m = request('bext01');
    expect(validate(m)).toEqual({ ok: true });
    expect(m.require).toEqual(['nothingSupportsThis', 'nothingSupportsThisEither']);
    expect(m.proxyRequire).toEqual(['noProxiesSupportThis', 'norDoAnyProxiesSupportThis']);
  });

  it('3.3.6 invut: unknown Content-Type', () => {
    const m = request('invut');
    expect(validate(m)).toEqual({ ok: true });
    expect(m.contentType?.mediaType).toBe('application/unknownformat');
    expect(m.body.length).toBe(40);
  });

  it('3.3.7 regaut01: unknown authorization scheme', () => {
    const m = request('regaut01');
    expect(validate(m)).toEqual({ ok: true });
    expect(m.authorization).toHaveLength(1);
    expect(m.authorization[0]!.scheme).toBe('NoOneKnowsThisScheme');
    expect(m.authorization[0]!.params.get('opaque-data')).toBe('here');
    expect(m.contentLength).toBe(0);
  });

  it('3.3.8 multi01: repeated single-value headers are named', () => {
    const err = rejection('multi01');
    expect(err.reason).toBe('Repeated single-value headers: Max-Forwards, CSeq, Call-ID, From, To');
    expect(load('multi01').getHeaders('CSeq')).toEqual(['5 INVITE', '59 INVITE']);
  });

  it('3.3.9 mcl01: several Content-Length values are a framing error', () => {
    const err = rejection('mcl01');
    expect(err.reason).toBe('Multiple Content-Length headers');
    expect(err.partial?.callId).toBe('mcl01.fhn2323orihawfdoa3o4r52o3irsdf');
  });

  it('3.3.10 bcast: 200 OK with a broadcast Via value', () => {
    const m = response('bcast');
    expect(validate(m)).toEqual({ ok: true });
    expect(m.via.map((v) => v.host)).toEqual(['192.0.2.198', '255.255.255.255']);
  });

  it('3.3.11 zeromf: Max-Forwards of zero', () => {
    const m = request('zeromf');
    expect(validate(m)).toEqual({ ok: true });
    expect(m.maxForwards).toBe(0);
  });

  it('3.3.12 cparam01: without <> the parameter belongs to the Contact header', () => {
    const m = request('cparam01');
    expect(validate(m)).toEqual({ ok: true });
    const contacts = m.contacts;
    if (contacts === '*') throw new Error('list expected');
    expect(contacts[0]!.params.get('unknownparam')).toBeNull();
    expect(sip(contacts[0]!.uri).params.size).toBe(0);
    expect(sip(contacts[0]!.uri).user).toBe('+19725552222');
  });

  it('3.3.13 cparam02: inside <> the parameter belongs to the URI', () => {
    const m = request('cparam02');
    expect(validate(m)).toEqual({ ok: true });
    const contacts = m.contacts;
    if (contacts === '*') throw new Error('list expected');
    expect(contacts[0]!.params.size).toBe(0);
    expect(sip(contacts[0]!.uri).params.get('unknownparam')).toBeNull();
  });

  it('3.3.14 regescrt: escaped header inside a bracketed Contact URI', () => {
    const m = request('regescrt');
    expect(validate(m)).toEqual({ ok: true });
    const contacts = m.contacts;
    if (contacts === '*') throw new Error('list expected');
    expect(sip(contacts[0]!.uri).headers).toEqual([['Route', '%3Csip:sip.example.com%3E']]);
  });

  it('3.3.15 sdp01: unacceptable Accept offering is the upper layer’s call', () => {
    const m = request('sdp01');
    expect(validate(m)).toEqual({ ok: true });
    expect(m.getHeader('Accept')).toBe('text/nobodyKnowsThis');
    expect(m.contentType?.mediaType).toBe('application/sdp');
  });
});

describe('RFC 4475 §3.4 backward compatibility', () => {
  it('3.4.1 inv2543: RFC 2543 syntax is accepted', () => {
    const m = request('inv2543');
    expect(validate(m)).toEqual({ ok: true });
    expect(m.maxForwards).toBeUndefined();
    expect(m.contentLength).toBeUndefined();
    expect(m.topVia.branch).toBeUndefined();
    expect(m.body.toString()).toMatch(/^v=0\r\n[\s\S]*m=audio 49217 RTP\/AVP 0\r\n$/);
    expect(sip(m.from.uri).params.get('user')).toBe('phone');
    // An addr-spec without <> : ";user=phone" is a To header parameter.
    expect(m.to.params.get('user')).toBe('phone');
    expect(sip(m.recordRoutes[0]!.uri).params.get('maddr')).toBe('ss1.example.com');
  });

  it('test.dat (in the archive, not in the RFC text): a Request-Line without version is a parse error', () => {
    expect(() => parseMessage(bytesOf('test'))).toThrow(SipParseError);
    expect(() => parseMessage(bytesOf('test'))).toThrow('Malformed Request-Line');
  });
});
