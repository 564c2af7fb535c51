import type { Codec } from '../model/sdp-types.js';
import type { CodecCapability } from './media-capability.js';

export const TELEPHONE_EVENT = 'telephone-event';

function sameName(a: string, b: string): boolean {
  return a.length === b.length && a.toLowerCase() === b.toLowerCase();
}

/** RFC 4733 telephone-event (also the "telephone-events" spelling used by RFC 3264 §10.1). */
export function isTelephoneEvent(encodingName: string): boolean {
  const n = encodingName.toLowerCase();
  return n === TELEPHONE_EVENT || n === 'telephone-events';
}

/** Two codec descriptions denote the same codec: name, clock rate and channels (absent = 1). */
export function sameCodec(
  a: { encodingName: string; clockRate: number; channels?: number },
  b: { encodingName: string; clockRate: number; channels?: number },
): boolean {
  return (
    sameName(a.encodingName, b.encodingName) &&
    a.clockRate === b.clockRate &&
    (a.channels ?? 1) === (b.channels ?? 1)
  );
}

/** Whether an offered codec matches a local capability, including the fmtp parameters it pins. */
export function codecMatches(offered: Codec, cap: CodecCapability): boolean {
  if (!offered.encodingName || !sameCodec(offered, cap)) return false;
  if (!cap.matchFmtp?.length) return true;
  const mine = new Map<string, string>();
  for (const p of (cap.fmtp ?? '').split(';')) {
    const eq = p.indexOf('=');
    if (p.trim()) mine.set((eq < 0 ? p : p.slice(0, eq)).trim(), eq < 0 ? '' : p.slice(eq + 1).trim());
  }
  const theirs = offered.fmtp?.params ?? new Map<string, string>();
  return cap.matchFmtp.every((k) => (mine.get(k) ?? '') === (theirs.get(k) ?? ''));
}
