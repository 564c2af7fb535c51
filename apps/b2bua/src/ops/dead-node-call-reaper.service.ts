import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger, SwitchboardConfig } from '@switchboard/config';
import { HEARTBEAT_INTERVAL_MS } from '@switchboard/live-state';
import { METRICS, type ProcessMetrics } from '@switchboard/metrics';
import type { Redis } from 'ioredis';
import type { Counter } from 'prom-client';
import { CONFIG, LOGGER, REDIS } from '../tokens.js';
import { NODE_ID } from '../registrar/node-id.js';
import { reapDeadNodeCalls, releaseOwnStaleSlots } from './dead-node-calls.js';

/**
 * Scale-out: when a signalling process dies (killed, its host lost) its calls can never end by
 * themselves in Redis. Every signalling process checks twice per heartbeat interval for processes
 * of its installation silent for SWITCHBOARD_DEAD_NODE_SECONDS and removes their live calls (the
 * phones' dialogs through that process are gone with it; the Live page and busy detection must not
 * keep them). Several processes doing it at once is harmless: each removal is one atomic script.
 */
@Injectable()
export class DeadNodeCallReaperService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private inFlight = false;
  private readonly reaped: Counter;

  constructor(
    @Inject(CONFIG) private readonly config: SwitchboardConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(METRICS) metrics: ProcessMetrics,
  ) {
    this.reaped = metrics.counter({
      name: 'switchboard_dead_node_calls_reaped_total',
      help: 'Live calls removed because the signalling process holding them stopped beating (killed or lost)',
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.timer = setInterval(() => void this.sweep(), 2 * HEARTBEAT_INTERVAL_MS);
    this.timer.unref();
    try {
      const released = await releaseOwnStaleSlots(this.redis, NODE_ID);
      if (released > 0) {
        this.logger.warn(
          { event: 'stale-park-slots-released', slots: released, node: NODE_ID },
          `released ${released} park slots left by an earlier process with this node id`,
        );
      }
    } catch (err) {
      this.logger.warn({ err, node: NODE_ID }, 'stale park slots of this node id not released');
    }
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** One pass; never rejects, never overlaps. */
  async sweep(): Promise<void> {
    if (this.inFlight) return;
    this.inFlight = true;
    try {
      const ids = await reapDeadNodeCalls(
        this.redis,
        this.config.queuePrefix,
        this.config.deadNodeSeconds * 1000,
      );
      if (ids.length > 0) {
        this.reaped.inc(ids.length);
        this.logger.warn(
          { event: 'dead-node-calls-reaped', calls: ids.length, callIds: ids.slice(0, 20) },
          `removed ${ids.length} live calls of a signalling process that stopped beating`,
        );
      }
    } catch (err) {
      this.logger.warn({ err }, 'dead-node call sweep failed');
    } finally {
      this.inFlight = false;
    }
  }
}
