import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger, SwitchboardConfig } from '@switchboard/config';
import { HEARTBEAT_INTERVAL_MS, ProcessHeartbeat, type HeartbeatRole } from '@switchboard/live-state';
import { Redis } from 'ioredis';
import { CONFIG, LOGGER, PROCESS_ROLE } from '../tokens.js';

/** The package version (apps/b2bua/package.json, two folders up from src/services and dist/services). */
function packageVersion(): string {
  const file = new URL('../../package.json', import.meta.url);
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
}

/**
 * This process's heartbeat in Redis (`@switchboard/live-state` process-heartbeat.ts): signalling
 * processes read the workers' to skip the queue wait when none is alive, the admin's health and
 * status page read every role's, and a routing worker adds the plugin configuration it runs.
 */
@Injectable()
export class ProcessHeartbeatService implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly heartbeat: ProcessHeartbeat;
  /**
   * Its own connection: the shared one closes before this service's shutdown (global modules stop
   * first), and a beat must fail rather than wait while Redis is down.
   */
  private readonly redis: Redis;
  private timer: NodeJS.Timeout | undefined;
  private inFlight = false;
  private failing = false;

  constructor(
    @Inject(CONFIG) config: SwitchboardConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(PROCESS_ROLE) role: HeartbeatRole,
  ) {
    this.redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
    this.redis.on('error', () => undefined); // reported by the failing beat, once
    this.heartbeat = new ProcessHeartbeat(
      this.redis,
      config.queuePrefix,
      { role, pid: process.pid, host: os.hostname(), startedAt: Date.now(), version: packageVersion() },
      crypto.randomBytes(3).toString('hex'),
    );
  }

  get id(): string {
    return this.heartbeat.id;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat(), HEARTBEAT_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.heartbeat
      .leave()
      .catch((err: unknown) => this.logger.warn({ err }, 'process heartbeat not removed'));
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  /** Never rejects, never overlaps: a failure is logged once until a beat succeeds again. */
  async beat(): Promise<void> {
    if (this.inFlight) return;
    this.inFlight = true;
    try {
      await this.heartbeat.beat();
      if (this.failing) this.logger.info('process heartbeat written again');
      this.failing = false;
    } catch (err) {
      if (!this.failing) this.logger.warn({ err }, 'process heartbeat failed');
      this.failing = true;
    } finally {
      this.inFlight = false;
    }
  }
}
