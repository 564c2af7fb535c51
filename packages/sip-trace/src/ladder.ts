import { endpointText, type CallTrace } from './trace-entry.js';
import { sipLabel, summarizeSip } from './sip-summary.js';

export interface LadderColumn {
  /** `caller`, `pbx` or `callee` (every peer after the first). */
  readonly role: 'caller' | 'pbx' | 'callee';
  /** The peer's address as `host:port`, or the PBX's addresses. */
  readonly address: string;
}

export interface LadderArrow {
  /** Index into the trace's entries (the full message). */
  readonly entry: number;
  readonly from: number;
  readonly to: number;
  readonly label: string;
  readonly time: number;
  readonly callId: string;
  readonly proto: string;
}

export interface Ladder {
  readonly columns: LadderColumn[];
  readonly arrows: LadderArrow[];
}

/**
 * The ladder diagram of a call: the caller on the left (the first peer heard), the PBX next,
 * then every other peer (callees, trunks) in the order they first appear; one arrow per message.
 */
export function ladderOf(trace: CallTrace): Ladder {
  const pbx = [...new Set(trace.entries.map((e) => endpointText(e.local)))];
  const columns: LadderColumn[] = [];
  const peerIndex = new Map<string, number>();
  const columnOf = (address: string): number => {
    const known = peerIndex.get(address);
    if (known !== undefined) return known;
    if (columns.length === 0)
      columns.push({ role: 'caller', address }, { role: 'pbx', address: pbx.join(', ') });
    else columns.push({ role: 'callee', address });
    const i = columns.length === 2 ? 0 : columns.length - 1;
    peerIndex.set(address, i);
    return i;
  };
  const arrows = trace.entries.map((e, entry) => {
    const peer = columnOf(endpointText(e.remote));
    const summary = summarizeSip(e.msg);
    const pbxColumn = 1;
    return {
      entry,
      from: e.dir === 'in' ? peer : pbxColumn,
      to: e.dir === 'in' ? pbxColumn : peer,
      label: summary ? sipLabel(summary) : '(not SIP)',
      time: e.t,
      callId: summary?.callId ?? '',
      proto: e.proto,
    };
  });
  return { columns, arrows };
}
