import { dtmfDigit } from '@switchboard/media';
import { z } from 'zod';

/**
 * The JSON datagram rtpengine sends to its --dtmf-log-dest at the end of each RFC 4733 event it
 * relays (daemon/dtmf.c `dtmf_json_print`): the ng call-id, the tag of the monologue whose RTP
 * carried the event, the call's tags, and the event code with its duration (ms) and volume.
 */
const rtpengineDtmfSchema = z.object({
  callid: z.string().min(1).max(256),
  source_tag: z.string().max(256),
  tags: z.array(z.string().max(256)).max(64),
  type: z.literal('DTMF'),
  timestamp: z.number().int().nonnegative(),
  source_ip: z.string().max(64),
  /** RFC 4733 §3.2: 0–9, 10 = `*`, 11 = `#`, 12–15 = A–D; other codes are not DTMF keys. */
  event: z.number().int().min(0).max(255),
  duration: z.number().int().nonnegative(),
  volume: z.number().int().min(0).max(63),
});

/** One key press rtpengine reported. */
export interface RtpengineDtmfEvent {
  /** The ng call-id: our call's id (call-media.ts offers every call under it). */
  readonly callId: string;
  /** Whose RTP carried it: `caller`, or a callee leg's branch (call-media.ts `tagOf`). */
  readonly sourceTag: string;
  readonly digit: string;
  readonly durationMs: number;
}

export type RtpengineDtmfParse =
  { readonly ok: true; readonly event: RtpengineDtmfEvent } | { readonly ok: false; readonly reason: string };

/** Reads one datagram; a malformed one or a non-DTMF event (e.g. a flash hook, code 16) is refused with why. */
export function parseRtpengineDtmf(datagram: Buffer): RtpengineDtmfParse {
  let json: unknown;
  try {
    json = JSON.parse(datagram.toString('utf8'));
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  const parsed = rtpengineDtmfSchema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: z.prettifyError(parsed.error) };
  const e = parsed.data;
  const digit = dtmfDigit(e.event);
  if (digit === undefined) return { ok: false, reason: `event ${e.event} is not a DTMF key` };
  return {
    ok: true,
    event: { callId: e.callid, sourceTag: e.source_tag, digit, durationMs: e.duration },
  };
}
