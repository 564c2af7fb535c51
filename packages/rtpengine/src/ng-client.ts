import crypto from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';
import type { Clock, TimerHandle } from '@switchboard/clock';
import { BencodeError, decodeBencode, encodeBencode, type BencodeDict } from './bencode.js';
import {
  answerMessage,
  deleteMessage,
  offerMessage,
  parseQueryResult,
  queryMessage,
  playMediaMessage,
  type NgPlayMedia,
  type NgAnswer,
  type NgDelete,
  type NgOffer,
  type NgQuery,
  type NgQueryResult,
} from './ng-commands.js';
import { NgError, type NgErrorCode } from './ng-error.js';

export interface NgClientOptions {
  readonly address: string;
  readonly port: number;
  readonly clock: Clock;
  /** Total time one command may take, retransmissions included. */
  readonly timeoutMs?: number;
  /** First retransmission interval; it doubles after each resend (like SIP's Timer A). */
  readonly retransmitMs?: number;
  /** Told about answers that match no command (late duplicates, stray datagrams). */
  readonly onStray?: (reason: string) => void;
  /** Told when each command settles: `ok` or the NgError code, and its time on the clock (metrics). */
  readonly onSettled?: (command: string, result: 'ok' | NgErrorCode, ms: number) => void;
}

/** An answer with its SDP (offer, answer). */
export interface NgSdpResult {
  readonly sdp: string;
  readonly warning: string | undefined;
  readonly raw: BencodeDict;
}

interface Pending {
  readonly command: string;
  readonly packet: Buffer;
  readonly resolve: (answer: BencodeDict) => void;
  readonly reject: (err: NgError) => void;
  retransmit: TimerHandle;
  readonly deadline: TimerHandle;
}

/**
 * Client of rtpengine's ng control protocol: each command is `<cookie> <bencoded dict>` in one UDP
 * datagram, answered with the same cookie. UDP loses datagrams, so a command is resent with the same
 * cookie (rtpengine answers a repeated cookie from its cache instead of running the command twice)
 * until an answer or the time budget runs out.
 */
export class NgClient {
  private readonly socket: dgram.Socket;
  private readonly pending = new Map<string, Pending>();
  /** Random per client, so two B2BUA processes never share cookies in rtpengine's cache. */
  private readonly cookiePrefix = crypto.randomBytes(4).toString('hex');
  private sequence = 0;
  private closed = false;
  private readonly timeoutMs: number;
  private readonly retransmitMs: number;

  constructor(private readonly options: NgClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 1000;
    this.retransmitMs = options.retransmitMs ?? 100;
    this.socket = dgram.createSocket(net.isIPv6(options.address) ? 'udp6' : 'udp4');
    this.socket.on('message', (msg) => this.receive(msg));
    // A send error is reported per command (its callback); socket-level errors end every command.
    this.socket.on('error', (err) => this.failAll('transport', err.message));
    this.socket.unref();
  }

  async ping(): Promise<void> {
    const answer = await this.command('ping', {});
    if (answer.result !== 'pong')
      throw new NgError('protocol', 'ping', `answered ${JSON.stringify(answer.result)}`);
  }

  async offer(offer: NgOffer): Promise<NgSdpResult> {
    return sdpResult('offer', await this.command('offer', offerMessage(offer)));
  }

  async answer(answer: NgAnswer): Promise<NgSdpResult> {
    return sdpResult('answer', await this.command('answer', answerMessage(answer)));
  }

  /** Ends a call (or one dialog/branch of it). rtpengine's final statistics come back raw. */
  async delete(del: NgDelete): Promise<BencodeDict> {
    return this.command('delete', deleteMessage(del));
  }

  /**
   * `start recording`: rtpengine records the call from now on (with `--recording-method=pcap`, one
   * pcap per call under its `--recording-dir`, `pcaps/<call-id>-<random>.pcap`, complete once the
   * call is deleted).
   */
  async startRecording(callId: string): Promise<void> {
    await this.command('start recording', { 'call-id': callId });
  }

  /**
   * `play media`: plays an audio file (a path rtpengine can read) to the party of `fromTag`, in
   * place of what the other side sends, for its length. Resolves with the length in ms.
   */
  async playMedia(play: NgPlayMedia): Promise<number> {
    const answer = await this.command('play media', playMediaMessage(play));
    return typeof answer.duration === 'number' ? answer.duration : 0;
  }

  async query(query: NgQuery): Promise<NgQueryResult> {
    return parseQueryResult(await this.command('query', queryMessage(query)));
  }

  /**
   * Sends any ng command and resolves with rtpengine's answer dictionary; `result: error` and
   * `load limit` reject with an NgError carrying rtpengine's `error-reason`.
   */
  command(command: string, params: BencodeDict): Promise<BencodeDict> {
    if (this.closed) return Promise.reject(new NgError('closed', command, 'client is closed'));
    const cookie = `${this.cookiePrefix}_${(this.sequence++).toString(36)}`;
    const body = encodeBencode({ ...params, command });
    const packet = Buffer.concat([Buffer.from(`${cookie} `, 'latin1'), body]);
    const started = this.options.clock.now();
    const settled = (result: 'ok' | NgErrorCode) =>
      this.options.onSettled?.(command, result, this.options.clock.now() - started);
    return new Promise<BencodeDict>((resolve, reject) => {
      const entry: Pending = {
        command,
        packet,
        resolve,
        reject,
        retransmit: this.scheduleRetransmit(cookie, this.retransmitMs),
        deadline: this.options.clock.schedule(this.timeoutMs, () =>
          this.settle(cookie, new NgError('timeout', command, `no answer within ${this.timeoutMs} ms`)),
        ),
      };
      this.pending.set(cookie, entry);
      this.send(cookie, packet);
    })
      .then((answer) => checkResult(command, answer))
      .then(
        (answer) => {
          settled('ok');
          return answer;
        },
        (err: unknown) => {
          settled(err instanceof NgError ? err.code : 'protocol');
          throw err;
        },
      );
  }

  /** Fails every command still waiting and closes the socket. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.failAll('closed', 'client is closed');
    this.socket.close();
  }

  private scheduleRetransmit(cookie: string, interval: number): TimerHandle {
    return this.options.clock.schedule(interval, () => {
      const entry = this.pending.get(cookie);
      if (!entry) return;
      this.send(cookie, entry.packet);
      entry.retransmit = this.scheduleRetransmit(cookie, interval * 2);
    });
  }

  private send(cookie: string, packet: Buffer): void {
    this.socket.send(packet, this.options.port, this.options.address, (err) => {
      if (err)
        this.settle(cookie, new NgError('transport', this.pending.get(cookie)?.command ?? '?', err.message));
    });
  }

  private receive(msg: Buffer): void {
    const space = msg.indexOf(0x20);
    if (space <= 0) return this.options.onStray?.('answer without a cookie');
    const cookie = msg.toString('latin1', 0, space);
    const entry = this.pending.get(cookie);
    if (!entry) return this.options.onStray?.(`answer for unknown cookie ${cookie}`);
    let answer: BencodeDict;
    try {
      const value = decodeBencode(msg, space + 1);
      if (typeof value !== 'object' || Array.isArray(value))
        throw new BencodeError('answer is not a dictionary', space + 1);
      answer = value as BencodeDict;
    } catch (err) {
      this.settle(
        cookie,
        new NgError('protocol', entry.command, err instanceof Error ? err.message : 'unreadable answer'),
      );
      return;
    }
    this.settle(cookie, answer);
  }

  private settle(cookie: string, outcome: BencodeDict | NgError): void {
    const entry = this.pending.get(cookie);
    if (!entry) return;
    this.pending.delete(cookie);
    entry.retransmit.cancel();
    entry.deadline.cancel();
    if (outcome instanceof NgError) entry.reject(outcome);
    else entry.resolve(outcome);
  }

  private failAll(code: 'closed' | 'transport', message: string): void {
    for (const [cookie, entry] of [...this.pending])
      this.settle(cookie, new NgError(code, entry.command, message));
  }
}

function checkResult(command: string, answer: BencodeDict): BencodeDict {
  const result = answer.result;
  if (result === 'ok' || result === 'pong') return answer;
  if (result === 'error' || result === 'load limit') {
    const reason = typeof answer['error-reason'] === 'string' ? answer['error-reason'] : result;
    throw new NgError('rejected', command, reason);
  }
  throw new NgError('protocol', command, `unknown result ${JSON.stringify(result)}`);
}

function sdpResult(command: string, answer: BencodeDict): NgSdpResult {
  if (typeof answer.sdp !== 'string') throw new NgError('protocol', command, 'answer carries no SDP');
  return {
    sdp: answer.sdp,
    warning: typeof answer.warning === 'string' ? answer.warning : undefined,
    raw: answer,
  };
}
