import { DtmfError } from '../errors.js';

/** One RFC 4733 §2.3 event block (4 octets). */
export interface TelephoneEvent {
  /** Event code; 0-15 are the DTMF digits 0-9 * # A-D (§3.2). */
  event: number;
  /** E bit: this block reports the end of the event. */
  end: boolean;
  /** Power level in -dBm0, 0-63 (§2.3.4). */
  volume: number;
  /** Duration so far in timestamp units (§2.3.5). */
  duration: number;
}

const DIGITS = '0123456789*#ABCD';

/** The DTMF event code of a digit (§3.2 table 7), e.g. '5' -> 5, '*' -> 10, '#' -> 11. */
export function dtmfEventCode(digit: string): number {
  const code = DIGITS.indexOf(digit.toUpperCase());
  if (digit.length !== 1 || code < 0) throw new DtmfError('DTMF_BAD_DIGIT', `"${digit}" is not a DTMF digit`);
  return code;
}

/** The digit of a DTMF event code, or undefined for non-DTMF events. */
export function dtmfDigit(event: number): string | undefined {
  return Number.isInteger(event) && event >= 0 && event < 16 ? DIGITS[event] : undefined;
}

/** Decodes a telephone-event payload: one block, or several when earlier events ride along (§2.5.1.5). */
export function decodeTelephoneEvents(payload: Uint8Array): TelephoneEvent[] {
  if (payload.length === 0 || payload.length % 4 !== 0) {
    throw new DtmfError(
      'DTMF_BAD_PAYLOAD',
      `telephone-event payload of ${payload.length} bytes is not n x 4`,
    );
  }
  const out: TelephoneEvent[] = [];
  for (let o = 0; o < payload.length; o += 4) {
    const flags = payload[o + 1] ?? 0;
    out.push({
      event: payload[o] ?? 0,
      end: (flags & 0x80) !== 0,
      volume: flags & 0x3f,
      duration: ((payload[o + 2] ?? 0) << 8) | (payload[o + 3] ?? 0),
    });
  }
  return out;
}

/** Encodes event blocks (the R bit is always sent as zero, §2.3). */
export function encodeTelephoneEvents(events: readonly TelephoneEvent[]): Uint8Array {
  const out = new Uint8Array(4 * events.length);
  events.forEach((e, i) => {
    const ok =
      Number.isInteger(e.event) &&
      e.event >= 0 &&
      e.event <= 255 &&
      Number.isInteger(e.volume) &&
      e.volume >= 0 &&
      e.volume <= 63 &&
      Number.isInteger(e.duration) &&
      e.duration >= 0 &&
      e.duration <= 0xffff;
    if (!ok)
      throw new DtmfError('DTMF_BAD_PAYLOAD', `telephone event ${JSON.stringify(e)} has out-of-range fields`);
    out[4 * i] = e.event;
    out[4 * i + 1] = (e.end ? 0x80 : 0) | e.volume;
    out[4 * i + 2] = e.duration >> 8;
    out[4 * i + 3] = e.duration & 0xff;
  });
  return out;
}
