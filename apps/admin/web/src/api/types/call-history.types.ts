export interface CallRecord {
  id: string;
  callerNumber: string;
  callerName: string | null;
  calleeNumber: string;
  answeredBy: string | null;
  startedAt: string;
  answeredAt: string | null;
  endedAt: string | null;
  durationSeconds: number | null;
  disposition: string;
  hangupCause: string | null;
  hangupSide: string | null;
  direction: 'internal' | 'inbound' | 'outbound';
  trunk: string | null;
  externalNumber: string | null;
  did: string | null;
}

export interface CallLeg {
  target: string;
  startedAt: string;
  endedAt?: string;
  status?: number;
  answered: boolean;
  sipCallId?: string;
}

export interface CallDetail extends CallRecord {
  sipCallId: string | null;
  pluginId: string | null;
  legs: CallLeg[];
  trace: { sipCallIds: string[]; messages: number; dropped: number } | null;
  recording: {
    durationMs: number;
    sizeBytes: number;
    reasons: string[];
    announced: boolean;
    startedAt: string;
  } | null;
}

export interface LadderColumn {
  role: 'caller' | 'pbx' | 'callee';
  address: string;
}

export interface LadderArrow {
  entry: number;
  from: number;
  to: number;
  label: string;
  time: number;
  callId: string;
  proto: string;
}

export interface TraceMessage {
  t: number;
  dir: 'in' | 'out';
  proto: string;
  local: string;
  remote: string;
  text: string;
}

export interface CallTraceView {
  columns: LadderColumn[];
  arrows: LadderArrow[];
  sipCallIds: string[];
  dropped: number;
  messages: TraceMessage[];
}
