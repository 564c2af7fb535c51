// Grammar of the headers a B2BUA PBX uses (RFC 3261 §25 and extension RFCs).
import { describe, expect, it } from 'vitest';
import {
  createRequest,
  formatUri,
  parseAuthHeader,
  parseMessage,
  parseReplaces,
  parseUri,
  SipParseError,
  type SipMessage,
  uriReplaces,
  validate,
} from '../src/index.js';

function withHeaders(lines: string[], method = 'INVITE'): SipMessage {
  return parseMessage(
    Buffer.from(
      [
        `${method} sip:a@example.com SIP/2.0`,
        'Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1',
        'From: <sip:b@example.com>;tag=1',
        'To: <sip:a@example.com>',
        'Call-ID: h@192.0.2.1',
        `CSeq: 1 ${method}`,
        ...lines,
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
      'latin1',
    ),
  );
}

function reasonOf(m: SipMessage): string | undefined {
  const r = validate(m);
  return r.ok ? undefined : r.error.reason;
}

describe('URIs (RFC 3261 §19.1, RFC 3966)', () => {
  it('parses SIP, SIPS, IPv6, escapes, parameters and headers', () => {
    const uri = parseUri(
      'sips:alice:secret@[2001:db8::10]:5061;transport=tls;LR?subject=hi%20there&priority=urgent',
    );
    if (uri.kind !== 'sip') throw new Error('sip expected');
    expect([uri.scheme, uri.user, uri.password, uri.host, uri.port]).toEqual([
      'sips',
      'alice',
      'secret',
      '[2001:db8::10]',
      5061,
    ]);
    expect([...uri.params]).toEqual([
      ['transport', 'tls'],
      ['lr', null],
    ]);
    expect(uri.headers).toEqual([
      ['subject', 'hi%20there'],
      ['priority', 'urgent'],
    ]);
    const tel = parseUri('tel:+1-201-555-0123;phone-context=example.com');
    expect(tel.kind === 'tel' && [tel.number, tel.params.get('phone-context')]).toEqual([
      '+1-201-555-0123',
      'example.com',
    ]);
    expect(formatUri(parseUri('sip:bob@example.com:5070;transport=tcp'))).toBe(
      'sip:bob@example.com:5070;transport=tcp',
    );
  });

  it.each([
    ['sip:', 'missing host'],
    ['sip:a@', 'missing host'],
    ['sip:a@host:99999', 'bad port'],
    ['sip:a b@host', "bad character ' ' in user part"],
    ['sip:%zz@host', 'bad % escape'],
    ['sip:a@[::1', 'bad IPv6 reference'],
    ['sip:a@-host.example', 'bad host name'],
    ['1sip:a@b', 'missing or malformed scheme'],
    ['http://exa mple', "unexpected character ' '"],
  ])('rejects %s (%s)', (text, detail) => {
    expect(() => parseUri(text)).toThrow(new RegExp(detail.replace(/[()[\]%?*+.]/g, '\\$&')));
  });
});

describe('IPv6 references (RFC 5118, RFC 5954)', () => {
  // RFC 5118 §4.10: RFC 3261's ABNF let a third colon through; RFC 5954 §4.1 fixed the grammar.
  const message = (host: string): Buffer =>
    Buffer.from(
      [
        `OPTIONS sip:user@${host} SIP/2.0`,
        `To: sip:user@${host}`,
        'From: sip:user@example.com;tag=810x2',
        'Via: SIP/2.0/UDP lmme.example.com;branch=z9hG4bK82b2',
        'Call-ID: G9432ofZfskejfgFBAFR',
        'CSeq: 1 OPTIONS',
        'Max-Forwards: 70',
        'Contact: "Caller" <sip:caller@[2001:db8::1]>',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
      'latin1',
    );

  it('accepts the two-colon form (ipv6-correct-abnf-2-colons)', () => {
    const m = parseMessage(message('[2001:db8::192.0.2.1]'));
    expect(validate(m).ok).toBe(true);
  });

  it('rejects the three-colon form (ipv6-bug-abnf-3-colons) with 400', () => {
    const r = validate(parseMessage(message('[2001:db8:::192.0.2.1]')));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.status).toBe(400);
      expect(r.error.reason).toMatch(/bad IPv6 reference/);
    }
  });

  it.each([
    ['[::1]', true],
    ['[::]', true],
    ['[2001:db8:0:0:0:0:0:1]', true],
    ['[::ffff:192.0.2.1]', true],
    ['[2001:db8::]', true],
    ['[2001:db8:::192.0.2.1]', false],
    ['[2001:db8::1::2]', false],
    ['[1:2:3:4:5:6:7:8:9]', false],
    ['[1:2:3:4:5:6:7]', false],
    ['[1:2:3:4:5:6:7::8]', false],
    ['[12345::1]', false],
    ['[::192.0.2.256]', false],
    ['[::1.2.3]', false],
    ['[:1]', false],
  ])('parseUri host %s valid=%s', (host, valid) => {
    if (valid) expect(parseUri(`sip:a@${host}:5060`).kind).toBe('sip');
    else expect(() => parseUri(`sip:a@${host}:5060`)).toThrow(/bad IPv6 reference/);
  });

  it('Via received must be a real IPv6address', () => {
    expect(reasonOf(withHeaders(['Via: SIP/2.0/UDP h;received=2001:db8:::1']))).toBe(
      'Invalid Via header: received is not an IP address',
    );
    expect(reasonOf(withHeaders(['Via: SIP/2.0/UDP h;received=2001:db8::1']))).toBeUndefined();
  });
});

describe('header grammar', () => {
  it('Via: received, rport, maddr, ttl, IPv6 sent-by', () => {
    const m = withHeaders([
      'Via: SIP/2.0/TLS [2001:db8::9]:5061;branch=z9hG4bK2;received=2001:db8::1;rport=5062;maddr=239.1.1.1;ttl=16',
    ]);
    const v = m.via[1]!;
    expect([v.transport, v.host, v.port, v.received, v.rport, v.maddr, v.ttl]).toEqual([
      'TLS',
      '[2001:db8::9]',
      5061,
      '2001:db8::1',
      5062,
      '239.1.1.1',
      16,
    ]);
    expect(reasonOf(m)).toBeUndefined();
    // An IPv6address may start with ':' (RFC 3261 §20.42, e.g. the loopback ::1).
    const loopback = withHeaders(['Via: SIP/2.0/UDP [::1]:5060;branch=z9hG4bK3;received=::1;rport=5062']);
    expect(loopback.via[1]?.received).toBe('::1');
    expect(reasonOf(loopback)).toBeUndefined();
    expect(reasonOf(withHeaders(['Via: SIP/2.0/UDP host;ttl=300']))).toBe('Invalid Via header: bad ttl');
    expect(reasonOf(withHeaders(['Via: SIP/2.0/UDP host;received=example.com']))).toBe(
      'Invalid Via header: received is not an IP address',
    );
    expect(reasonOf(withHeaders(['Via: SIP/2.0 UDP host']))).toBe(
      "Invalid Via header: expected '/' in sent-protocol",
    );
  });

  it('Contact: "*", expires, q', () => {
    expect(withHeaders(['Contact: *', 'Expires: 0'], 'REGISTER').contacts).toBe('*');
    const m = withHeaders(
      ['Contact: <sip:a@192.0.2.1>;q=0.7;expires=3600, "A, B" <sip:b@192.0.2.2>'],
      'REGISTER',
    );
    const c = m.contacts;
    if (c === '*') throw new Error('list expected');
    expect(c.map((x) => [x.displayName, x.q, x.expires])).toEqual([
      [undefined, 0.7, 3600],
      ['A, B', undefined, undefined],
    ]);
    expect(reasonOf(withHeaders(['Contact: <sip:a@h>;q=1.5'], 'REGISTER'))).toBe(
      'Invalid Contact header: bad q value',
    );
    expect(reasonOf(withHeaders(['Contact: *, <sip:a@h>'], 'REGISTER'))).toBe(
      'Invalid Contact header: "*" mixed with addresses',
    );
  });

  it('Authorization / WWW-Authenticate digest parameters', () => {
    const m = withHeaders([
      'Authorization: Digest username="1001", realm="pbx", nonce="abc", uri="sip:pbx", response="0123456789abcdef0123456789abcdef", algorithm=MD5, qop=auth, nc=00000001, cnonce="xyz"',
      'Proxy-Authorization: Digest username="a\\"b", realm="r", nonce="n", uri="sip:x", response="r"',
    ]);
    const a = m.authorization[0]!;
    expect(a.scheme).toBe('Digest');
    expect(Object.fromEntries(a.params)).toEqual({
      username: '1001',
      realm: 'pbx',
      nonce: 'abc',
      uri: 'sip:pbx',
      response: '0123456789abcdef0123456789abcdef',
      algorithm: 'MD5',
      qop: 'auth',
      nc: '00000001',
      cnonce: 'xyz',
    });
    expect(m.proxyAuthorization[0]!.params.get('username')).toBe('a"b');
    const challenge = parseAuthHeader(
      'Digest realm="pbx", nonce="n1", qop="auth,auth-int", stale=FALSE',
      'WWW-Authenticate',
    );
    expect(challenge.params.get('qop')).toBe('auth,auth-int');
    expect(() => parseAuthHeader('Digest realm="pbx", realm="x"', 'WWW-Authenticate')).toThrow(
      'repeated parameter realm',
    );
    expect(reasonOf(withHeaders(['Authorization: Digest realm'], 'REGISTER'))).toBe(
      "Invalid Authorization header: expected '=' after realm",
    );
  });

  it('option tags, Allow, Event, Subscription-State', () => {
    const m = withHeaders([
      'Allow: INVITE, ACK,BYE',
      'Supported:',
      'Require: 100rel',
      'Unsupported: foo',
      'Event: message-summary;id=7',
      'Subscription-State: terminated;reason=timeout;retry-after=30',
    ]);
    expect(m.allow).toEqual(['INVITE', 'ACK', 'BYE']);
    expect(m.supported).toEqual([]);
    expect(m.require).toEqual(['100rel']);
    expect(m.unsupported).toEqual(['foo']);
    expect([m.event?.type, m.event?.id]).toEqual(['message-summary', '7']);
    expect(m.subscriptionState).toMatchObject({
      state: 'terminated',
      reason: 'timeout',
      retryAfter: 30,
      expires: undefined,
    });
    expect(reasonOf(m)).toBeUndefined();
    expect(reasonOf(withHeaders(['Require: a,,b']))).toBe('Invalid Require header: empty list element');
  });

  it('Refer-To, Replaces, Session-Expires, Min-SE, RSeq, RAck', () => {
    const m = withHeaders([
      'Refer-To: <sip:c@example.com?Replaces=abc%40h%3Bto-tag%3D1%3Bfrom-tag%3D2>',
      'Replaces: abc@h;to-tag=1;from-tag=2;early-only',
      'Session-Expires: 1800;refresher=uas',
      'Min-SE: 90',
      'RSeq: 988789',
      'RAck: 776656 1 INVITE',
    ]);
    const refer = m.referTo!.uri;
    expect(refer.kind === 'sip' && refer.headers).toEqual([
      ['Replaces', 'abc%40h%3Bto-tag%3D1%3Bfrom-tag%3D2'],
    ]);
    expect(m.replaces).toMatchObject({ callId: 'abc@h', toTag: '1', fromTag: '2', earlyOnly: true });
    expect(m.sessionExpires).toMatchObject({ seconds: 1800, refresher: 'uas' });
    expect(m.minSE?.seconds).toBe(90);
    expect(m.rseq).toBe(988789);
    expect(m.rack).toEqual({ rseq: 776656, cseq: 1, method: 'INVITE' });
    expect(reasonOf(m)).toBeUndefined();
    expect(reasonOf(withHeaders(['Replaces: abc@h;to-tag=1']))).toBe(
      'Invalid Replaces header: to-tag and from-tag are required',
    );
    expect(reasonOf(withHeaders(['Session-Expires: 1800;refresher=me']))).toBe(
      'Invalid Session-Expires header: bad refresher',
    );
  });

  it('Reason, Warning, Date, Retry-After', () => {
    const m = withHeaders([
      'Reason: Q.850;cause=16;text="Normal call clearing", SIP;cause=200;text="Call completed elsewhere"',
      'Warning: 399 pbx.example.com "Déjà vu", 301 [2001:db8::1]:5060 "x"',
      'Date: Sat, 13 Nov 2010 23:29:00 GMT',
      "Retry-After: 120 (I'm in a meeting);duration=3600",
    ]);
    expect(m.reasons.map((r) => [r.protocol, r.cause, r.text])).toEqual([
      ['Q.850', 16, 'Normal call clearing'],
      ['SIP', 200, 'Call completed elsewhere'],
    ]);
    expect(m.warnings.map((w) => [w.code, w.agent])).toEqual([
      [399, 'pbx.example.com'],
      [301, '[2001:db8::1]:5060'],
    ]);
    expect(m.date?.toISOString()).toBe('2010-11-13T23:29:00.000Z');
    expect(m.retryAfter).toMatchObject({ seconds: 120, comment: "I'm in a meeting", duration: 3600 });
    expect(reasonOf(m)).toBeUndefined();
  });

  it('P-Asserted-Identity, Diversion, History-Info, Route/Record-Route need name-addr where the RFCs say so', () => {
    const m = withHeaders([
      'P-Asserted-Identity: "Alice" <sip:alice@example.com>, <tel:+15551230001>',
      'Diversion: <sip:2000@example.com>;reason=no-answer;counter=1',
      'History-Info: <sip:a@example.com>;index=1, <sip:b@example.com>;index=1.1',
      'Record-Route: <sip:p1.example.com;lr>',
    ]);
    expect(m.pAssertedIdentities.map((p) => p.uriText)).toEqual([
      'sip:alice@example.com',
      'tel:+15551230001',
    ]);
    expect(m.diversions[0]!.params.get('reason')).toBe('no-answer');
    expect(m.historyInfo.map((h) => h.params.get('index'))).toEqual(['1', '1.1']);
    expect(reasonOf(m)).toBeUndefined();
    expect(reasonOf(withHeaders(['Route: sip:p1.example.com;lr']))).toBe(
      'Invalid Route header: URI must be enclosed in <>',
    );
    expect(reasonOf(withHeaders(['P-Asserted-Identity: <sip:a@b>;x=1']))).toBe(
      'Invalid P-Asserted-Identity header: parameters not allowed',
    );
  });

  it('typed accessors of required headers throw SipParseError when absent', () => {
    const m = createRequest({ method: 'OPTIONS', uri: 'sip:a@b' });
    expect(() => m.callId).toThrow(SipParseError);
    expect(() => m.callId).toThrow('Missing Call-ID header');
    expect(() => m.topVia).toThrow(SipParseError);
    expect(m.contacts).toEqual([]);
    expect(m.maxForwards).toBeUndefined();
    expect(reasonOf(m)).toBe('Missing required headers: Call-ID, CSeq, From, To, Via');
  });

  it('header access is case-insensitive and understands compact forms', () => {
    const m = withHeaders(['k: timer', 'SUPPORTED: 100rel', 'x-Custom: 1', 'X-CUSTOM: 2']);
    expect(m.getHeaders('Supported')).toEqual(['timer', '100rel']);
    expect(m.supported).toEqual(['timer', '100rel']);
    expect(m.getHeaders('x-custom')).toEqual(['1', '2']);
    m.setHeader('X-Custom', 3);
    expect(m.getHeaders('x-custom')).toEqual(['3']);
    m.prependHeader('v', 'SIP/2.0/UDP 192.0.2.99;branch=z9hG4bKtop');
    expect(m.topVia.host).toBe('192.0.2.99');
    expect(m.removeHeader('k')).toBe(2);
    expect(parseMessage(m.toBuffer()).getHeader('Supported')).toBeUndefined();
  });
});

describe('Replaces header (RFC 3891 §6.1): one parser for the header and the URI form', () => {
  it('reads the §6.1 examples, the folded one included, in either parameter order', () => {
    const folded = withHeaders([
      'Replaces: 98732@sip.example.com',
      '          ;from-tag=r33th4x0r',
      '          ;to-tag=ff87ff',
    ]);
    expect(folded.replaces).toMatchObject({
      callId: '98732@sip.example.com',
      toTag: 'ff87ff',
      fromTag: 'r33th4x0r',
      earlyOnly: false,
    });
    expect(validate(folded).ok).toBe(true);
    expect(
      withHeaders(['Replaces: 12adf2f34456gs5;to-tag=12345;from-tag=54321;early-only']).replaces,
    ).toMatchObject({
      callId: '12adf2f34456gs5',
      toTag: '12345',
      fromTag: '54321',
      earlyOnly: true,
    });
  });

  it('reads the §7.1 call flow INVITE (Call-ID with @) the same as its escaped URI form', () => {
    const header = withHeaders(['Replaces: 425928@bobster.example.org;to-tag=7743;from-tag=6472']).replaces;
    const uri = parseUri(
      'sip:bob@bobster.example.org?Replaces=425928%40bobster.example.org%3Bto-tag%3D7743%3Bfrom-tag%3D6472',
    );
    if (uri.kind !== 'sip') throw new Error('not a SIP URI');
    expect(header).toMatchObject({ callId: '425928@bobster.example.org', toTag: '7743', fromTag: '6472' });
    expect(uriReplaces(uri)).toEqual(header);
  });

  it('keeps unknown parameters (generic-param) and compares parameter names case-insensitively', () => {
    const r = parseReplaces('abc@h;TO-TAG=1;From-Tag=2;x-feature=on');
    expect(r).toMatchObject({ callId: 'abc@h', toTag: '1', fromTag: '2', earlyOnly: false });
    expect(r.params.get('x-feature')).toBe('on');
  });

  it('a Replaces without both tags or without a Call-ID is a SipParseError, and the INVITE invalid (400)', () => {
    expect(() => parseReplaces('abc@h;to-tag=1')).toThrow(SipParseError);
    expect(() => parseReplaces(';to-tag=1;from-tag=2')).toThrow(SipParseError);
    const bad = validate(withHeaders(['Replaces: abc@h;from-tag=2']));
    expect(bad.ok ? undefined : bad.error.reason).toBe(
      'Invalid Replaces header: to-tag and from-tag are required',
    );
  });
});
