// RFC 4475 §3.1.1: well-formed messages. Field values asserted against the RFC text.
import { describe, expect, it } from 'vitest';
import { decodeUtf8, type SipUri, unescapeUriPart, unquote, type Uri, validate } from '../src/index.js';
import { bytesOf, load, request, response } from './torture-fixtures.js';

function sip(uri: Uri): SipUri {
  if (uri.kind !== 'sip') throw new Error(`expected a SIP URI, got ${uri.kind}`);
  return uri;
}

function expectValid(name: string): void {
  const m = load(name);
  expect(validate(m)).toEqual({ ok: true });
  expect(m.toBuffer().equals(m.source!)).toBe(true);
}

describe('RFC 4475 §3.1.1 valid messages', () => {
  it('3.1.1.1 wsinv: a short tortuous INVITE', () => {
    expectValid('wsinv');
    const m = request('wsinv');
    expect(m.method).toBe('INVITE');
    expect(m.requestUri).toBe('sip:vivekg@chair-dnrc.example.com;unknownparam');
    expect(sip(m.uri).params.get('unknownparam')).toBeNull();
    expect(m.to.uriText).toBe('sip:vivekg@chair-dnrc.example.com');
    expect(m.to.tag).toBe('1918181833n');
    expect(m.from.displayName).toBe('J Rosenberg \\"');
    expect(m.from.uriText).toBe('sip:jdrosen@example.com');
    expect(m.from.tag).toBe('98asjd8');
    expect(m.maxForwards).toBe(68);
    expect(m.callId).toBe('wsinv.ndaksdj@192.0.2.1');
    expect(m.contentLength).toBe(150);
    expect(m.body.length).toBe(150);
    expect(m.cseq).toEqual({ seq: 9, method: 'INVITE' });
    expect(m.via.map((v) => [v.protocolName, v.protocolVersion, v.transport, v.host, v.branch])).toEqual([
      ['SIP', '2.0', 'UDP', '192.0.2.2', '390skdjuw'],
      ['SIP', '2.0', 'TCP', 'spindle.example.com', 'z9hG4bK9ikj8'],
      ['SIP', '2.0', 'UDP', '192.168.255.111', 'z9hG4bK30239'],
    ]);
    expect(m.getHeader('Subject')).toBe('');
    expect(m.getHeader('NewFangledHeader')).toBe('newfangled value continued newfangled value');
    expect(m.getHeader('UnknownHeaderWithUnusualValue')).toBe(';;,,;;,;');
    expect(m.contentType?.mediaType).toBe('application/sdp');
    expect(m.routes).toHaveLength(1);
    const route = sip(m.routes[0]!.uri);
    expect(route.host).toBe('services.example.com');
    expect([...route.params]).toEqual([
      ['lr', null],
      ['unknownwith', 'value'],
      ['unknown-no-value', null],
    ]);
    const contacts = m.contacts;
    if (contacts === '*') throw new Error('list expected');
    expect(contacts).toHaveLength(1);
    expect(contacts[0]!.displayName).toBe('Quoted string ""');
    expect(contacts[0]!.uriText).toBe('sip:jdrosen@example.com');
    expect([...contacts[0]!.params]).toEqual([
      ['newparam', 'newvalue'],
      ['secondparam', null],
      ['q', '0.33'],
    ]);
    expect(contacts[0]!.q).toBe(0.33);
  });

  it('3.1.1.2 intmeth: wide range of valid characters', () => {
    expectValid('intmeth');
    const m = request('intmeth');
    const method = "!interesting-Method0123456789_*+`.%indeed'~";
    expect(m.method).toBe(method);
    const uri = sip(m.uri);
    expect(uri.user).toBe("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
    expect(uri.password).toBe("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
    expect(uri.host).toBe('example.com');
    expect(m.topVia.branch).toBe("z9hG4bK-.!%66*_+`'~");
    expect(m.to.displayName).toBe('BEL:\x07 NUL:\x00 DEL:\x7f');
    expect(sip(m.to.uri).user).toBe("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
    expect(m.from.displayName).toBe("token1~` token2'+_ token3*%!.-");
    expect(m.from.tag).toBe("_token~1'+`*%!-.");
    const fromParam = m.from.params.get("fromparam''~+*_!.-%");
    expect(decodeUtf8(unquote(fromParam!))).toBe('работающий');
    expect(m.callId).toBe('intmeth.word%ZK-!.*_+\'@word`~)(><:\\/"][?}{');
    expect(m.cseq).toEqual({ seq: 139122385, method });
    expect(m.maxForwards).toBe(255);
    expect(decodeUtf8(m.getHeader("extensionHeader-!.%*+_`'~")!)).toBe('\uFEFF大停電');
  });

  it('3.1.1.3 esc01: valid use of the % escaping mechanism', () => {
    expectValid('esc01');
    const m = request('esc01');
    const ruri = sip(m.uri);
    expect(unescapeUriPart(ruri.user!)).toBe('sips:user@example.com');
    expect(ruri.host).toBe('example.net');
    expect(unescapeUriPart(sip(m.to.uri).user!)).toBe('user');
    expect(unescapeUriPart(sip(m.from.uri).user!)).toBe('I have spaces');
    expect(m.from.tag).toBe('938');
    expect(m.callId).toBe('esc01.239409asdfakjkn23onasd0-3234');
    expect(m.contentType?.mediaType).toBe('application/sdp');
    const contacts = m.contacts;
    if (contacts === '*') throw new Error('list expected');
    const c = sip(contacts[0]!.uri);
    expect(unescapeUriPart(c.user!)).toBe('caller');
    expect(c.params.get('lr')).toBeNull();
    expect(unescapeUriPart(c.params.get('name')!)).toBe('value%41');
  });

  it('3.1.1.4 escnull: escaped nulls in URIs', () => {
    expectValid('escnull');
    const m = request('escnull');
    expect(unescapeUriPart(sip(m.to.uri).user!)).toBe('null-\x00-null');
    expect(unescapeUriPart(sip(m.from.uri).user!)).toBe('null-\x00-null');
    const contacts = m.contacts;
    if (contacts === '*') throw new Error('list expected');
    expect(contacts.map((c) => unescapeUriPart(sip(c.uri).user!))).toEqual(['\x00', '\x00\x00']);
    expect(m.contentLength).toBe(0);
  });

  it('3.1.1.5 esc02: use of % when it is not an escape', () => {
    expectValid('esc02');
    const m = request('esc02');
    expect(m.method).toBe('RE%47IST%45R');
    expect(m.cseq).toEqual({ seq: 29344, method: 'RE%47IST%45R' });
    expect(m.to.displayName).toBe('%Z%45');
    expect(m.from.displayName).toBe('%Z%45');
    expect(m.topVia.branch).toBe('z9hG4bK209%fzsnel234');
    // "C%6Fntact" is an unknown header, not a second spelling of Contact.
    const contacts = m.contacts;
    if (contacts === '*') throw new Error('list expected');
    expect(contacts.map((c) => c.uriText)).toEqual([
      'sip:alias1@host1.example.com',
      'sip:alias3@host3.example.com',
    ]);
    expect(m.getHeader('C%6Fntact')).toBe('<sip:alias2@host2.example.com>');
  });

  it('3.1.1.6 lwsdisp: no LWS between display name and <', () => {
    expectValid('lwsdisp');
    const m = request('lwsdisp');
    expect(m.from.displayName).toBe('caller');
    expect(m.from.uriText).toBe('sip:caller@example.com');
    expect(m.from.tag).toBe('323');
  });

  it('3.1.1.7 longreq: long values in header fields', () => {
    expectValid('longreq');
    const m = request('longreq');
    expect(m.to.displayName).toBe(`I have a user name of ${'extreme'.repeat(10)} proportion`);
    const to = sip(m.to.uri);
    expect(to.port).toBe(6000);
    expect(to.params.get('unknownparam1')).toBe(`very${'long'.repeat(20)}value`);
    expect(m.from.tag).toMatch(/^(129)+8?2424$|^1298/);
    expect(m.from.tag!.length).toBeGreaterThan(100);
    expect(m.callId).toBe(`longreq.one${'really'.repeat(20)}longcallid`);
    expect(m.via).toHaveLength(34);
    expect(m.via.slice(0, 33).map((v) => v.host)).toEqual(
      Array.from({ length: 33 }, (_, i) => `sip${33 - i}.example.com`),
    );
    const last = m.via[33]!;
    expect(last.host).toBe('host.example.com');
    expect(last.received).toBe('192.0.2.5');
    expect(last.branch).toBe(`very${'long'.repeat(50)}branchvalue`);
    expect(m.contentLength).toBe(150);
  });

  it('3.1.1.8 dblreq: extra trailing octets in a UDP datagram are ignored', () => {
    expectValid('dblreq');
    const m = request('dblreq');
    expect(m.method).toBe('REGISTER');
    expect(m.callId).toBe('dblreq.0ha0isndaksdj99sdfafnl3lk233412');
    expect(m.body.length).toBe(0);
    const all = bytesOf('dblreq');
    expect(m.toBuffer().length).toBeLessThan(all.length);
    expect(all.subarray(0, m.toBuffer().length).equals(m.toBuffer())).toBe(true);
  });

  it('3.1.1.9 semiuri: semicolon-separated parameters in the URI user part', () => {
    expectValid('semiuri');
    const m = request('semiuri');
    const uri = sip(m.uri);
    expect(uri.user).toBe('user;par=u%40example.net');
    expect(uri.host).toBe('example.com');
    expect(uri.params.size).toBe(0);
    expect(m.getHeaderValues('Accept')).toEqual([
      'application/sdp',
      'application/pkcs7-mime',
      'multipart/mixed',
      'multipart/signed',
      'message/sip',
      'message/sipfrag',
    ]);
  });

  it('3.1.1.10 transports: varied and unknown transport types', () => {
    expectValid('transports');
    const m = request('transports');
    expect(m.via.map((v) => [v.transport, v.host])).toEqual([
      ['UDP', 't1.example.com'],
      ['SCTP', 't2.example.com'],
      ['TLS', 't3.example.com'],
      ['UNKNOWN', 't4.example.com'],
      ['TCP', 't5.example.com'],
    ]);
  });

  it('3.1.1.11 mpart01: multipart MIME message', () => {
    expectValid('mpart01');
    const m = request('mpart01');
    expect(m.method).toBe('MESSAGE');
    const ct = m.contentType!;
    expect(ct.mediaType).toBe('multipart/mixed');
    expect(ct.params.get('boundary')).toBe('7a9cbec02ceef655');
    expect(m.body.length).toBe(553);
    expect(m.body.subarray(0, 20).toString('latin1')).toBe('--7a9cbec02ceef655\r\n');
    expect(m.topVia.rport).toBeNull();
    expect(m.topVia.port).toBe(5070);
    expect(m.date?.toISOString()).toBe('2005-10-15T04:44:56.000Z');
    expect(m.getHeader('Content-Transfer-Encoding')).toBe('binary');
  });

  it('3.1.1.12 unreason: unusual reason phrase', () => {
    expectValid('unreason');
    const m = response('unreason');
    expect(m.status).toBe(200);
    expect(m.reason).toBe('= 2**3 * 5**2 но сто девяносто девять - простое');
    expect(m.cseq).toEqual({ seq: 35, method: 'INVITE' });
    expect(m.body.length).toBe(154);
  });

  it('3.1.1.13 noreason: empty reason phrase', () => {
    expectValid('noreason');
    const m = response('noreason');
    expect(m.status).toBe(100);
    expect(m.reason).toBe('');
    expect(m.to.tag).toBe('902jndnke3');
  });
});
