export {
  traceEntrySchema,
  callTraceSchema,
  endpointText,
  type TraceEntry,
  type TraceEndpoint,
  type CallTrace,
} from './trace-entry.js';
export { summarizeSip, sipLabel, type SipSummary } from './sip-summary.js';
export { traceText } from './trace-text.js';
export { tracePcap } from './trace-pcap.js';
export { ladderOf, type Ladder, type LadderArrow, type LadderColumn } from './ladder.js';
export { ladderText } from './ladder-text.js';
export { encodeHep3, HEP_CHUNK_TYPES, type HepOptions } from './hep3.js';
export { redactSdesKeys } from './sdes-redaction.js';
