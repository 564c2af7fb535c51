/**
 * RFC 3261 §14.1: after a 491 to a re-INVITE the UAC retries after a random time in units of 10 ms:
 * 2.1–4 s if it owns the Call-ID (generated it), 0–2 s otherwise, so the two sides do not collide again.
 * `random` returns a value in [0, 1).
 */
export function glareRetryDelayMs(ownsCallId: boolean, random: () => number): number {
  const [min, max] = ownsCallId ? [210, 400] : [0, 200];
  const steps = Math.min(max - min, Math.floor(random() * (max - min + 1)));
  return (min + steps) * 10;
}
