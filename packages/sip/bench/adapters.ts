// One adapter per library: how to parse a corpus message, how to "touch" it (From tag, To tag,
// top Via branch, CSeq, Call-ID, first Contact host) and how to re-serialize it.
// Peers receive pre-decoded strings (decoding is not charged to them); ours gets the Buffer.
import { createRequire } from 'node:module';
import { createRequest, formatNameAddr, formatVia, parseMessage, type SipMessage } from '../src/index.js';

const require = createRequire(import.meta.url);

export interface Adapter {
  readonly library: string;
  prepare(bytes: Buffer): unknown;
  parse(input: unknown): unknown;
  touch(input: unknown): unknown[];
  /** Modify Max-Forwards (or a header) and serialize again; undefined when unsupported. */
  reserialize?: (parsed: unknown) => unknown;
  /** Build a new INVITE (with SDP) from values and serialize it. */
  build?: () => unknown;
}

const SDP =
  'v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n';

function ours(): Adapter {
  return {
    library: '@switchboard/sip',
    prepare: (bytes) => bytes,
    parse: (input) => parseMessage(input as Buffer),
    touch: (input) => {
      const m = parseMessage(input as Buffer);
      const contacts = m.contacts;
      const first = contacts === '*' ? undefined : contacts[0];
      const uri = first?.uri;
      return [
        m.from.tag,
        m.to.tag,
        m.topVia.branch,
        m.cseq.seq,
        m.callId,
        uri?.kind === 'sip' ? uri.host : undefined,
      ];
    },
    reserialize: (parsed) => {
      const m = parsed as SipMessage;
      m.setHeader('Max-Forwards', 69);
      return m.toBuffer();
    },
    build: () =>
      createRequest({
        method: 'INVITE',
        uri: 'sip:1002@192.0.2.20:5060',
        headers: [
          ['Via', formatVia({ transport: 'UDP', host: '192.0.2.1', port: 5060, branch: 'z9hG4bK74bf9' })],
          ['Max-Forwards', 70],
          [
            'From',
            formatNameAddr({
              displayName: 'Alice',
              uri: 'sip:1001@pbx.example.com',
              params: { tag: '9fxced76sl' },
            }),
          ],
          ['To', formatNameAddr({ uri: 'sip:1002@pbx.example.com' })],
          ['Call-ID', '3848276298220188511@192.0.2.1'],
          ['CSeq', '1 INVITE'],
          ['Contact', '<sip:1001@192.0.2.1:5060>'],
          ['Content-Type', 'application/sdp'],
        ],
        body: SDP,
      }).toBuffer(),
  };
}

interface NpmSipMessage {
  headers: {
    from: { params: Record<string, string> };
    to: { params: Record<string, string> };
    via: Array<{ params: Record<string, string> }>;
    cseq: { seq: number };
    'call-id': string;
    contact?: Array<{ uri: string }>;
    'max-forwards'?: number;
  };
}

function npmSip(): Adapter {
  const sip = require('sip') as {
    parse(s: string): NpmSipMessage;
    parseUri(s: string): { host: string };
    stringify(m: NpmSipMessage): string;
  };
  return {
    library: 'sip',
    prepare: (bytes) => bytes.toString('binary'),
    parse: (input) => sip.parse(input as string),
    touch: (input) => {
      const h = sip.parse(input as string).headers;
      const c = h.contact?.[0];
      return [
        h.from.params.tag,
        h.to.params.tag,
        h.via[0]?.params.branch,
        h.cseq.seq,
        h['call-id'],
        c ? sip.parseUri(c.uri).host : undefined,
      ];
    },
    reserialize: (parsed) => {
      const m = parsed as NpmSipMessage;
      m.headers['max-forwards'] = 69;
      return sip.stringify(m);
    },
    build: () =>
      sip.stringify({
        method: 'INVITE',
        uri: 'sip:1002@192.0.2.20:5060',
        headers: {
          via: [
            {
              version: '2.0',
              protocol: 'UDP',
              host: '192.0.2.1',
              port: 5060,
              params: { branch: 'z9hG4bK74bf9' },
            },
          ],
          'max-forwards': 70,
          from: { name: 'Alice', uri: 'sip:1001@pbx.example.com', params: { tag: '9fxced76sl' } },
          to: { uri: 'sip:1002@pbx.example.com', params: {} },
          'call-id': '3848276298220188511@192.0.2.1',
          cseq: { seq: 1, method: 'INVITE' },
          contact: [{ uri: 'sip:1001@192.0.2.1:5060', params: {} }],
          'content-type': 'application/sdp',
        },
        content: SDP,
      } as unknown as NpmSipMessage),
  };
}

interface DrachtioMessage {
  has(h: string): boolean;
  get(h: string): string;
  set(h: string, v: string | number): void;
  getParsedHeader(h: 'from' | 'to'): { params: Record<string, string> };
  getParsedHeader(h: 'via'): Array<{ params: Record<string, string> }>;
  getParsedHeader(h: 'cseq'): { seq: number };
  getParsedHeader(h: 'contact'): Array<{ uri: string }>;
  toString(): string;
}

function drachtio(): Adapter {
  const lib = require('drachtio-sip') as {
    SipMessage: { new (s: string): DrachtioMessage; parseUri(s: string): { host: string } };
  };
  const { SipMessage } = lib;
  return {
    library: 'drachtio-sip',
    prepare: (bytes) => bytes.toString('utf8'),
    parse: (input) => new SipMessage(input as string),
    touch: (input) => {
      const m = new SipMessage(input as string);
      const c = m.has('contact') ? m.getParsedHeader('contact')[0] : undefined;
      return [
        m.getParsedHeader('from').params.tag,
        m.getParsedHeader('to').params.tag,
        m.getParsedHeader('via')[0]?.params.branch,
        m.getParsedHeader('cseq').seq,
        m.get('call-id'),
        c ? SipMessage.parseUri(c.uri).host : undefined,
      ];
    },
    reserialize: (parsed) => {
      const m = parsed as DrachtioMessage;
      m.set('Max-Forwards', 69);
      return m.toString();
    },
  };
}

interface JsSipMessage {
  from_tag: string;
  to_tag: string;
  via_branch: string;
  cseq: number;
  call_id: string;
  hasHeader(h: string): boolean;
  parseHeader(h: string): { uri: { host: string } };
}

function jssip(): Adapter {
  const Parser = require('jssip/lib/Parser') as { parseMessage(s: string, ua: undefined): JsSipMessage };
  return {
    library: 'jssip',
    prepare: (bytes) => bytes.toString('utf8'),
    parse: (input) => Parser.parseMessage(input as string, undefined),
    touch: (input) => {
      const m = Parser.parseMessage(input as string, undefined);
      const host = m.hasHeader('contact') ? m.parseHeader('contact').uri.host : undefined;
      return [m.from_tag, m.to_tag, m.via_branch, m.cseq, m.call_id, host];
    },
  };
}

interface SipJsMessage {
  fromTag: string;
  toTag: string;
  viaBranch: string;
  cseq: number;
  callId: string;
  hasHeader(h: string): boolean;
  parseHeader(h: string): { uri: { host: string } };
}

async function sipjs(): Promise<Adapter> {
  const mod = (await import('sip.js/lib/core/messages/parser.js')) as unknown as {
    Parser: { parseMessage(s: string, logger: unknown): SipJsMessage };
  };
  const logger = { error: () => {}, warn: () => {}, log: () => {}, debug: () => {} };
  return {
    library: 'sip.js',
    prepare: (bytes) => bytes.toString('utf8'),
    parse: (input) => mod.Parser.parseMessage(input as string, logger),
    touch: (input) => {
      const m = mod.Parser.parseMessage(input as string, logger);
      const host = m.hasHeader('contact') ? m.parseHeader('contact').uri.host : undefined;
      return [m.fromTag, m.toTag, m.viaBranch, m.cseq, m.callId, host];
    },
  };
}

export const LIBRARIES = ['@switchboard/sip', 'sip', 'drachtio-sip', 'jssip', 'sip.js'] as const;

export async function loadAdapter(library: string): Promise<Adapter> {
  switch (library) {
    case '@switchboard/sip':
      return ours();
    case 'sip':
      return npmSip();
    case 'drachtio-sip':
      return drachtio();
    case 'jssip':
      return jssip();
    case 'sip.js':
      return sipjs();
    default:
      throw new Error(`unknown library ${library}`);
  }
}
