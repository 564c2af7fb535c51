import type { CallRecordJob } from '../../jobs/call-record-job.js';
import type { LegRecord } from '../plan/branch-types.js';
import type { CallDirectionFacts } from './call-direction.js';

export type Disposition = CallRecordJob['disposition'];
export type HangupSide = NonNullable<CallRecordJob['hangupSide']>;

/** What the call session knows when it ends; times on the call's clock (see `toEpoch`). */
export interface CallFacts {
  readonly id: string;
  /** The caller's SIP Call-ID. */
  readonly sipCallId?: string;
  /** The routing plugin whose plan ran. */
  readonly pluginId?: string;
  readonly callerNumber: string;
  readonly callerName?: string;
  readonly calleeNumber: string;
  readonly answeredBy?: string;
  readonly startedAt: number;
  readonly ringingAt?: number;
  readonly answeredAt?: number;
  readonly endedAt: number;
  readonly disposition: Disposition;
  readonly hangupCause?: string;
  readonly hangupSide?: HangupSide;
  readonly legs: readonly LegRecord[];
  /** Internal, inbound or outbound (see callDirection); absent: internal. */
  readonly edge?: CallDirectionFacts;
}

const MAX = 255;
const clip = (s: string): string => (s.length > MAX ? s.slice(0, MAX) : s);

/** The queue job for one finished call; `toEpoch` maps clock time to Unix ms. */
export function buildCallRecord(facts: CallFacts, toEpoch: (t: number) => number): CallRecordJob {
  const iso = (t: number): string => new Date(toEpoch(t)).toISOString();
  return {
    id: facts.id,
    ...(facts.sipCallId ? { sipCallId: clip(facts.sipCallId) } : {}),
    ...(facts.pluginId ? { pluginId: clip(facts.pluginId) } : {}),
    callerNumber: clip(facts.callerNumber),
    ...(facts.callerName ? { callerName: clip(facts.callerName) } : {}),
    calleeNumber: clip(facts.calleeNumber),
    ...(facts.answeredBy ? { answeredBy: clip(facts.answeredBy) } : {}),
    startedAt: iso(facts.startedAt),
    ...(facts.ringingAt === undefined ? {} : { ringingAt: iso(facts.ringingAt) }),
    ...(facts.answeredAt === undefined ? {} : { answeredAt: iso(facts.answeredAt) }),
    endedAt: iso(facts.endedAt),
    disposition: facts.disposition,
    ...(facts.hangupCause ? { hangupCause: clip(facts.hangupCause) } : {}),
    ...(facts.hangupSide ? { hangupSide: facts.hangupSide } : {}),
    direction: facts.edge?.direction ?? 'internal',
    ...(facts.edge?.trunk ? { trunk: facts.edge.trunk.slice(0, 64) } : {}),
    ...(facts.edge?.externalNumber ? { externalNumber: facts.edge.externalNumber.slice(0, 64) } : {}),
    ...(facts.edge?.did ? { did: facts.edge.did.slice(0, 64) } : {}),
    legs: facts.legs.slice(0, 256).map((l) => ({
      target: l.uri.slice(0, 1024),
      startedAt: iso(l.startedAt),
      ...(l.endedAt === undefined ? {} : { endedAt: iso(l.endedAt) }),
      ...(l.status === undefined ? {} : { status: l.status }),
      answered: l.answered,
      ...(l.sipCallId === undefined ? {} : { sipCallId: clip(l.sipCallId) }),
    })),
  };
}

/** The disposition of a call that ended with a final non-2xx status to the caller. */
export function dispositionOfStatus(status: number): Disposition {
  if (status >= 300 && status < 400) return 'redirected';
  if (status === 486 || status === 600) return 'busy';
  if (status === 487) return 'cancelled';
  if (status === 408 || status === 480) return 'no_answer';
  if (status === 603 || status === 403 || status === 404 || status === 488) return 'rejected';
  return status >= 500 ? 'failed' : 'rejected';
}
