import type { CallRecord } from '../api/types';

/** A call's direction; inbound and outbound calls name their trunk: "inbound · carrier". */
export function directionText(c: Pick<CallRecord, 'direction' | 'trunk'>): string {
  return c.trunk ? `${c.direction} · ${c.trunk}` : c.direction;
}
