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
