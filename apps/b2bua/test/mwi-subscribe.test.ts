import crypto from 'node:crypto';
import dgram from 'node:dgram';
import { once } from 'node:events';
import { DigestClient } from '@switchboard/dialog';
import { redisKeys } from '@switchboard/live-state';
import { parseMessage, type SipRequest, type SipResponse } from '@switchboard/sip';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MailboxChangePublisher } from '../src/mwi/mailbox-change-publisher.js';
import { MwiNotifierService } from '../src/mwi/mwi-notifier.service.js';
import {
  MESSAGE_WAITING_NOTIFIER,
  type MessageWaitingNotifier,
} from '../src/voicemail/message-waiting-notifier.js';
import { startSignalling, type SignallingHarness } from './support/sip-test-kit.js';

/** Polls until `probe` holds; the deadline is generous because CI machines are loaded. */
async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  ms = 10_000,
): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

interface SubscribeSpec {
  user?: string;
  mailbox?: string;
  event?: string;
  expires?: number;
  callId?: string;
  fromTag?: string;
  toTag?: string;
  cseq?: number;
  accept?: string;
  recordRoute?: string;
}

/** A phone on a UDP socket: SUBSCRIBE with digest, answers NOTIFYs with `notifyStatus`, records them. */
class Phone {
  readonly socket = dgram.createSocket('udp4');
  readonly notifies: SipRequest[] = [];
  private readonly responses: SipResponse[] = [];
  notifyStatus = 200;
  port = 0;

  constructor(
    private readonly h: SignallingHarness,
    private readonly password: string,
  ) {
    this.socket.on('message', (data, from) => {
      let m;
      try {
        m = parseMessage(data);
      } catch {
        return;
      }
      if (m.kind === 'response') this.responses.push(m);
      else if (m.method === 'NOTIFY') {
        this.notifies.push(m);
        this.answer(m, this.notifyStatus, from.port);
      }
    });
  }

  async open(): Promise<this> {
    this.socket.bind(0, '127.0.0.1');
    await once(this.socket, 'listening');
    this.port = this.socket.address().port;
    return this;
  }

  close(): void {
    this.socket.close();
  }

  /** Answers a NOTIFY where it came from (any signalling process of the deployment may send it). */
  private answer(req: SipRequest, status: number, port: number): void {
    const copy = ['Via', 'From', 'To', 'Call-ID', 'CSeq'].map((n) => `${n}: ${req.getHeaders(n).join(', ')}`);
    const text = `SIP/2.0 ${status} X\r\n${copy.join('\r\n')}\r\nContent-Length: 0\r\n\r\n`;
    this.socket.send(Buffer.from(text, 'latin1'), port, '127.0.0.1');
  }

  /** Where requests go: the first signalling process unless a test points the phone at another. */
  serverPort = 0;

  send(text: string): void {
    this.socket.send(Buffer.from(text, 'latin1'), this.serverPort || this.h.port, '127.0.0.1');
  }

  /** Sends raw bytes and waits for the final response with this Call-ID. */
  async sendRaw(text: string, callId: string): Promise<SipResponse> {
    const mark = this.responses.length;
    this.send(text);
    return waitFor(`a response to ${callId}`, () =>
      this.responses.slice(mark).find((r) => r.callId === callId && r.status >= 200),
    );
  }

  /** The final response to the request just sent (earlier answers with the same CSeq are skipped). */
  private async response(callId: string, cseq: number, after: number): Promise<SipResponse> {
    return waitFor(`a response to CSeq ${cseq}`, () =>
      this.responses.slice(after).find((r) => r.callId === callId && r.cseq.seq === cseq && r.status >= 200),
    );
  }

  /** SUBSCRIBE; answers a 401 once with digest (CSeq + 1). Returns the final response. */
  async subscribe(spec: SubscribeSpec): Promise<SipResponse> {
    const user = spec.user ?? '201';
    const mailbox = spec.mailbox ?? user;
    const uri = `sip:${mailbox}@${this.h.domain}`;
    const callId = spec.callId ?? `${crypto.randomUUID()}@127.0.0.1`;
    const build = (cseq: number, auth: string[]): string =>
      [
        `SUBSCRIBE ${uri} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${this.port};branch=z9hG4bK${crypto.randomBytes(6).toString('hex')};rport`,
        'Max-Forwards: 70',
        `From: <sip:${user}@${this.h.domain}>;tag=${spec.fromTag ?? 'ph1'}`,
        `To: <${uri}>${spec.toTag ? `;tag=${spec.toTag}` : ''}`,
        `Call-ID: ${callId}`,
        `CSeq: ${cseq} SUBSCRIBE`,
        `Contact: <sip:${user}@127.0.0.1:${this.port}>`,
        `Event: ${spec.event ?? 'message-summary'}`,
        ...(spec.accept ? [`Accept: ${spec.accept}`] : []),
        ...(spec.recordRoute ? [`Record-Route: ${spec.recordRoute}`] : []),
        ...(spec.expires === undefined ? [] : [`Expires: ${spec.expires}`]),
        ...auth,
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n');
    const first = spec.cseq ?? 1;
    let mark = this.responses.length;
    this.send(build(first, []));
    const r = await this.response(callId, first, mark);
    if (r.status !== 401) return r;
    const digest = new DigestClient({ username: user, password: this.password });
    const auth = digest.answer(401, r.getHeaders('WWW-Authenticate'), { method: 'SUBSCRIBE', uri });
    mark = this.responses.length;
    this.send(
      build(
        first + 1,
        auth.map((a) => `${a.name}: ${a.value}`),
      ),
    );
    return this.response(callId, first + 1, mark);
  }

  async notifyCount(n: number): Promise<SipRequest> {
    return waitFor(`NOTIFY #${n}`, () => this.notifies[n - 1]);
  }
}

describe('MWI SUBSCRIBE / NOTIFY over UDP (RFC 3842, RFC 6665)', () => {
  let h: SignallingHarness;
  const phones: Phone[] = [];
  const phone = async (password = 'pw-201'): Promise<Phone> => {
    const p = await new Phone(h, password).open();
    phones.push(p);
    return p;
  };
  const account = (ext = '201'): string => `sip:${ext}@${h.domain}`;
  let boxId = '';
  let seq = 0;
  const addMessage = async (heard = false): Promise<void> => {
    seq += 1;
    await h.prisma.voicemailMessage.create({
      data: {
        boxId,
        callerNumber: '301',
        durationSeconds: 4,
        wavPath: 'x.wav',
        heard,
        idempotencyKey: `k-${seq}`,
      },
    });
  };

  beforeAll(async () => {
    h = await startSignalling({ SWITCHBOARD_MWI_MIN_EXPIRES: '2', SWITCHBOARD_MWI_UNSOLICITED: 'true' });
    await h.addExtension('201', 'pw-201');
    await h.addExtension('202', 'pw-202');
    const ext = await h.prisma.extension.findUniqueOrThrow({ where: { number: '201' } });
    boxId = (await h.prisma.voicemailBox.create({ data: { extensionId: ext.id } })).id;
  });

  afterEach(async () => {
    for (const p of phones.splice(0)) p.close();
    await h.redis.del(redisKeys.mwiSubscriptions(account()), redisKeys.mwiNotifySeq(account()));
    await h.redis.del(redisKeys.registration(account()));
    await h.prisma.voicemailMessage.deleteMany({});
  });

  afterAll(async () => {
    await h?.close();
  });

  it('489 with Allow-Events for another package, 401 challenge, 403 for another mailbox, 423 below the minimum', async () => {
    const p = await phone();
    const bad = await p.subscribe({ event: 'x-unknown-package', expires: 600 });
    expect(bad.status).toBe(489);
    expect(bad.getHeader('Allow-Events')).toBe('message-summary, dialog, presence');
    const other = await p.subscribe({ mailbox: '202', expires: 600 });
    expect(other.status).toBe(403);
    const brief = await p.subscribe({ expires: 1 });
    expect(brief.status).toBe(423);
    expect(brief.getHeader('Min-Expires')).toBe('2');
    const unacceptable = await p.subscribe({ expires: 600, accept: 'application/pidf+xml' });
    expect(unacceptable.status).toBe(406);
    const wrong = await (await phone('not-the-password')).subscribe({ expires: 600 });
    expect(wrong.status).toBe(401);
    expect(p.notifies).toEqual([]);
  });

  it('200 + NOTIFY with counts from PostgreSQL; a refresh gets a NOTIFY with a higher CSeq; the dialog is kept', async () => {
    await addMessage(false);
    await addMessage(true);
    await addMessage(true);
    const p = await phone();
    const ok = await p.subscribe({ expires: 600, callId: 'mwi-refresh@127.0.0.1' });
    expect(ok.status).toBe(200);
    expect(ok.getHeader('Expires')).toBe('600');
    const toTag = ok.to.tag ?? '';
    expect(toTag).not.toBe('');
    const n1 = await p.notifyCount(1);
    expect(n1.callId).toBe('mwi-refresh@127.0.0.1');
    expect(n1.from.tag).toBe(toTag);
    expect(n1.to.tag).toBe('ph1');
    expect(n1.requestUri).toBe(`sip:201@127.0.0.1:${p.port}`);
    expect(n1.getHeader('Subscription-State')).toBe('active;expires=600');
    expect(n1.bodyText).toBe(
      `Messages-Waiting: yes\r\nMessage-Account: ${account()}\r\nVoice-Message: 1/2 (0/0)\r\n`,
    );

    // Refresh inside the dialog (To tag) with a higher CSeq (10, then 11 with credentials).
    const refresh = await p.subscribe({ expires: 1200, callId: 'mwi-refresh@127.0.0.1', toTag, cseq: 10 });
    expect(refresh.status).toBe(200);
    expect(refresh.getHeader('Expires')).toBe('1200');
    const n2 = await p.notifyCount(2);
    expect(n2.cseq.seq).toBe(n1.cseq.seq + 1);
    expect(n2.getHeader('Subscription-State')).toBe('active;expires=1200');

    // A CSeq below the last one in the dialog (5, 6 < 11) → 500; a To tag we never gave → 481.
    const old = await p.subscribe({ expires: 600, callId: 'mwi-refresh@127.0.0.1', toTag, cseq: 5 });
    expect(old.status, old.toString()).toBe(500);
    expect(
      (await p.subscribe({ expires: 600, callId: 'mwi-refresh@127.0.0.1', toTag: 'nope', cseq: 20 })).status,
    ).toBe(481);
  });

  it('the MESSAGE_WAITING_NOTIFIER of the signalling role NOTIFYs every subscription on a change', async () => {
    const a = await phone();
    const b = await phone();
    expect((await a.subscribe({ expires: 600 })).status).toBe(200);
    expect((await b.subscribe({ expires: 600 })).status).toBe(200);
    expect((await a.notifyCount(1)).bodyText).toContain('Messages-Waiting: no');
    await b.notifyCount(1);
    await addMessage(false);
    await h.app.get<MessageWaitingNotifier>(MESSAGE_WAITING_NOTIFIER).mailboxChanged('201');
    for (const p of [a, b]) {
      const n = await p.notifyCount(2);
      expect(n.bodyText).toContain('Messages-Waiting: yes');
      expect(n.bodyText).toContain('Voice-Message: 1/0 (0/0)');
      expect(n.cseq.seq).toBe(2);
    }
  });

  it('a NOTIFY answered 481 drops the subscription (the phone forgot it)', async () => {
    const p = await phone();
    expect((await p.subscribe({ expires: 600 })).status).toBe(200);
    await p.notifyCount(1);
    expect(await h.redis.hlen(redisKeys.mwiSubscriptions(account()))).toBe(1);
    p.notifyStatus = 481;
    const report = await h.app.get(MwiNotifierService).notifyMailbox('201');
    expect(report.subscriptions.map((s) => s.outcome)).toEqual([481]);
    expect(await h.redis.hlen(redisKeys.mwiSubscriptions(account()))).toBe(0);
    expect(report.unsolicited).toEqual([]); // the phone had no registration either
  });

  it('ends a subscription at its expiry with NOTIFY terminated;reason=timeout', async () => {
    const p = await phone();
    expect((await p.subscribe({ expires: 2 })).status).toBe(200);
    await p.notifyCount(1);
    const last = await waitFor('the expiry NOTIFY', () => p.notifies[1], 15_000);
    expect(last.getHeader('Subscription-State')).toBe('terminated;reason=timeout');
    await waitFor('the subscription to go', async () =>
      (await h.redis.hlen(redisKeys.mwiSubscriptions(account()))) === 0 ? true : undefined,
    );
  });

  it('two signalling processes share the subscription: refresh on one, change NOTIFYed by either, one CSeq line', async () => {
    const h2 = await startSignalling(
      { SWITCHBOARD_MWI_MIN_EXPIRES: '2', SWITCHBOARD_MWI_UNSOLICITED: 'true' },
      h,
    );
    try {
      const p = await phone();
      const ok = await p.subscribe({ expires: 600, callId: 'mwi-two@127.0.0.1' });
      expect(ok.status).toBe(200);
      await p.notifyCount(1);
      p.serverPort = h2.port;
      const refresh = await p.subscribe({
        expires: 900,
        callId: 'mwi-two@127.0.0.1',
        toTag: ok.to.tag ?? '',
        cseq: 10,
      });
      expect(refresh.status).toBe(200);
      expect((await p.notifyCount(2)).getHeader('Subscription-State')).toBe('active;expires=900');
      await addMessage(false);
      await new MailboxChangePublisher(h.redis, h.domain).mailboxChanged('201');
      const n3 = await p.notifyCount(3);
      expect(n3.bodyText).toContain('Voice-Message: 1/0 (0/0)');
      expect(p.notifies.map((n) => n.cseq.seq)).toEqual([1, 2, 3]);
      expect(new Set(p.notifies.map((n) => n.from.tag)).size).toBe(1);
    } finally {
      await h2.close();
    }
  });

  it('with a Record-Route, NOTIFYs go to the first route with Route headers (RFC 3261 §12.2.1.1)', async () => {
    const proxy = dgram.createSocket('udp4');
    proxy.bind(0, '127.0.0.1');
    await once(proxy, 'listening');
    const seen: SipRequest[] = [];
    proxy.on('message', (data, from) => {
      const m = parseMessage(data);
      if (m.kind !== 'request') return;
      seen.push(m);
      // Answer for the phone, so that the NOTIFY transaction ends well (a proxy would relay it).
      const copy = ['Via', 'From', 'To', 'Call-ID', 'CSeq'].map((n) => `${n}: ${m.getHeaders(n).join(', ')}`);
      proxy.send(
        `SIP/2.0 200 OK\r\n${copy.join('\r\n')}\r\nContent-Length: 0\r\n\r\n`,
        from.port,
        from.address,
      );
    });
    try {
      const p = await phone();
      const route = `<sip:127.0.0.1:${proxy.address().port};lr>`;
      expect((await p.subscribe({ expires: 600, recordRoute: route })).status).toBe(200);
      const notify = await waitFor('the NOTIFY at the proxy', () => seen[0]);
      expect(notify.method).toBe('NOTIFY');
      expect(notify.getHeaders('Route')).toEqual([route]);
      expect(notify.requestUri).toBe(`sip:201@127.0.0.1:${p.port}`);
      expect(p.notifies).toEqual([]);
    } finally {
      proxy.close();
    }
  });

  it('malformed SUBSCRIBE headers get 400 naming the header, and the stack keeps serving', async () => {
    const p = await phone();
    const raw = (callId: string, extra: string): string =>
      [
        `SUBSCRIBE sip:201@${h.domain} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${p.port};branch=z9hG4bK${crypto.randomBytes(6).toString('hex')};rport`,
        'Max-Forwards: 70',
        `From: <sip:201@${h.domain}>;tag=bad1`,
        `To: <sip:201@${h.domain}>`,
        `Call-ID: ${callId}`,
        'CSeq: 1 SUBSCRIBE',
        `Contact: <sip:201@127.0.0.1:${p.port}>`,
        extra,
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n');
    const expires = await p.sendRaw(
      raw('bad-expires@x', 'Event: message-summary\r\nExpires: soon'),
      'bad-expires@x',
    );
    expect(expires.status).toBe(400);
    expect(expires.reason).toMatch(/Expires/);
    const event = await p.sendRaw(raw('bad-event@x', 'Event: ;id=1\r\nExpires: 600'), 'bad-event@x');
    expect(event.status).toBe(400);
    expect(event.reason).toMatch(/Event/);
    expect((await p.subscribe({ expires: 600 })).status).toBe(200);
  });

  it('unsolicited NOTIFY to each registered contact of a mailbox nobody subscribed to', async () => {
    const p = await phone();
    const contact = `sip:201@127.0.0.1:${p.port}`;
    await h.redis.hset(
      redisKeys.registration(account()),
      contact,
      JSON.stringify({
        aor: account(),
        contact,
        expiresAt: Date.now() + 300_000,
        sourceAddress: `127.0.0.1:${p.port}`,
        transport: 'UDP',
      }),
    );
    await addMessage(false);
    const report = await h.app.get(MwiNotifierService).notifyMailbox('201');
    expect(report.subscriptions).toEqual([]);
    expect(report.unsolicited).toEqual([{ contact, outcome: 200 }]);
    const n = await p.notifyCount(1);
    expect(n.requestUri).toBe(contact);
    expect(n.to.tag).toBeUndefined();
    expect(n.getHeader('Event')).toBe('message-summary');
    // The registration's remaining time (300 s when stored; a loaded machine may take a few seconds).
    const left = Number(/^active;expires=(\d+)$/.exec(n.getHeader('Subscription-State') ?? '')?.[1]);
    expect(left).toBeGreaterThan(280);
    expect(left).toBeLessThanOrEqual(300);
    expect(n.bodyText).toContain('Voice-Message: 1/0 (0/0)');
  });
});
