/** Settings of one admin app instance (derived from @switchboard/config by the caller). */
export interface AdminOptions {
  /** Digest realm new SIP passwords are hashed for (the SIP domain). */
  sipRealm: string;
  /** Directory of voicemail recordings and other data files. */
  dataDir: string;
  /** Built web UI; null serves the API only. */
  webDistDir: string | null;
  /** Set the Secure flag on the session cookie (behind TLS). */
  secureCookies: boolean;
  sessionTtlMs: number;
  /** Login attempts allowed per client address per window, before 429. */
  loginRateLimit: { max: number; windowSeconds: number };
  /** Consecutive failed logins that lock an account, and for how long. */
  lockout: { maxFailures: number; lockMs: number };
  /** SWITCHBOARD_QUEUE_PREFIX: the installation's namespace in Redis (process heartbeats). */
  queuePrefix: string;
  /** rtpengine's ng socket that health pings; null when media is direct (no rtpengine). */
  rtpengine: { address: string; port: number; timeoutMs: number } | null;
}

export const defaultAdminOptions: Omit<AdminOptions, 'sipRealm' | 'dataDir' | 'webDistDir'> = {
  secureCookies: false,
  sessionTtlMs: 8 * 60 * 60 * 1000,
  loginRateLimit: { max: 20, windowSeconds: 60 },
  lockout: { maxFailures: 5, lockMs: 15 * 60 * 1000 },
  queuePrefix: 'sb-queue',
  rtpengine: null,
};
