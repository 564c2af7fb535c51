/** Read-only view of the PBX that the host gives a plugin on each call. */
export interface ExtensionInfo {
  readonly number: string;
  readonly displayName: string;
  readonly enabled: boolean;
  /** 0 means no limit. */
  readonly maxConcurrentCalls: number;
  readonly hasVoicemail: boolean;
}

export interface RegisteredContact {
  readonly uri: string;
  /** q-value of the binding (RFC 3261 §10.2.1.2), 1.0 when the phone gave none. */
  readonly q: number;
  /** Seconds until the binding expires. */
  readonly expiresIn: number;
  readonly userAgent?: string;
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
  readonly calls: {
    /** Calls the extension is in right now (for busy detection against maxConcurrentCalls). */
    activeCount(extension: string): Promise<number>;
  };
  readonly state: PluginState;
  readonly log: PluginLogger;
  /** The host's clock (time-of-day routing; a fake in tests). */
  now(): Date;
}
