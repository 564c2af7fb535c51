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
