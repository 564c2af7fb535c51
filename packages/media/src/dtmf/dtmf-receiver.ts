import { dtmfDigit, decodeTelephoneEvents } from './telephone-event.js';

/** A digit reported once per key press. */
export interface DtmfDigitEvent {
  digit: string;
  event: number;
  /** RTP timestamp of the event's start (all its packets carry it, RFC 4733 §2.3.1). */
  timestamp: number;
  /** Final duration in timestamp units. */
  duration: number;
  volume: number;
  /** False when the end packets never arrived and the digit was concluded from a following event or a flush. */
  endSeen: boolean;
}

interface Ongoing {
  timestamp: number;
  event: number;
  duration: number;
  volume: number;
}

const REMEMBERED = 16;

/**
 * Turns a stream of RFC 4733 packets into one report per digit. An event is identified by its RTP
 * timestamp and code (§2.5.2.1); it is reported when its first end block arrives, and the two
 * retransmitted end packets (§2.5.1.4) and any late updates are ignored. If the end packets are all
 * lost, the digit is still reported once the next event starts or on `flush()`.
 */
export class DtmfReceiver {
  private ongoing: Ongoing | undefined;
  private readonly done: string[] = [];

  /** Feeds one telephone-event RTP payload; returns the digits it completes (usually none or one). */
  receive(rtpTimestamp: number, payload: Uint8Array): DtmfDigitEvent[] {
    const out: DtmfDigitEvent[] = [];
    for (const block of decodeTelephoneEvents(payload)) {
      const key = `${rtpTimestamp >>> 0}:${block.event}`;
      if (this.done.includes(key)) continue;
      const cur = this.ongoing;
      if (cur && (cur.timestamp !== rtpTimestamp || cur.event !== block.event)) {
        // A new event began: the previous one ended even though we never saw its end packet.
        const d = this.conclude(cur, false);
        if (d) out.push(d);
      }
      const next: Ongoing = {
        timestamp: rtpTimestamp,
        event: block.event,
        duration: Math.max(block.duration, this.ongoing?.duration ?? 0),
        volume: block.volume,
      };
      this.ongoing = next;
      if (block.end) {
        const d = this.conclude(next, true);
        if (d) out.push(d);
      }
    }
    return out;
  }

  /** Concludes an event still in progress (e.g. when media stops); returns it if it was a digit. */
  flush(): DtmfDigitEvent[] {
    const cur = this.ongoing;
    if (!cur) return [];
    const d = this.conclude(cur, false);
    return d ? [d] : [];
  }

  private conclude(e: Ongoing, endSeen: boolean): DtmfDigitEvent | undefined {
    this.ongoing = undefined;
    this.done.push(`${e.timestamp >>> 0}:${e.event}`);
    if (this.done.length > REMEMBERED) this.done.shift();
    const digit = dtmfDigit(e.event);
    if (digit === undefined) return undefined;
    return { digit, event: e.event, timestamp: e.timestamp, duration: e.duration, volume: e.volume, endSeen };
  }
}
