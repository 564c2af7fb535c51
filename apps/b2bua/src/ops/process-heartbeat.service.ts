import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger, SwitchboardConfig } from '@switchboard/config';
import { HEARTBEAT_INTERVAL_MS, ProcessHeartbeat, type HeartbeatRole } from '@switchboard/live-state';
import { Redis } from 'ioredis';
import { CONFIG, LOGGER, PROCESS_ROLE } from '../tokens.js';

/** The package version (apps/b2bua/package.json, two folders up from src/ops and dist/ops). */
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
  /** A reconnect came while a beat was in flight: beat again once it settles. */
  private beatAgain = false;
  private failing = false;
  private stopped = false;

  constructor(
    @Inject(CONFIG) config: SwitchboardConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(PROCESS_ROLE) role: HeartbeatRole,
  ) {
    this.redis = new Redis(config.redisUrl, {
      maxRetriesPerRequest: 1,
      lazyConnect: true,
      // Back within half a second of Redis (ioredis's default waits up to 2 s between attempts).
      retryStrategy: (attempt) => Math.min(attempt * 50, 500),
    });
    this.redis.on('error', () => undefined); // reported by the failing beat, once
    // Beats written while Redis was down are missing (a restarted Redis holds the last one from before
    // the outage, older than the alive window): beat as soon as the connection is back, so readers
    // see this process alive again at once instead of after the next tick.
    this.redis.on('ready', () => void this.beat());
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
    this.stopped = true;
    await this.heartbeat
      .leave()
      .catch((err: unknown) => this.logger.warn({ err }, 'process heartbeat not removed'));
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  /** Never rejects, never overlaps: a failure is logged once until a beat succeeds again. */
  async beat(): Promise<void> {
    if (this.stopped) return;
    if (this.inFlight) {
      this.beatAgain = true;
      return;
    }
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
    if (this.beatAgain) {
      this.beatAgain = false;
      await this.beat();
    }
  }
}
