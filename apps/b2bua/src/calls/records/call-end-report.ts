import type { Logger } from '@switchboard/config';
import type { CallRecordJob } from '../../jobs/call-record-job.js';
import type { CallIdentity } from '../call-routing.js';
import type { Disposition, HangupSide } from './call-record-builder.js';
import type { CallTimeline } from './call-timeline.js';

/** How a call ended, as call control saw it. */
export interface CallEnd {
  readonly disposition: Disposition;
  readonly side: HangupSide;
  readonly cause: string;
  /** The final status sent to the caller, when the call ended with one. */
  readonly status?: number;
}

/**
 * The record of an ended call (for the `call-records` queue) and its `call ended` log line, which
 * lists the legs tried so that an operator can follow a call from the log alone.
 */
export function reportCallEnd(
  id: string,
  identity: CallIdentity,
  timeline: CallTimeline,
  end: CallEnd,
  pluginId: string,
  logger: Logger,
): CallRecordJob {
  const { disposition, side, cause, status } = end;
  const record = timeline.record({
    id,
    callerNumber: identity.callerExtension ?? identity.callerUri,
    ...(identity.callerName ? { callerName: identity.callerName } : {}),
    calleeNumber: identity.destination,
    disposition,
    hangupCause: status === undefined ? cause : `${status} ${cause}`,
    hangupSide: side,
  });
  const legs = timeline.legs.map((l) => `${l.target} ${l.status ?? '-'}`);
  logger.info(
    { call: id, startedAt: timeline.startedWall, disposition, side, cause, plugin: pluginId, legs },
    'call ended',
  );
  return record;
}
