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

export type FinalDestinationKind = 'voicemail' | 'extension' | 'ring_group' | 'external' | 'busy' | 'hangup';

export interface FollowMe {
  enabled: boolean;
  steps: { targets: string[]; ringSeconds: number }[];
  /** After the last step; a voicemail target of null is the extension's own box. */
  finalDestination: { kind: FinalDestinationKind; target: string | null };
}
