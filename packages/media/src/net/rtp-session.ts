import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import type { Clock, TimerHandle } from '../clock.js';
import { SessionError } from '../errors.js';
import { decodeRtpPacket, encodeRtpPacket, type RtpPacket, type RtpPacketInit } from '../rtp/rtp-packet.js';
import type { SourceStatistics } from '../rtp/source-statistics.js';
import type { JitterBufferStats } from '../rtp/jitter-buffer.js';
import { PacedSender } from '../rtp/paced-sender.js';
import { RtpReceiver } from '../rtp/rtp-receiver.js';
import type { DtmfDigitEvent } from '../dtmf/dtmf-receiver.js';
import type { DtmfDigitOptions } from '../dtmf/dtmf-sender.js';
import { decodeRtcpCompound, encodeRtcpCompound, SDES_CNAME, type RtcpPacket } from '../rtcp/rtcp-packet.js';
import { ntpFromUnixMs, ntpMiddle32 } from '../rtcp/ntp-time.js';
import type { RtpPortAllocator, RtpPortPair } from './rtp-port-allocator.js';

export interface RemoteEndpoint {
  address: string;
  port: number;
}

export interface RtpSessionOptions {
  clock: Clock;
  /** Local address to bind (default 127.0.0.1). */
  localAddress?: string;
  /** Where to take the port pair from; tried pair after pair while ports are busy on the host. */
  allocator: RtpPortAllocator;
  /** RTP address from the remote SDP, if known; RTCP goes to port + 1 until RTCP arrives (RFC 3550 §11). */
  remote?: RemoteEndpoint;
  /** Audio payload type: 0 PCMU or 8 PCMA. */
  payloadType: number;
  /** RFC 4733 telephone-event payload type from SDP (default 101). */
  telephoneEventPayloadType?: number;
  clockRate?: number;
  ssrc?: number;
  /** SDES CNAME (default a random id). */
  cname?: string;
  /** Latch onto the source address of the first valid packet (symmetric RTP, RFC 4961); default true. */
  symmetric?: boolean;
  /** Emit `timeout` when no valid RTP has arrived for this long (default 30 000 ms; 0 = never). */
  mediaTimeoutMs?: number;
  /** Nominal RTCP report interval (default 5000 ms; 0 = no periodic reports). */
  rtcpIntervalMs?: number;
  /** Packets in sequence before a source is trusted (RFC 3550 §A.1, default 2). */
  minSequential?: number;
  jitterBuffer?: { maxDepth?: number; maxDelayMs?: number };
  /** Wall clock for SR NTP timestamps (default Date.now). */
  wallClockMs?: () => number;
  /** Random number in [0,1) for the RTCP interval spread (default Math.random). */
  random?: () => number;
}

export interface RtpSessionEvents {
  /** Every valid RTP packet as it arrives (before reordering): for diagnostics and tests. */
  packet: [packet: RtpPacket, from: RemoteEndpoint];
  /** An audio packet, in sequence order after the jitter buffer. */
  audio: [packet: RtpPacket];
  /** A DTMF digit, once per key press. */
  digit: [digit: DtmfDigitEvent];
  /** The remote address symmetric RTP latched onto. */
  latched: [remote: RemoteEndpoint];
  /** No valid RTP for `mediaTimeoutMs`; emitted again only after media resumed and stopped again. */
  timeout: [silentForMs: number];
  rtcp: [packets: RtcpPacket[]];
  /** The remote sent RTCP BYE for the source we hear. */
  bye: [reason: string | undefined];
  error: [error: Error];
}

export interface RtpSessionStats {
  received: number;
  invalid: number;
  /** Packets from an address other than the latched one (dropped). */
  foreign: number;
  /** Packets dropped while the source was on probation or after a bad sequence jump. */
  unvalidated: number;
  sent: number;
  rtcpSent: number;
  rtcpReceived: number;
  jitterBuffer: JitterBufferStats;
}

function bind(socket: Socket, port: number, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    socket.once('error', onError);
    socket.bind(port, address, () => {
      socket.off('error', onError);
      resolve();
    });
  });
}

function closeSocket(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve();
    }
  });
}

/**
 * One RTP/RTCP media stream over two UDP sockets. Receives and validates RTP (RFC 3550 §A.1),
 * orders it through a jitter buffer, splits audio from RFC 4733 events, keeps reception statistics
 * and sends RTCP SR/RR with SDES (RFC 3550 §6), paces outgoing audio and digits on the injected
 * clock, latches to where packets really come from, and reports when media stops.
 */
export class RtpSession extends EventEmitter<RtpSessionEvents> {
  readonly ssrc: number;
  readonly ports: RtpPortPair;
  readonly localAddress: string;

  private readonly opts: RtpSessionOptions;
  private readonly clock: Clock;
  private readonly sender: PacedSender;
  private readonly receiver: RtpReceiver;
  private readonly telephoneEventPt: number;
  private readonly cname: string;
  private remoteRtp: RemoteEndpoint | undefined;
  private remoteRtcp: RemoteEndpoint | undefined;
  private latchedRtp = false;
  private latchedRtcp = false;
  private timeoutTimer: TimerHandle | undefined;
  private rtcpTimer: TimerHandle | undefined;
  private lastMediaAt: number;
  private timedOut = false;
  private closed = false;
  private lastReportPackets = 0;
  private readonly counters = {
    received: 0,
    invalid: 0,
    foreign: 0,
    unvalidated: 0,
    sent: 0,
    rtcpSent: 0,
    rtcpReceived: 0,
  };

  private constructor(
    options: RtpSessionOptions,
    private readonly rtpSocket: Socket,
    private readonly rtcpSocket: Socket,
    ports: RtpPortPair,
  ) {
    super();
    this.opts = options;
    this.clock = options.clock;
    this.ports = ports;
    this.localAddress = options.localAddress ?? '127.0.0.1';
    this.ssrc = (options.ssrc ?? randomBytes(4).readUInt32BE(0)) >>> 0;
    this.cname = options.cname ?? `switchboard-${randomBytes(6).toString('hex')}`;
    this.telephoneEventPt = options.telephoneEventPayloadType ?? 101;
    this.receiver = new RtpReceiver({
      clock: this.clock,
      payloadType: options.payloadType,
      telephoneEventPayloadType: this.telephoneEventPt,
      ...(options.clockRate !== undefined ? { clockRate: options.clockRate } : {}),
      ...(options.minSequential !== undefined ? { minSequential: options.minSequential } : {}),
      ...(options.jitterBuffer ? { jitterBuffer: options.jitterBuffer } : {}),
      onAudio: (p) => this.emit('audio', p),
      onDigit: (d) => this.emit('digit', d),
    });
    if (options.remote) this.setRemote(options.remote);
    this.sender = new PacedSender({
      clock: this.clock,
      ssrc: this.ssrc,
      payloadType: options.payloadType,
      telephoneEventPayloadType: this.telephoneEventPt,
      ...(options.clockRate !== undefined ? { clockRate: options.clockRate } : {}),
      send: (p) => this.sendRtp(p),
    });
    this.lastMediaAt = this.clock.now();
    rtpSocket.on('message', (msg, rinfo) => this.onRtp(msg, rinfo));
    rtcpSocket.on('message', (msg, rinfo) => this.onRtcp(msg, rinfo));
    // A socket error is reported, not thrown: with no 'error' listener it must not crash the process.
    const onError = (err: Error): void => {
      if (this.listenerCount('error') > 0) this.emit('error', err);
    };
    rtpSocket.on('error', onError);
    rtcpSocket.on('error', onError);
  }

  /** Binds a port pair from the allocator (skipping pairs busy on the host) and starts the session. */
  static async open(options: RtpSessionOptions): Promise<RtpSession> {
    const address = options.localAddress ?? '127.0.0.1';
    const family = address.includes(':') ? 'udp6' : 'udp4';
    for (let attempt = 0; attempt < options.allocator.capacity; attempt++) {
      const ports = options.allocator.allocate();
      const rtp = createSocket(family);
      const rtcp = createSocket(family);
      try {
        await bind(rtp, ports.rtp, address);
        await bind(rtcp, ports.rtcp, address);
      } catch (err) {
        await Promise.all([closeSocket(rtp), closeSocket(rtcp)]);
        options.allocator.release(ports.rtp);
        if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') continue;
        throw err;
      }
      const session = new RtpSession(options, rtp, rtcp, ports);
      session.start();
      return session;
    }
    throw new SessionError('SESSION_STATE', 'no RTP port pair in the range could be bound');
  }

  /**
   * Sets the remote address from SDP (answer or re-INVITE). It is used until the next valid packet
   * arrives, which latches again: a new offer may well move the media elsewhere.
   */
  setRemote(remote: RemoteEndpoint): void {
    this.remoteRtp = { ...remote };
    this.remoteRtcp = { address: remote.address, port: remote.port + 1 };
    this.latchedRtp = false;
    this.latchedRtcp = false;
  }

  get remote(): RemoteEndpoint | undefined {
    return this.remoteRtp ? { ...this.remoteRtp } : undefined;
  }

  /** Plays G.711 bytes of the session's law at 20 ms pace; resolves false if interrupted. */
  play(data: Uint8Array): Promise<boolean> {
    if (this.closed) return Promise.reject(new SessionError('SESSION_STATE', 'session is closed'));
    return this.sender.enqueueAudio(data);
  }

  /** Sends one digit as RFC 4733 telephone-events. */
  sendDigit(options: Omit<DtmfDigitOptions, 'packetIntervalMs' | 'clockRate'>): Promise<boolean> {
    if (this.closed) return Promise.reject(new SessionError('SESSION_STATE', 'session is closed'));
    return this.sender.enqueueDigit(options);
  }

  /** Stops what is playing and drops the queue. */
  stopPlayback(): void {
    this.sender.clear();
  }

  get stats(): RtpSessionStats {
    return { ...this.counters, jitterBuffer: this.receiver.jitterBufferStats };
  }

  /** Reception statistics of the source currently heard, if any. */
  get sourceStatistics(): SourceStatistics | undefined {
    return this.receiver.source;
  }

  /** Flushes pending media, sends RTCP BYE (§6.6), closes the sockets and returns the ports. */
  async close(reason?: string): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.sender.stop();
    for (const t of [this.timeoutTimer, this.rtcpTimer]) t?.cancel();
    this.receiver.stop();
    this.receiver.flush();
    await new Promise<void>((resolve) => {
      const bye: RtcpPacket = {
        type: 'bye',
        ssrcs: [this.ssrc],
        ...(reason !== undefined ? { reason } : {}),
      };
      if (!this.sendRtcp([bye], () => resolve())) resolve();
    });
    await Promise.all([closeSocket(this.rtpSocket), closeSocket(this.rtcpSocket)]);
    this.opts.allocator.release(this.ports.rtp);
  }

  private start(): void {
    this.sender.start();
    this.armTimeout(this.opts.mediaTimeoutMs ?? 30000);
    this.scheduleRtcp();
  }

  private sendRtp(packet: RtpPacketInit): void {
    const to = this.remoteRtp;
    if (!to || this.closed) return;
    this.counters.sent++;
    this.rtpSocket.send(encodeRtpPacket(packet), to.port, to.address);
  }

  private onRtp(msg: Buffer, rinfo: RemoteInfo): void {
    if (this.closed) return;
    this.counters.received++;
    if (this.latchedRtp && !this.isRemote(this.remoteRtp, rinfo)) {
      this.counters.foreign++;
      return;
    }
    let packet: RtpPacket;
    try {
      packet = decodeRtpPacket(msg);
    } catch {
      this.counters.invalid++;
      return;
    }
    // The payload is a view into the socket buffer; copy it so listeners may keep it.
    const verdict = this.receiver.receive({ ...packet, payload: Uint8Array.from(packet.payload) });
    if (verdict === 'unexpected-payload-type') this.counters.invalid++;
    if (verdict !== 'accepted') {
      if (verdict === 'unvalidated') this.counters.unvalidated++;
      return;
    }
    this.lastMediaAt = this.clock.now();
    if (this.timedOut) {
      this.timedOut = false;
      this.armTimeout(this.opts.mediaTimeoutMs ?? 30000);
    }
    if ((this.opts.symmetric ?? true) && !this.latchedRtp) {
      this.latchedRtp = true;
      this.remoteRtp = { address: rinfo.address, port: rinfo.port };
      if (!this.latchedRtcp) this.remoteRtcp = { address: rinfo.address, port: rinfo.port + 1 };
      this.emit('latched', { ...this.remoteRtp });
    }
    this.emit('packet', packet, { address: rinfo.address, port: rinfo.port });
  }

  private armTimeout(timeoutMs: number): void {
    if (timeoutMs <= 0) return;
    const remaining = this.lastMediaAt + timeoutMs - this.clock.now();
    this.timeoutTimer = this.clock.schedule(Math.max(0, remaining), () => {
      this.timeoutTimer = undefined;
      if (this.closed) return;
      const silent = this.clock.now() - this.lastMediaAt;
      if (silent >= timeoutMs) {
        this.timedOut = true;
        this.receiver.flushDigits();
        this.emit('timeout', silent);
      } else {
        this.armTimeout(timeoutMs);
      }
    });
  }

  private scheduleRtcp(): void {
    const interval = this.opts.rtcpIntervalMs ?? 5000;
    if (interval <= 0) return;
    // §6.3.1: spread reports over [0.5, 1.5] x the interval so senders do not synchronise.
    const delay = interval * (0.5 + (this.opts.random ?? Math.random)());
    this.rtcpTimer = this.clock.schedule(delay, () => {
      if (this.closed) return;
      this.sendRtcp([]);
      this.scheduleRtcp();
    });
  }

  /** Builds SR (if we sent since the last report) or RR, plus SDES CNAME and any extra packets (§6.1). */
  private sendRtcp(extra: RtcpPacket[], sent?: () => void): boolean {
    const reports = this.receiver.takeReportBlocks();
    const sentSinceLast = this.sender.packetsSent !== this.lastReportPackets;
    this.lastReportPackets = this.sender.packetsSent;
    const ntp = ntpFromUnixMs((this.opts.wallClockMs ?? Date.now)());
    const report: RtcpPacket = sentSinceLast
      ? {
          type: 'sr',
          ssrc: this.ssrc,
          sender: {
            ntpSeconds: ntp.seconds,
            ntpFraction: ntp.fraction,
            rtpTimestamp: this.sender.currentTimestamp,
            packetCount: this.sender.packetsSent >>> 0,
            octetCount: this.sender.octetsSent >>> 0,
          },
          reports,
        }
      : { type: 'rr', ssrc: this.ssrc, reports };
    const sdes: RtcpPacket = {
      type: 'sdes',
      chunks: [{ ssrc: this.ssrc, items: [{ type: SDES_CNAME, value: this.cname }] }],
    };
    const to = this.remoteRtcp;
    if (!to) return false;
    this.counters.rtcpSent++;
    this.rtcpSocket.send(encodeRtcpCompound([report, sdes, ...extra]), to.port, to.address, () => sent?.());
    return true;
  }

  private onRtcp(msg: Buffer, rinfo: RemoteInfo): void {
    if (this.closed) return;
    if (this.latchedRtcp && !this.isRemote(this.remoteRtcp, rinfo)) {
      this.counters.foreign++;
      return;
    }
    let packets: RtcpPacket[];
    try {
      packets = decodeRtcpCompound(msg);
    } catch {
      this.counters.invalid++;
      return;
    }
    this.counters.rtcpReceived++;
    if ((this.opts.symmetric ?? true) && !this.latchedRtcp) {
      this.latchedRtcp = true;
      this.remoteRtcp = { address: rinfo.address, port: rinfo.port };
    }
    const heard = this.receiver.source?.ssrc;
    for (const p of packets) {
      if (p.type === 'sr') {
        const lsr = ntpMiddle32({ seconds: p.sender.ntpSeconds, fraction: p.sender.ntpFraction });
        this.receiver.recordSenderReport(p.ssrc, lsr);
      }
      if (p.type === 'bye' && heard !== undefined && p.ssrcs.includes(heard)) this.emit('bye', p.reason);
    }
    this.emit('rtcp', packets);
  }

  private isRemote(remote: RemoteEndpoint | undefined, rinfo: RemoteInfo): boolean {
    return remote !== undefined && remote.address === rinfo.address && remote.port === rinfo.port;
  }
}
