import type { Logger } from '@switchboard/config';
import type { CallRecordJob, TransferRecord } from '../../jobs/call-record-job.js';
import type { CallIdentity } from '../call-routing.js';
import type { CallDirectionFacts } from './call-direction.js';
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

/** Which call: the record's id, the caller's SIP Call-ID and the plugin whose plan ran ('' = none). */
export interface CallKeys {
  readonly id: string;
  readonly sipCallId: string;
  readonly pluginId: string;
  /** Which way it crossed the PBX's edge (callDirection); absent: internal. */
  readonly edge?: CallDirectionFacts;
}

/**
 * The record of an ended call (for the `call-records` queue) and its `call ended` log line, which
 * lists the legs tried with their SIP Call-IDs so that an operator can follow a call from the log
 * alone (and find its packets in a capture).
 */
export function reportCallEnd(
  keys: CallKeys,
  identity: CallIdentity,
  timeline: CallTimeline,
  end: CallEnd,
  logger: Logger,
  /** The call's transfers (REFER), in order. */
  transfers: readonly TransferRecord[] = [],
): CallRecordJob {
  const { id, sipCallId, pluginId, edge } = keys;
  const { disposition, side, cause, status } = end;
  const record = timeline.record({
    id,
    sipCallId,
    ...(pluginId ? { pluginId } : {}),
    callerNumber: identity.callerExtension ?? identity.externalNumber ?? identity.callerUri,
    ...(identity.callerName ? { callerName: identity.callerName } : {}),
    calleeNumber: identity.destination,
    disposition,
    hangupCause: status === undefined ? cause : `${status} ${cause}`,
    hangupSide: side,
    ...(edge ? { edge } : {}),
  });
  if (transfers.length > 0) record.transfers = transfers.slice(0, 64);
  const legs = timeline.legs.map((l) => `${l.target} ${l.status ?? '-'} ${l.sipCallId ?? '-'}`);
  logger.info(
    {
      call: id,
      sipCallId,
      startedAt: timeline.startedWall,
      disposition,
      // The final status the caller got when the PBX refused or failed the call (404, 403, 486, 503…).
      status,
      side,
      cause,
      plugin: pluginId,
      ...(edge && edge.direction !== 'internal' ? { direction: edge.direction, trunk: edge.trunk } : {}),
      legs,
      ...(transfers.length > 0
        ? { transfers: transfers.map((t) => `${t.transferor}: ${t.transferee} → ${t.target} ${t.status}`) }
        : {}),
    },
    'call ended',
  );
  return record;
}
