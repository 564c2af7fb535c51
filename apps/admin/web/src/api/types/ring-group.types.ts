export type RingStrategy = 'ringall' | 'hunt' | 'roundrobin' | 'random' | 'memoryhunt';
export type FallbackKind = 'none' | 'extension' | 'ring_group' | 'voicemail' | 'external' | 'hangup' | 'busy';

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
