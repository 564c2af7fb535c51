export type AdminRole = 'admin' | 'read_only';

export interface Session {
  username: string;
  role: AdminRole;
  csrfToken: string;
  mustChangePassword: boolean;
}

export interface AdminUser {
  id: string;
  username: string;
  role: AdminRole;
  disabled: boolean;
  mustChangePassword: boolean;
  locked: boolean;
  lastLoginAt: string | null;
  createdAt: string;
}

export type DigestAlgorithm = 'SHA-256' | 'MD5';

export type MediaMode = 'inherit' | 'relay' | 'direct' | 'auto';
export type SrtpPolicy = 'required' | 'optional' | 'off';
export type DialClass = 'internal' | 'local' | 'national' | 'international';

export interface Extension {
  id: string;
  number: string;
  displayName: string;
  enabled: boolean;
  maxConcurrentCalls: number;
  /** Empty: the global setting. */
  digestAlgorithms: DigestAlgorithm[];
  /** `inherit`: the global SWITCHBOARD_MEDIA_MODE. */
  mediaMode: MediaMode;
  srtpPolicy: SrtpPolicy;
  /** Widest outside numbers it may dial (emergency numbers always). */
  dialClass: DialClass;
  /** Caller ID of its outside calls (E.164), or null: the route's or trunk's. */
  externalNumber: string | null;
  /** Outside calls at once; 0 = no limit. */
  maxExternalCalls: number;
  /** Call pickup groups (lower case): members answer each other's ringing calls with `*8`. */
  pickupGroups: string[];
  /** Others may pick up its ringing calls with `**<number>` (false: its pickup groups only). */
  directedPickup: boolean;
  /** Music-on-hold class of the parties it holds or parks; null: `default`. */
  mohClass: string | null;
  hasSipPassword: boolean;
  hasVoicemailPin: boolean;
  followMeEnabled: boolean;
  recordCalls: boolean;
  voicemail: { enabled: boolean; email: string | null; messages: number; unheard: number } | null;
  /** Current registrations (list only). */
  registrations?: number;
  sipRealm: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A music-on-hold class: a directory of WAVs under <data dir>/moh. */
export interface MusicClass {
  name: string;
  tracks: number;
}

export type RingStrategy = 'ringall' | 'hunt' | 'roundrobin' | 'random' | 'memoryhunt';
export type FallbackKind = 'none' | 'extension' | 'ring_group' | 'voicemail' | 'external' | 'hangup' | 'busy';
export type FinalDestinationKind = 'voicemail' | 'extension' | 'ring_group' | 'external' | 'busy' | 'hangup';

export interface RingGroup {
  id: string;
  number: string;
  name: string;
  enabled: boolean;
  strategy: RingStrategy;
  ringTimeSeconds: number;
  memberRingSeconds: number;
  fallbackKind: FallbackKind;
  fallbackTarget: string | null;
  callerIdPrefix: string | null;
  recordCalls: boolean;
  members: {
    position: number;
    extensionId: string;
    number: string;
    displayName: string;
    ringSeconds: number | null;
  }[];
}

export interface FollowMe {
  enabled: boolean;
  steps: { targets: string[]; ringSeconds: number }[];
  /** After the last step; a voicemail target of null is the extension's own box. */
  finalDestination: { kind: FinalDestinationKind; target: string | null };
}

export interface VoicemailBoxRow {
  extensionId: string;
  number: string;
  displayName: string;
  hasPin: boolean;
  box: {
    id: string;
    enabled: boolean;
    maxMessageSeconds: number;
    maxMessages: number;
    email: string | null;
    messages: number;
    unheard: number;
  } | null;
}

export interface VoicemailMessage {
  id: string;
  callerNumber: string;
  callerName: string | null;
  durationSeconds: number;
  heard: boolean;
  createdAt: string;
}

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

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export interface Registration {
  aor: string;
  contact: string;
  expiresAt: number;
  registeredAt?: number;
  userAgent?: string;
  displayName?: string;
  sourceAddress?: string;
  transport?: string;
}

export interface ActiveCall {
  id: string;
  state: string;
  from: string;
  fromDisplayName?: string;
  to: string;
  toDisplayName?: string;
  startedAt: number;
  answeredAt?: number;
  callerUserAgent?: string;
}

/** GET /api/live/lamps: an extension's busy lamp and its dialogs (RFC 4235 states). */
export interface ExtensionLamp {
  number: string;
  displayName: string;
  lamp: 'idle' | 'dialling' | 'ringing' | 'busy';
  dialogs: Array<{
    state: 'trying' | 'proceeding' | 'early' | 'confirmed' | 'terminated';
    direction: 'initiator' | 'recipient';
    remote: string;
    remoteName?: string;
    startedAt: number;
  }>;
}

/** GET /api/live/parked: a call waiting in a park slot (times: epoch ms). */
export interface ParkedCall {
  slot: number;
  parked: string;
  parkedName?: string;
  parker: string;
  since: number;
  timeoutAt: number;
}

export interface Plugin {
  id: string;
  name: string;
  version: string | null;
  description: string | null;
  installed: boolean;
  enabled: boolean;
  config: unknown;
  configSchema: Record<string, unknown> | null;
}

export interface PluginRollout {
  revision: number;
  workers: number;
  applied: number;
  live: boolean;
  errors: string[];
}

export interface AuditEntry {
  id: string;
  actor: string;
  action: string;
  entity: string;
  entityId: string | null;
  label: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
  at: string;
}

export interface ApiToken {
  id: string;
  name: string;
  prefix: string;
  scope: 'read_only' | 'full';
  createdBy: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export type UpDown = 'up' | 'down';

export interface RoleHealth {
  status: UpDown;
  alive: number;
  known: number;
  lastBeatAgeMs: number | null;
}

export interface Health {
  status: 'ok' | 'degraded';
  database: boolean;
  redis: boolean;
  processes: { signalling: RoleHealth; worker: RoleHealth };
  rtpengine: { address: string; status: UpDown; error?: string } | null;
  heartbeat: { intervalMs: number; aliveMs: number };
}

export interface ProcessInfo {
  id: string;
  role: 'signalling' | 'worker';
  status: UpDown;
  pid: number;
  host: string;
  version: string;
  startedAt: number;
  lastBeatAgeMs: number;
}

export type TrunkTransport = 'udp' | 'tcp' | 'tls';
export type TrunkDidSource = 'request_uri' | 'to';
export type TrunkCallerIdMode = 'from' | 'pai';

/** Outbound registration as the signalling process last reported it (Redis `sb:trunk-regs`). */
export interface TrunkRegistration {
  state: 'registering' | 'registered' | 'failing' | 'disabled';
  failures: number;
  lastStatus?: number;
  lastReason?: string;
  lastResponseAt?: number;
  registeredUntil?: number;
  expires?: number;
  nextAttemptAt?: number;
  node?: string;
}

export interface Trunk {
  id: string;
  name: string;
  enabled: boolean;
  host: string;
  port: number | null;
  transport: TrunkTransport;
  outboundProxy: string | null;
  authUsername: string | null;
  /** The password itself is write-only: never returned. */
  hasPassword: boolean;
  register: boolean;
  registerExpiry: number;
  fromUser: string | null;
  fromDomain: string | null;
  didSource: TrunkDidSource;
  callerIdMode: TrunkCallerIdMode;
  sendPrivacy: boolean;
  callerIdNumber: string | null;
  codecs: string[];
  maxConcurrentCalls: number | null;
  inboundSources: string[];
  registration: TrunkRegistration | null;
  createdAt: string;
  updatedAt: string;
}

/** A conference room (`/api/conference-rooms`); the PIN is write-only. */
export interface ConferenceRoom {
  id: string;
  number: string;
  name: string;
  enabled: boolean;
  hasPin: boolean;
  maxParticipants: number;
  announceJoin: boolean;
  createdAt: string;
  updatedAt: string;
}

/** Where an IVR key (or its timeout/invalid input) sends the caller: the plugin SDK's RouteDestination. */
export type MenuDestination =
  | { kind: 'extension' | 'ring_group' | 'menu' | 'voicemail'; target: string }
  | { kind: 'trunk'; trunk: string; target: string }
  | { kind: 'hangup' };

/** An auto-attendant menu (`/api/ivr-menus`). */
export interface IvrMenu {
  id: string;
  number: string | null;
  name: string;
  enabled: boolean;
  options: { digit: string; destination: MenuDestination }[];
  directDial: boolean;
  interDigitTimeoutMs: number;
  responseTimeoutMs: number;
  timeoutDestination: MenuDestination | null;
  invalidDestination: MenuDestination | null;
  repeatCount: number;
  hasGreeting: boolean;
  createdAt: string;
  updatedAt: string;
}
