import type { DialClass } from './numbering/phone-numbers.js';
import type { NoAnswerDestination } from './no-answer-destination.js';

/** Read-only view of the PBX that the host gives a plugin on each call. */
export interface ExtensionInfo {
  readonly number: string;
  readonly displayName: string;
  readonly enabled: boolean;
  /** 0 means no limit. */
  readonly maxConcurrentCalls: number;
  readonly hasVoicemail: boolean;
  /** The widest numbers this extension may dial out (toll-fraud protection; emergency numbers always). */
  readonly dialClass: DialClass;
  /** The public number presented as caller ID on its outside calls (E.164), if it has its own. */
  readonly externalNumber?: string;
  /** Most outside calls (through trunks) at once; 0 means no limit. */
  readonly maxExternalCalls: number;
}

export interface RegisteredContact {
  readonly uri: string;
  /** q-value of the binding (RFC 3261 §10.2.1.2), 1.0 when the phone gave none. */
  readonly q: number;
  /** Seconds until the binding expires. */
  readonly expiresIn: number;
  readonly userAgent?: string;
}

export type RingStrategy = 'ringall' | 'hunt' | 'roundrobin' | 'random' | 'memoryhunt';

/** A ring group as configured in the admin app (PostgreSQL), members in order. */
export interface RingGroupInfo {
  readonly number: string;
  readonly name: string;
  readonly enabled: boolean;
  readonly strategy: RingStrategy;
  /** Total time the group rings before its fallback. */
  readonly ringTimeSeconds: number;
  /** Time each member rings in one-at-a-time strategies. */
  readonly memberRingSeconds: number;
  readonly members: readonly { readonly extension: string; readonly ringSeconds?: number }[];
  readonly fallback: NoAnswerDestination;
  /** Put in front of the caller's display name, e.g. "Sales: ". */
  readonly callerIdPrefix?: string;
}

/** A conference room as configured in the admin app (the PIN itself never leaves the database). */
export interface ConferenceRoomInfo {
  readonly number: string;
  readonly name: string;
  readonly enabled: boolean;
  readonly hasPin: boolean;
  /** At most this many participants at once (1-32). */
  readonly maxParticipants: number;
  readonly announceJoin: boolean;
}

/** An auto-attendant (IVR) menu as configured in the admin app; its digits are the B2BUA's business. */
export interface MenuInfo {
  /** The id the plan action `menu` names. */
  readonly id: string;
  /** The menu's own dialable number. */
  readonly number: string;
  readonly name: string;
  readonly enabled: boolean;
}

/** An extension's find-me/follow-me steps: each a set of targets ringing in parallel. */
export interface FollowMeInfo {
  readonly extension: string;
  readonly enabled: boolean;
  /** Targets are extension numbers, external numbers or SIP URIs. */
  readonly steps: readonly { readonly targets: readonly string[]; readonly ringSeconds: number }[];
  /** Where the call goes after the last step; absent = the extension's own voicemail box (480 without). */
  readonly finalDestination?: NoAnswerDestination;
}

export interface PluginLogger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/**
 * Small per-plugin key/value memory that survives restarts and is shared by every worker
 * (the host keeps it in Redis), e.g. the member a round-robin group rang last.
 */
export interface PluginState {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlSeconds?: number): Promise<void>;
}

export interface PluginApi<Config> {
  /** This plugin's configuration, already validated against its configSchema. */
  readonly config: Config;
  readonly extensions: {
    get(number: string): Promise<ExtensionInfo | undefined>;
  };
  readonly registrations: {
    /** Registered contacts of an extension number or address-of-record, best q first. */
    contacts(extensionOrAor: string): Promise<readonly RegisteredContact[]>;
  };
  /** Routing configuration kept in PostgreSQL (edited in the admin app). */
  readonly directory: {
    ringGroup(number: string): Promise<RingGroupInfo | undefined>;
    followMe(extension: string): Promise<FollowMeInfo | undefined>;
    conferenceRoom(number: string): Promise<ConferenceRoomInfo | undefined>;
    /** The auto-attendant menu answering this number (menus without a number are never found). */
    menu(number: string): Promise<MenuInfo | undefined>;
  };
  readonly calls: {
    /** Calls the extension is in right now (for busy detection against maxConcurrentCalls). */
    activeCount(extension: string): Promise<number>;
    /** Outside calls (through a trunk) the extension is in right now (against maxExternalCalls). */
    activeExternalCount(extension: string): Promise<number>;
  };
  readonly state: PluginState;
  readonly log: PluginLogger;
  /** The host's clock (time-of-day routing; a fake in tests). Never `Date.now()` in a plugin. */
  now(): Date;
  /**
   * The PBX's time zone (IANA name, e.g. "Europe/Berlin"), set in the admin app; read wall-clock
   * time with `zonedTime(api.now(), api.timeZone)`, never from the process's TZ.
   */
  readonly timeZone: string;
}
