import { describe, expect, it } from 'vitest';
import { formatT38Attributes, parseSdp, parseT38Attributes, SdpParseError } from '../src/index.js';
import { sdp } from './fixtures/example-types.js';
import { RFC3264_EXAMPLES } from './fixtures/rfc3264-examples.js';
import { RFC4317_EXAMPLES } from './fixtures/rfc4317-examples.js';
import {
  AUDIO_BODY,
  AUDIO_VIDEO_BODY,
  SDES_BODY,
  T38_BODY,
  WEBRTC_OFFER_BODY,
} from './fixtures/sample-bodies.js';

const RFC_BODIES = [...RFC3264_EXAMPLES, ...RFC4317_EXAMPLES].flatMap((e) =>
  e.exchanges.flatMap((x) => [
    [`${e.source} ${x.label} offer`, x.offer],
    [`${e.source} ${x.label} answer`, x.answer],
  ]),
);

function parseError(text: string | Uint8Array): SdpParseError {
  try {
    parseSdp(text);
  } catch (e) {
    if (e instanceof SdpParseError) return e;
    throw e;
  }
  throw new Error('expected an SdpParseError');
}

describe('parseSdp → toString is lossless', () => {
  it.each([
    ['audio', AUDIO_BODY],
    ['audio+video', AUDIO_VIDEO_BODY],
    ['WebRTC offer', WEBRTC_OFFER_BODY],
    ['T.38', T38_BODY],
    ['SDES', SDES_BODY],
    ...RFC_BODIES,
  ])('%s', (_name, body) => {
    expect(parseSdp(body).toString()).toBe(body);
  });

  it('keeps LF line endings and a missing final line terminator', () => {
    const lf = AUDIO_BODY.replaceAll('\r\n', '\n');
    expect(parseSdp(lf).toString()).toBe(lf);
    expect(parseSdp(lf).eol).toBe('\n');
    const noFinal = AUDIO_BODY.slice(0, -2);
    expect(parseSdp(noFinal).toString()).toBe(noFinal);
  });

  it('normalises mixed line endings to the first one', () => {
    const mixed = 'v=0\r\no=- 1 1 IN IP4 h\ns=-\r\nc=IN IP4 h\nt=0 0\r\n';
    expect(parseSdp(mixed).toString()).toBe('v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 h\r\nt=0 0\r\n');
  });
});

describe('session-level accessors', () => {
  it('reads o=, s=, c=, b=, t= and session attributes', () => {
    const d = parseSdp(AUDIO_VIDEO_BODY);
    expect(d.version).toBe(0);
    expect(d.origin).toEqual({
      username: 'alice',
      sessionId: '3724',
      sessionVersion: 1870n,
      netType: 'IN',
      addrType: 'IP4',
      address: '198.51.100.7',
    });
    expect(d.sessionName).toBe('Talk');
    expect(d.connection).toEqual({ netType: 'IN', addrType: 'IP4', address: '198.51.100.7' });
    expect(d.bandwidths).toEqual([{ type: 'AS', value: 380 }]);
    expect(d.timings).toEqual([{ start: '0', stop: '0', repeats: [] }]);
    expect(d.getAttribute('rtcp-xr')).toBe('rcvr-rtt=all:10000 stat-summary=loss,dup,jitt,TTL voip-metrics');
    expect(d.media.map((m) => m.media)).toEqual(['audio', 'video']);
  });

  it('keeps 64-bit session ids and versions exact', () => {
    const d = parseSdp(WEBRTC_OFFER_BODY);
    expect(d.origin.sessionId).toBe('4611731400430051336');
    expect(d.origin.sessionVersion).toBe(2n);
    expect(d.groups).toEqual([{ semantics: 'BUNDLE', mids: ['0', '1', '2'] }]);
    expect(d.bundleMids).toEqual(['0', '1', '2']);
  });

  it('reads every RFC 8866 session field: i u e p r z k', () => {
    const d = parseSdp(
      sdp(
        'v=0',
        'o=jdoe 3724394400 3724394405 IN IP4 198.51.100.1',
        's=Call to John Smith',
        'i=SDP Offer #1',
        'u=http://www.jdoe.example.com/home.html',
        'e=Jane Doe <jane@jdoe.example.com>',
        'p=+1 617 555-6011',
        'c=IN IP4 198.51.100.1',
        't=2873397496 2873404696',
        'r=7d 1h 0 25h',
        'z=2882844526 -1h 2898848070 0',
        'k=prompt',
        'm=audio 49170 RTP/AVP 0',
        'i=main audio',
        'k=clear:secret',
      ),
    );
    expect(d.information).toBe('SDP Offer #1');
    expect(d.uri).toBe('http://www.jdoe.example.com/home.html');
    expect(d.emails).toEqual(['Jane Doe <jane@jdoe.example.com>']);
    expect(d.phones).toEqual(['+1 617 555-6011']);
    expect(d.timings).toEqual([{ start: '2873397496', stop: '2873404696', repeats: ['7d 1h 0 25h'] }]);
    expect(d.timeZones).toBe('2882844526 -1h 2898848070 0');
    expect(d.encryptionKey).toBe('prompt');
    expect(d.media[0]?.information).toBe('main audio');
    expect(d.media[0]?.encryptionKey).toBe('clear:secret');
  });

  it('parses multicast connection addresses', () => {
    const d = parseSdp(sdp('v=0', 'o=- 1 1 IN IP4 h', 's=-', 'c=IN IP4 233.252.0.1/127/3', 't=0 0'));
    expect(d.connection).toEqual({
      netType: 'IN',
      addrType: 'IP4',
      address: '233.252.0.1',
      ttl: 127,
      count: 3,
    });
  });
});

describe('media-level accessors', () => {
  it('reads codecs from rtpmap, fmtp, rtcp-fb and the static payload table', () => {
    const [audio, video] = parseSdp(AUDIO_VIDEO_BODY).media;
    expect(audio?.port).toBe(7078);
    expect(audio?.protocol).toBe('RTP/AVP');
    expect(audio?.formats).toEqual(['96', '97', '98', '0', '8', '18', '101', '99', '100']);
    const codecs = audio?.codecs ?? [];
    expect(codecs[0]).toMatchObject({ payloadType: 96, encodingName: 'opus', clockRate: 48000, channels: 2 });
    expect(codecs[0]?.fmtp?.params.get('useinbandfec')).toBe('1');
    expect(codecs[3]).toMatchObject({ payloadType: 0, encodingName: 'PCMU', clockRate: 8000 });
    expect(codecs[5]?.fmtp?.value).toBe('annexb=yes');
    expect(codecs[5]?.encodingName).toBe('G729');
    expect(audio?.rtcp).toEqual({ port: 7079 });
    expect(codecs[0]?.feedback).toEqual([
      { format: '*', type: 'trr-int', parameter: '1000' },
      { format: '*', type: 'ccm', parameter: 'tmmbr' },
    ]);
    const h264 = video?.codec(97);
    expect(h264?.fmtp?.params).toEqual(
      new Map([
        ['profile-level-id', '42801F'],
        ['packetization-mode', '1'],
      ]),
    );
    expect(video?.getAttribute('x-linphone-unknown')).toBe('kept verbatim');
  });

  it('reads ptime, maxptime and direction', () => {
    const audio = parseSdp(AUDIO_BODY).media[0];
    expect(audio?.ptime).toBe(20);
    expect(audio?.direction).toBe('sendrecv');
    expect(parseSdp(SDES_BODY).media[0]?.maxptime).toBe(40);
  });

  it('reads ICE, DTLS, mid, rtcp-mux, ssrc and the data channel section of a WebRTC offer', () => {
    const d = parseSdp(WEBRTC_OFFER_BODY);
    const [audio, video, data] = d.media;
    expect(audio?.mid).toBe('0');
    expect(audio?.rtcpMux).toBe(true);
    expect(audio?.rtcp).toEqual({
      port: 9,
      connection: { netType: 'IN', addrType: 'IP4', address: '0.0.0.0' },
    });
    const ice = audio?.ice(d);
    expect(ice?.ufrag).toBe('Oyef');
    expect(ice?.pwd).toBe('SEGE7Obp2XkRr1sUbTz/ph0n');
    expect(ice?.options).toEqual(['trickle']);
    expect(ice?.candidates[1]).toEqual({
      foundation: '435653019',
      component: 1,
      transport: 'tcp',
      priority: 1845501695,
      address: '203.0.113.20',
      port: 46243,
      type: 'srflx',
      relatedAddress: '192.168.0.196',
      relatedPort: 46243,
      extensions: [
        ['tcptype', 'active'],
        ['generation', '0'],
      ],
    });
    expect(audio?.fingerprints[0]?.hashFunction).toBe('sha-256');
    expect(audio?.setup).toBe('actpass');
    expect(audio?.ssrcs[0]).toEqual({ ssrc: 1001211142, attribute: 'cname', value: 'Xr0a4+3c2V9yVgHg' });
    expect(video?.ssrcGroups).toEqual([{ semantics: 'FID', ssrcs: [2311406331, 3398839427] }]);
    expect(video?.codec(97)).toMatchObject({ encodingName: 'rtx', fmtp: { value: 'apt=96' } });
    expect(data?.media).toBe('application');
    expect(data?.isRtp).toBe(false);
    expect(data?.codecs).toEqual([]);
    expect(data?.formats).toEqual(['webrtc-datachannel']);
    expect(data?.getAttribute('sctp-port')).toBe('5000');
  });

  it('reads SDES crypto attributes', () => {
    const m = parseSdp(SDES_BODY).media[0];
    expect(m?.cryptos).toEqual([
      {
        tag: 1,
        suite: 'AES_CM_128_HMAC_SHA1_80',
        keyParams: ['inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32'],
        sessionParams: [],
      },
      {
        tag: 2,
        suite: 'AES_CM_128_HMAC_SHA1_32',
        keyParams: ['inline:NzB4d1BINUAvLEw6UzF3WSJ+PSdFcGdUJShpX1Zj|2^20|1:32'],
        sessionParams: ['UNENCRYPTED_SRTCP'],
      },
    ]);
  });

  it('reads T.38 image attributes', () => {
    const m = parseSdp(T38_BODY).media[0];
    expect(m?.media).toBe('image');
    expect(m?.formats).toEqual(['t38']);
    expect(m?.t38).toEqual({
      version: 0,
      maxBitRate: 14400,
      fillBitRemoval: true,
      transcodingMMR: false,
      transcodingJBIG: false,
      rateManagement: 'transferredTCF',
      maxBuffer: 1800,
      maxDatagram: 400,
      udpEc: 't38UDPRedundancy',
    });
  });

  it('inherits connection and direction from session level', () => {
    const d = parseSdp(
      sdp(
        'v=0',
        'o=- 1 1 IN IP4 h',
        's=-',
        'c=IN IP4 192.0.2.1',
        't=0 0',
        'a=sendonly',
        'm=audio 4000 RTP/AVP 0',
      ),
    );
    const m = d.media[0];
    expect(m?.direction).toBeUndefined();
    expect(m?.effectiveDirection(d)).toBe('sendonly');
    expect(m?.effectiveConnection(d)?.address).toBe('192.0.2.1');
  });
});

describe('typed setters rewrite only their own lines', () => {
  it('sets port, formats, direction, connection and origin', () => {
    const d = parseSdp(AUDIO_BODY);
    const m = d.media[0];
    if (!m) throw new Error('no media');
    m.port = 30000;
    m.setFormats(['0', '101']);
    m.direction = 'sendonly';
    m.connection = { netType: 'IN', addrType: 'IP4', address: '203.0.113.9' };
    d.origin = { ...d.origin, sessionVersion: d.origin.sessionVersion + 1n };
    expect(d.toString()).toBe(
      sdp(
        'v=0',
        'o=yealink 1627 1628 IN IP4 192.0.2.10',
        's=SIP Call',
        'c=IN IP4 192.0.2.10',
        't=0 0',
        'm=audio 30000 RTP/AVP 0 101',
        'c=IN IP4 203.0.113.9',
        'a=rtpmap:0 PCMU/8000',
        'a=rtpmap:101 telephone-event/8000',
        'a=fmtp:101 0-15',
        'a=ptime:20',
        'a=sendonly',
      ),
    );
  });

  it('clone() is deep', () => {
    const d = parseSdp(AUDIO_BODY);
    const c = d.clone();
    (c.media[0] ?? { port: 0 }).port = 1;
    expect(d.media[0]?.port).toBe(11780);
  });
});

describe('malformed SDP gives SdpParseError with the line number', () => {
  const base = ['v=0', 'o=- 1 1 IN IP4 h', 's=-', 'c=IN IP4 h', 't=0 0', 'm=audio 4000 RTP/AVP 0'];
  const at = (index: number, line: string) => {
    const lines = base.slice();
    lines.splice(index, 1, line);
    return sdp(...lines);
  };

  it.each([
    ['empty body', '', 0, 'empty session description'],
    ['missing v=', sdp('o=- 1 1 IN IP4 h', 's=-', 't=0 0'), 1, 'the first line must be v='],
    ['bad version', at(0, 'v=1'), 1, 'unsupported protocol version "1"'],
    ['no equals sign', at(2, 's -'), 3, "expected '<type>=<value>' with a lower-case type letter"],
    ['upper-case type', at(2, 'S=-'), 3, "expected '<type>=<value>' with a lower-case type letter"],
    ['empty line', at(3, ''), 4, 'empty line'],
    ['short o=', at(1, 'o=- 1 IN IP4 h'), 2, 'o= must be'],
    ['non-numeric session id', at(1, 'o=- abc 1 IN IP4 h'), 2, 'o= must be'],
    ['bad c=', at(3, 'c=IN IP4'), 4, 'c= must be'],
    ['bad t=', at(4, 't=0'), 5, 't= must be'],
    ['bad m= port', at(5, 'm=audio 70000 RTP/AVP 0'), 6, 'm= must be'],
    [
      'RTP format not a payload type',
      at(5, 'm=audio 4000 RTP/AVP PCMU'),
      6,
      'RTP format PCMU is not a payload type',
    ],
    ['m= without format', at(5, 'm=audio 4000 RTP/AVP'), 6, 'm= lists no format'],
    ['t= inside media', sdp(...base, 't=0 0'), 7, 't= is not allowed in a media description'],
    ['duplicate s=', at(3, 's=again'), 4, 'duplicate s= line'],
    [
      'bad rtpmap',
      sdp(...base, 'a=rtpmap:0 PCMU'),
      7,
      "a=rtpmap must be '<payload type> <encoding name>/<clock rate>",
    ],
    ['rtpmap pt > 127', sdp(...base, 'a=rtpmap:200 X/8000'), 7, 'a=rtpmap must be'],
    ['bad ptime', sdp(...base, 'a=ptime:twenty'), 7, 'a=ptime must be'],
    ['bad candidate', sdp(...base, 'a=candidate:1 1 udp 5 h 9 host'), 7, 'a=candidate must be'],
    ['bad setup', sdp(...base, 'a=setup:maybe'), 7, 'a=setup must be'],
    ['bad crypto', sdp(...base, 'a=crypto:x AES'), 7, 'a=crypto must be'],
    ['rtpmap without value', sdp(...base, 'a=rtpmap'), 7, 'a=rtpmap needs a value'],
    ['bad b=', sdp(...base, 'b=AS'), 7, 'b= must be'],
    ['bad attribute name', sdp(...base, 'a=bad name'), 7, 'attribute name must be a token'],
    ['r= without t=', at(4, 'r=7d 1h 0'), 5, 'r= must follow a t= line'],
  ])('%s', (_name, text, line, reason) => {
    const e = parseError(text);
    expect(e.line).toBe(line);
    expect(e.reason).toContain(reason);
    expect(e.message).toContain(line > 0 ? `SDP line ${line}` : 'SDP:');
  });

  it('reports missing required lines', () => {
    expect(parseError(sdp('v=0', 'o=- 1 1 IN IP4 h', 's=-')).reason).toBe(
      'missing t= line in the session part',
    );
    expect(parseError(sdp('v=0', 's=-', 't=0 0')).reason).toBe('missing o= line in the session part');
  });

  it('reports a media description with no connection address at its m= line', () => {
    const e = parseError(sdp('v=0', 'o=- 1 1 IN IP4 h', 's=-', 't=0 0', 'm=audio 4000 RTP/AVP 0'));
    expect(e.line).toBe(5);
    expect(e.lineText).toBe('m=audio 4000 RTP/AVP 0');
    expect(e.reason).toBe('media description has no c= line and the session has none');
  });

  it('keeps unknown line types and attributes verbatim', () => {
    const text = sdp(...base, 'y=0123456789', 'a=x-custom', 'a=x-other:with: colons');
    const d = parseSdp(text);
    expect(d.toString()).toBe(text);
    expect(d.media[0]?.fieldValue('y')).toBe('0123456789');
    expect(d.media[0]?.getAttribute('x-custom')).toBe('');
    expect(d.media[0]?.getAttribute('x-other')).toBe('with: colons');
  });
});

describe('T.38 attribute writer', () => {
  it('writes what the reader reads back', () => {
    const t = parseSdp(T38_BODY).media[0]?.t38;
    if (!t) throw new Error('no media');
    const lines = formatT38Attributes(t).map((a) => `a=${a}`);
    expect(lines).toEqual(parseSdp(T38_BODY).media[0]?.lines.slice(1));
    expect(parseT38Attributes(lines)).toEqual(t);
  });
});

describe('byte input', () => {
  it('parses a UTF-8 body from bytes and rejects invalid UTF-8', () => {
    const text = AUDIO_BODY.replace('s=SIP Call', 's=Café ☕');
    expect(parseSdp(Buffer.from(text, 'utf8')).toString()).toBe(text);
    expect(parseSdp(Buffer.from(text, 'utf8')).sessionName).toBe('Café ☕');
    expect(parseError(Buffer.from([0x76, 0x3d, 0x30, 0x0d, 0x0a, 0xff])).reason).toBe(
      'the body is not valid UTF-8',
    );
  });
});
