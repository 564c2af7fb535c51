import { redactSdesKeys, type CallTrace, type TraceEntry } from '@switchboard/sip-trace';
import type { Endpoint, TransportProtocol } from '@switchboard/transactions';
import { sipCallIdOf } from './sip-call-id.js';

/** One SIP message as a transport sent or received it. */
export interface TracePacket {
  readonly dir: 'in' | 'out';
  readonly proto: TransportProtocol;
  readonly local: Endpoint;
  readonly remote: Endpoint;
  readonly data: Buffer;
}

export interface TraceLimits {
  /** Bytes of SIP text one call keeps; later messages are counted in `dropped`. */
  readonly maxCallBytes: number;
  /** INVITE dialogs heard but not (yet) claimed by a call: at most this many, oldest evicted. */
  readonly maxPending: number;
  /** …and for at most this long (ms): an INVITE that never becomes a call is forgotten. */
  readonly pendingMs: number;
}

interface TraceBuffer {
  readonly sipCallIds: string[];
  readonly entries: TraceEntry[];
  bytes: number;
  dropped: number;
  readonly since: number;
}

/** A finished call's trace and the bytes of SIP text it holds. */
export interface FinishedTrace extends CallTrace {
  readonly bytes: number;
}

/**
 * The SIP messages of every live call, in bounded per-call buffers keyed by the SIP Call-IDs of
 * the call's legs. A caller's INVITE reaches the transport before call control creates the call
 * (and a 407 challenge exchange precedes it), so messages of an unclaimed INVITE Call-ID wait in
 * a small pending set that `begin` claims. Pure: no I/O, time injected.
 */
export class CallTraceRecorder {
  private readonly byCall = new Map<string, TraceBuffer>();
  private readonly bySipCallId = new Map<string, TraceBuffer>();
  private readonly pending = new Map<string, TraceBuffer>();

  constructor(
    private readonly limits: TraceLimits,
    /** Unix ms (fractional: message order within a millisecond shows in pcap times). */
    private readonly now: () => number,
  ) {}

  /** Buffers held (a leak test reads them: all 0 once every call is finished and pending expired). */
  get sizes(): { calls: number; sipCallIds: number; pending: number } {
    return { calls: this.byCall.size, sipCallIds: this.bySipCallId.size, pending: this.pending.size };
  }

  /** The transport hook: keeps the message if its Call-ID belongs to a call (or an INVITE dialog). */
  record(packet: TracePacket): void {
    const sipCallId = sipCallIdOf(packet.data);
    if (sipCallId === undefined) return;
    // Registrations, subscriptions and strays belong to no call, and a full buffer takes nothing
    // more: no entry (nor text, nor redacted copy of it) is built for them.
    const t = this.now();
    const owner = this.bySipCallId.get(sipCallId) ?? this.pendingFor(sipCallId, packet.dir, packet.data);
    if (!owner) return;
    const bytes = packet.data.length;
    if (owner.bytes + bytes > this.limits.maxCallBytes) {
      owner.dropped += 1;
      return;
    }
    owner.bytes += bytes;
    owner.entries.push({
      t,
      dir: packet.dir,
      proto: packet.proto,
      local: { host: packet.local.host, port: packet.local.port },
      remote: { host: packet.remote.host, port: packet.remote.port },
      // SRTP keys never reach storage (admin download, pcap): see redactSdesKeys.
      msg: redactSdesKeys(packet.data.toString('utf8')),
    });
  }

  /** A call starts on the caller's INVITE: the messages already heard with its Call-ID become its own. */
  begin(callId: string, sipCallId: string): void {
    if (this.byCall.has(callId)) return;
    const buffer = this.pending.get(sipCallId) ?? newBuffer(this.now());
    this.pending.delete(sipCallId);
    if (!buffer.sipCallIds.includes(sipCallId)) buffer.sipCallIds.push(sipCallId);
    this.byCall.set(callId, buffer);
    this.bySipCallId.set(sipCallId, buffer);
  }

  /** A leg of the call with its own Call-ID (a B2BUA leg, RFC 3261 §8.1.1.4 new per dialog). */
  addLeg(callId: string, sipCallId: string): void {
    const buffer = this.byCall.get(callId);
    if (!buffer) return;
    if (!buffer.sipCallIds.includes(sipCallId)) buffer.sipCallIds.push(sipCallId);
    this.bySipCallId.set(sipCallId, buffer);
  }

  /** Stops capturing the call and hands its trace over (undefined for an unknown call). */
  finish(callId: string): FinishedTrace | undefined {
    const buffer = this.byCall.get(callId);
    if (!buffer) return undefined;
    this.byCall.delete(callId);
    for (const id of buffer.sipCallIds) {
      if (this.bySipCallId.get(id) === buffer) this.bySipCallId.delete(id);
    }
    return {
      sipCallIds: buffer.sipCallIds,
      entries: buffer.entries,
      dropped: buffer.dropped,
      bytes: buffer.bytes,
    };
  }

  /** Only an INVITE that arrives opens a pending buffer; other stray traffic is not kept. */
  private pendingFor(sipCallId: string, dir: 'in' | 'out', data: Buffer): TraceBuffer | undefined {
    const known = this.pending.get(sipCallId);
    if (known) return known;
    if (dir !== 'in' || !startsWithInvite(data)) return undefined;
    this.evictPending();
    const buffer = newBuffer(this.now());
    buffer.sipCallIds.push(sipCallId);
    this.pending.set(sipCallId, buffer);
    return buffer;
  }

  /** Map order is insertion order: the oldest pending buffers are first. */
  private evictPending(): void {
    const expired = this.now() - this.limits.pendingMs;
    for (const [id, buffer] of this.pending) {
      if (buffer.since > expired && this.pending.size < this.limits.maxPending) break;
      this.pending.delete(id);
    }
  }
}

const INVITE_LINE = Buffer.from('INVITE ');

function startsWithInvite(data: Buffer): boolean {
  return (
    data.length >= INVITE_LINE.length &&
    data.compare(INVITE_LINE, 0, INVITE_LINE.length, 0, INVITE_LINE.length) === 0
  );
}

function newBuffer(since: number): TraceBuffer {
  return { sipCallIds: [], entries: [], bytes: 0, dropped: 0, since };
}
