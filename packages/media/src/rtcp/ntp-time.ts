/** Seconds between the NTP epoch (1900) and the Unix epoch (1970), RFC 3550 §4. */
const NTP_UNIX_OFFSET = 2208988800;

export interface NtpTimestamp {
  seconds: number;
  fraction: number;
}

/** Converts wall-clock milliseconds since 1970 to a 64-bit NTP timestamp (two 32-bit halves). */
export function ntpFromUnixMs(ms: number): NtpTimestamp {
  const whole = Math.floor(ms / 1000);
  const fraction = Math.floor(((ms - whole * 1000) / 1000) * 2 ** 32);
  return { seconds: (whole + NTP_UNIX_OFFSET) >>> 0, fraction: Math.min(fraction, 2 ** 32 - 1) >>> 0 };
}

/** The middle 32 bits of an NTP timestamp: what LSR carries (§6.4.1). */
export function ntpMiddle32(ts: NtpTimestamp): number {
  return (((ts.seconds & 0xffff) << 16) | (ts.fraction >>> 16)) >>> 0;
}
