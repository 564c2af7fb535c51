import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { SystemClock } from '@switchboard/clock';
import {
  HEARTBEAT_ALIVE_MS,
  HEARTBEAT_INTERVAL_MS,
  heartbeatRoles,
  readProcesses,
  type HeartbeatRole,
  type ProcessState,
} from '@switchboard/live-state';
import { NgClient } from '@switchboard/rtpengine';
import type { Redis } from 'ioredis';
import type { AdminOptions } from '../common/admin-options.js';
import type { PrismaClient } from '../common/db.js';
import { ADMIN_OPTIONS, PRISMA, REDIS } from '../common/tokens.js';

/** A role is up while at least one of its processes beats. */
export interface RoleHealth {
  status: 'up' | 'down';
  /** Processes of the role that beat within the alive window, and all those still remembered. */
  alive: number;
  known: number;
  /** Age of the role's youngest heartbeat; null when none is remembered. */
  lastBeatAgeMs: number | null;
}

export interface RtpengineHealth {
  address: string;
  status: 'up' | 'down';
  error?: string;
}

export interface Health {
  status: 'ok' | 'degraded';
  database: boolean;
  redis: boolean;
  processes: Record<HeartbeatRole, RoleHealth>;
  /** null when media is direct (no rtpengine configured). */
  rtpengine: RtpengineHealth | null;
  heartbeat: { intervalMs: number; aliveMs: number };
}

export interface ProcessView {
  id: string;
  role: HeartbeatRole;
  status: 'up' | 'down';
  pid: number;
  host: string;
  version: string;
  startedAt: number;
  lastBeatAgeMs: number;
}

function roleHealth(processes: readonly ProcessState[], role: HeartbeatRole): RoleHealth {
  const mine = processes.filter((p) => p.role === role);
  const alive = mine.filter((p) => p.alive).length;
  const ages = mine.map((p) => p.ageMs);
  return {
    status: alive > 0 ? 'up' : 'down',
    alive,
    known: mine.length,
    lastBeatAgeMs: ages.length === 0 ? null : Math.min(...ages),
  };
}

/**
 * The installation's health as the admin sees it: its own dependencies (PostgreSQL, Redis), the
 * signalling and routing worker processes from their heartbeats in Redis, and rtpengine (an ng
 * `ping`) when media is relayed. Any of them down makes the whole `degraded`.
 */
@Injectable()
export class HealthService implements OnModuleDestroy {
  private readonly rtpengine: NgClient | null;

  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(ADMIN_OPTIONS) private readonly options: AdminOptions,
  ) {
    const r = options.rtpengine;
    this.rtpengine =
      r === null
        ? null
        : new NgClient({
            address: r.address,
            port: r.port,
            timeoutMs: r.timeoutMs,
            clock: new SystemClock(),
          });
  }

  onModuleDestroy(): void {
    this.rtpengine?.close();
  }

  async health(): Promise<Health> {
    const [database, redis, processes, rtpengine] = await Promise.all([
      this.prisma.$queryRaw`SELECT 1`.then(
        () => true,
        () => false,
      ),
      this.redis.ping().then(
        (r) => r === 'PONG',
        () => false,
      ),
      this.readProcesses(),
      this.pingRtpengine(),
    ]);
    const roles = Object.fromEntries(
      heartbeatRoles.map((role) => [role, roleHealth(processes ?? [], role)]),
    ) as Record<HeartbeatRole, RoleHealth>;
    const ok =
      database &&
      redis &&
      Object.values(roles).every((r) => r.status === 'up') &&
      rtpengine?.status !== 'down';
    return {
      status: ok ? 'ok' : 'degraded',
      database,
      redis,
      processes: roles,
      rtpengine,
      heartbeat: { intervalMs: HEARTBEAT_INTERVAL_MS, aliveMs: HEARTBEAT_ALIVE_MS },
    };
  }

  /** Every remembered process, alive or not (an unreachable Redis gives an empty list). */
  async processes(): Promise<ProcessView[]> {
    return ((await this.readProcesses()) ?? []).map((p) => ({
      id: p.id,
      role: p.role,
      status: p.alive ? 'up' : 'down',
      pid: p.pid,
      host: p.host,
      version: p.version,
      startedAt: p.startedAt,
      lastBeatAgeMs: p.ageMs,
    }));
  }

  private readProcesses(): Promise<ProcessState[] | null> {
    return readProcesses(this.redis, this.options.queuePrefix).catch(() => null);
  }

  private async pingRtpengine(): Promise<RtpengineHealth | null> {
    const r = this.options.rtpengine;
    if (this.rtpengine === null || r === null) return null;
    const address = `${r.address}:${r.port}`;
    try {
      await this.rtpengine.ping();
      return { address, status: 'up' };
    } catch (err) {
      return { address, status: 'down', error: err instanceof Error ? err.message : String(err) };
    }
  }
}
