import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { DigestClient } from '@switchboard/dialog';
import {
  StreamFramer,
  createResponse,
  type SipMessage,
  type SipRequest,
  type SipResponse,
} from '@switchboard/sip';

/** A throw-away self-signed certificate for 127.0.0.1 (openssl CLI), as PEM files in a temp dir. */
export function selfSignedCertFiles(): { certFile: string; keyFile: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-tls-'));
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'ignore' },
  );
  return { certFile, keyFile, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export interface StreamPhoneOptions {
  protocol: 'TCP' | 'TLS';
  server: { host: string; port: number };
  user: string;
  password: string;
  domain: string;
  /** The phone's own address as written in its Via and Contact; default 127.0.0.1. */
  localHost?: string;
}

/**
 * A hand-driven phone on one TCP or TLS connection to the PBX (what a desk phone does: every
 * request and response of its calls on the connection it registered on, RFC 5626 §3 / RFC 3261 §18).
 */
export class StreamPhone {
  private socket: net.Socket | undefined;
  private readonly framer = new StreamFramer({ onKeepAlive: (kind) => this.keepAlives.push(kind) });
  private readonly inbox: SipMessage[] = [];
  private readonly waiters: { match: (m: SipMessage) => boolean; resolve: (m: SipMessage) => void }[] = [];
  readonly keepAlives: Array<'ping' | 'pong'> = [];
  readonly tag = crypto.randomBytes(4).toString('hex');
  localPort = 0;
  closed: Promise<void> = Promise.resolve();
  private chunkWaiters: ((chunk: Buffer) => void)[] = [];

  constructor(readonly o: StreamPhoneOptions) {}

  async connect(): Promise<this> {
    const { host, port } = this.o.server;
    const socket =
      this.o.protocol === 'TLS'
        ? tls.connect({ host, port, rejectUnauthorized: false })
        : net.connect({ host, port });
    await once(socket, this.o.protocol === 'TLS' ? 'secureConnect' : 'connect');
    this.socket = socket;
    this.localPort = socket.localPort ?? 0;
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      for (const w of this.chunkWaiters.splice(0)) w(chunk);
      let messages: SipMessage[];
      try {
        messages = this.framer.push(chunk);
      } catch {
        socket.destroy();
        return;
      }
      for (const m of messages) this.deliver(m);
    });
    return this;
  }

  /** Our address as a URI host (IPv6 bracketed). */
  get host(): string {
    const h = this.o.localHost ?? '127.0.0.1';
    return h.includes(':') ? `[${h}]` : h;
  }

  get transportParam(): string {
    return this.o.protocol.toLowerCase();
  }

  get contact(): string {
    return `<sip:${this.o.user}@${this.host}:${this.localPort};transport=${this.transportParam}>`;
  }

  get aor(): string {
    return `sip:${this.o.user}@${this.o.domain}`;
  }

  send(text: string | Buffer): void {
    this.socket?.write(typeof text === 'string' ? Buffer.from(text, 'latin1') : text);
  }

  close(): void {
    this.socket?.destroy();
  }

  /** The next bytes received as they are (e.g. a CRLF keep-alive pong the framer cannot tell yet). */
  nextChunk(): Promise<Buffer> {
    return new Promise((resolve) => this.chunkWaiters.push(resolve));
  }

  /** The next received message matching `match` (earlier arrivals included), within `timeoutMs`. */
  waitFor(match: (m: SipMessage) => boolean, timeoutMs = 5000, what = 'a message'): Promise<SipMessage> {
    const i = this.inbox.findIndex(match);
    if (i >= 0) return Promise.resolve(this.inbox.splice(i, 1)[0] as SipMessage);
    return new Promise((resolve, reject) => {
      const entry = { match, resolve };
      this.waiters.push(entry);
      setTimeout(() => {
        const k = this.waiters.indexOf(entry);
        if (k >= 0) {
          this.waiters.splice(k, 1);
          reject(new Error(`${this.o.user}: no ${what} within ${timeoutMs} ms`));
        }
      }, timeoutMs).unref();
    });
  }

  /** The next final response (or, `final` false, the next non-100 response) to `method` in `callId`. */
  async response(callId: string, method: string, final = true): Promise<SipResponse> {
    const m = await this.waitFor(
      (x) =>
        x.kind === 'response' &&
        x.callId === callId &&
        x.cseq.method === method &&
        x.status >= (final ? 200 : 101),
      5000,
      `${final ? 'final ' : ''}response to ${method}`,
    );
    return m as SipResponse;
  }

  /** Answers `invite` 200 with our Contact and {@link TEST_SDP}, as a phone picking up. */
  answer(invite: SipRequest, toTag = crypto.randomBytes(4).toString('hex')): void {
    this.send(
      createResponse(invite, 200, {
        toTag,
        headers: [
          ['Contact', this.contact],
          ['Content-Type', 'application/sdp'],
        ],
        body: TEST_SDP,
      }).toBuffer(),
    );
  }

  async request(method: string, callId?: string): Promise<SipRequest> {
    const m = await this.waitFor(
      (x) => x.kind === 'request' && x.method === method && (callId === undefined || x.callId === callId),
      5000,
      `${method} request`,
    );
    return m as SipRequest;
  }

  /** A request's text from this phone (Via with our transport and port, a fresh branch). */
  build(spec: {
    method: string;
    uri: string;
    to: string;
    callId: string;
    cseq: number;
    headers?: [string, string][];
    body?: string;
    branch?: string;
  }): string {
    const branch = spec.branch ?? `z9hG4bK${crypto.randomBytes(8).toString('hex')}`;
    const body = spec.body ?? '';
    return [
      `${spec.method} ${spec.uri} SIP/2.0`,
      `Via: SIP/2.0/${this.o.protocol} ${this.host}:${this.localPort};branch=${branch};rport`,
      'Max-Forwards: 70',
      `From: <${this.aor}>;tag=${this.tag}`,
      `To: ${spec.to}`,
      `Call-ID: ${spec.callId}`,
      `CSeq: ${spec.cseq} ${spec.method}`,
      ...(spec.headers ?? []).map(([n, v]) => `${n}: ${v}`),
      `Content-Length: ${Buffer.byteLength(body)}`,
      '',
      body,
    ].join('\r\n');
  }

  /** REGISTER with digest (401 then credentials); returns the final response. */
  async register(
    extraContactParams = '',
    expires = 600,
    headers: [string, string][] = [],
  ): Promise<SipResponse> {
    const callId = `${crypto.randomUUID()}@127.0.0.1`;
    const uri = `sip:${this.o.domain}`;
    const base = {
      method: 'REGISTER',
      uri,
      to: `<${this.aor}>`,
      callId,
      headers: [
        ['Contact', `${this.contact}${extraContactParams}`] as [string, string],
        ['Expires', String(expires)] as [string, string],
        ...headers,
      ],
    };
    this.send(this.build({ ...base, cseq: 1 }));
    const challenge = await this.response(callId, 'REGISTER');
    if (challenge.status !== 401) return challenge;
    const [auth] = new DigestClient({ username: this.o.user, password: this.o.password }).answer(
      401,
      challenge.getHeaders('WWW-Authenticate'),
      { method: 'REGISTER', uri },
    );
    if (!auth) throw new Error('no digest answer');
    this.send(this.build({ ...base, cseq: 2, headers: [...base.headers, [auth.name, auth.value]] }));
    return this.response(callId, 'REGISTER');
  }

  /**
   * Sends an INVITE and answers the 407 (ACK, then the INVITE again with credentials, RFC 3261 §22.2).
   * Returns the Call-ID; the responses are read with `response()`.
   */
  async invite(uri: string, sdp: string): Promise<string> {
    const callId = `${crypto.randomUUID()}@127.0.0.1`;
    const to = `<${uri}>`;
    const headers: [string, string][] = [
      ['Contact', this.contact],
      ['Content-Type', 'application/sdp'],
    ];
    const branch = `z9hG4bK${crypto.randomBytes(8).toString('hex')}`;
    this.send(this.build({ method: 'INVITE', uri, to, callId, cseq: 1, headers, body: sdp, branch }));
    const challenge = await this.response(callId, 'INVITE');
    if (challenge.status !== 407) throw new Error(`expected 407, got ${challenge.status}`);
    // ACK for a non-2xx: same branch, the To of the response (§17.1.1.3).
    this.send(
      this.build({ method: 'ACK', uri, to: challenge.getHeader('To') ?? to, callId, cseq: 1, branch }),
    );
    const [auth] = new DigestClient({ username: this.o.user, password: this.o.password }).answer(
      407,
      challenge.getHeaders('Proxy-Authenticate'),
      { method: 'INVITE', uri },
    );
    if (!auth) throw new Error('no digest answer');
    this.send(
      this.build({
        method: 'INVITE',
        uri,
        to,
        callId,
        cseq: 2,
        headers: [...headers, [auth.name, auth.value]],
        body: sdp,
      }),
    );
    return callId;
  }

  private deliver(m: SipMessage): void {
    const i = this.waiters.findIndex((w) => w.match(m));
    if (i >= 0) this.waiters.splice(i, 1)[0]?.resolve(m);
    else this.inbox.push(m);
  }
}

export const TEST_SDP = [
  'v=0',
  'o=- 1 1 IN IP4 127.0.0.1',
  's=-',
  'c=IN IP4 127.0.0.1',
  't=0 0',
  'm=audio 40000 RTP/AVP 0',
  'a=rtpmap:0 PCMU/8000',
  '',
].join('\r\n');
