import type { OutgoingRequest } from '@switchboard/dialog';
import type { SipMessage } from '@switchboard/sip';
import type { Uas2xxRetransmitter } from '@switchboard/transactions';

export type Side = 'caller' | 'callee';

/** One re-INVITE relayed across the bridge, known by the asking side and its CSeq. */
interface Relayed {
  readonly from: Side;
  /** Our ACK for the answering side's 2xx, once that 2xx came. */
  ack?: OutgoingRequest;
  /** A late offer's ACK is held for the asker's answer, then claimed while that answer crosses. */
  state: 'none' | 'held' | 'claimed' | 'sent';
  /** Our 2xx to the asker, resent until its ACK (RFC 3261 §13.3.1.4). */
  retransmitter?: Uas2xxRetransmitter<SipMessage>;
}

/**
 * The ACKs of the re-INVITEs a bridge relays, per asking side and CSeq (RFC 3261 §13.2.2.4,
 * §13.3.1.4, §14): the answering side's 2xx is ACKed once, and a retransmission of that 2xx gets
 * the very same ACK again (never a new answer, nor a held ACK sent early); the asker's ACK stops
 * only our 2xx for its own CSeq, and releases the held ACK of a late offer (RFC 3264 §4).
 */
export class RelayedInvites {
  private readonly relayed = new Map<string, Relayed>();

  constructor(private readonly transmit: (to: Side, ack: OutgoingRequest) => void) {}

  /** The answering side's first 2xx: its ACK goes now, or with the asker's answer (`hold`, late offer). */
  answered(from: Side, seq: number, ack: OutgoingRequest, hold: boolean): void {
    const r = this.entry(from, seq);
    r.ack = ack;
    if (hold) r.state = 'held';
    else this.send(r, ack);
  }

  /** A retransmission of that 2xx (§13.2.2.4): the same ACK again once it has gone; nothing else. */
  retransmitted(from: Side, seq: number): void {
    const r = this.relayed.get(key(from, seq));
    if (r?.ack && r.state === 'sent') this.transmit(other(from), r.ack);
  }

  /** Our 2xx to the asker went out and is retransmitted by `retransmitter` until the ACK. */
  responding(from: Side, seq: number, retransmitter: Uas2xxRetransmitter<SipMessage>): void {
    this.entry(from, seq).retransmitter = retransmitter;
  }

  /**
   * The asker's ACK for CSeq `seq`: stops our 2xx for that CSeq only. Returns the held ACK of a late
   * offer (to send with the asker's answer through `sendHeld`), once.
   */
  acked(from: Side, seq: number): OutgoingRequest | undefined {
    const r = this.relayed.get(key(from, seq));
    if (!r) return undefined;
    r.retransmitter?.ack();
    if (!r.ack || r.state !== 'held') return undefined;
    r.state = 'claimed';
    return r.ack;
  }

  /** Sends a held ACK with the asker's answer; a later 2xx retransmission gets this one again. */
  sendHeld(from: Side, seq: number, ack: OutgoingRequest): void {
    const r = this.entry(from, seq);
    if (r.state === 'sent') return; // the call ended meanwhile and close() ACKed it
    r.ack = ack;
    this.send(r, ack);
  }

  /** The call ends: a held ACK goes without answer (a 2xx is always ACKed); retransmissions stop. */
  close(): void {
    for (const r of this.relayed.values()) {
      r.retransmitter?.ack();
      if (r.ack && (r.state === 'held' || r.state === 'claimed')) this.send(r, r.ack);
    }
  }

  private send(r: Relayed, ack: OutgoingRequest): void {
    r.state = 'sent';
    this.transmit(other(r.from), ack);
  }

  private entry(from: Side, seq: number): Relayed {
    const k = key(from, seq);
    let r = this.relayed.get(k);
    if (!r) {
      r = { from, state: 'none' };
      this.relayed.set(k, r);
    }
    return r;
  }
}

const key = (from: Side, seq: number): string => `${from} ${seq}`;

export function other(side: Side): Side {
  return side === 'caller' ? 'callee' : 'caller';
}
