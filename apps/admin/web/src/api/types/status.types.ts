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
