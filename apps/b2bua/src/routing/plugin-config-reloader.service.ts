import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from '@switchboard/config';
import { openChannelSubscriber, pluginStatusFields, redisKeys } from '@switchboard/live-state';
import { PluginRegistryError } from '@switchboard/plugin-sdk';
import type { Redis } from 'ioredis';
import { PluginConfigRepository } from '../repositories/plugin-config.repository.js';
import { LOGGER, PLUGIN_REGISTRY, REDIS } from '../tokens.js';
import { ProcessHeartbeatService } from '../ops/process-heartbeat.service.js';
import {
  publishPluginManifests,
  readPluginConfigRevision,
  type LivePluginRegistry,
} from './plugin-registry.factory.js';

/** How often a worker checks the revision anyway (in case a pub/sub message was lost). */
const RECHECK_MS = 5_000;

/**
 * Applies plugin configuration saved in the admin app without a restart: on the change channel
 * (and every RECHECK_MS, should a message be lost) it compares the stored revision with the one
 * its chain was built from, rebuilds the chain from PostgreSQL, and reports the revision it runs in
 * the process heartbeat (`plugin*` fields, see pluginStatusFields) so the Plugins page can say when
 * a change is live on every worker.
 * A configuration the plugin rejects keeps the previous chain and is reported as the worker's error.
 */
@Injectable()
export class PluginConfigReloaderService implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscriber: Redis | undefined;
  private recheck: NodeJS.Timeout | undefined;
  private queue: Promise<void> = Promise.resolve();
  private appliedAt = Date.now();
  private error: string | undefined;

  constructor(
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(PLUGIN_REGISTRY) private readonly live: LivePluginRegistry,
    @Inject(PluginConfigRepository) private readonly stored: PluginConfigRepository,
    @Inject(ProcessHeartbeatService) private readonly heartbeat: ProcessHeartbeatService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.subscriber = await openChannelSubscriber(
      this.redis,
      redisKeys.pluginConfigChanged,
      () => this.check(),
      this.logger,
      'plugin change channel',
    );
    // A change saved between the registry's build and the subscription is caught here.
    this.check();
    await this.queue;
    this.recheck = setInterval(() => this.check(), RECHECK_MS);
    this.recheck.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.recheck);
    await this.queue;
    await this.subscriber?.quit().catch(() => undefined);
  }

  /** Serialised, so two messages never rebuild the chain at once. */
  private check(): void {
    this.queue = this.queue
      .then(() => this.applyLatest())
      .catch((err: unknown) => this.logger.error({ err }, 'plugin configuration check failed'));
  }

  private async applyLatest(): Promise<void> {
    const revision = await readPluginConfigRevision(this.redis);
    if (revision !== this.live.revision) {
      try {
        const registry = this.live.apply(await this.stored.all(), revision);
        this.appliedAt = Date.now();
        this.error = undefined;
        await publishPluginManifests(this.redis, registry);
        this.logger.info(
          { revision, chain: registry.chain.map((p) => p.plugin.id) },
          'plugin configuration applied',
        );
      } catch (err) {
        if (!(err instanceof PluginRegistryError)) throw err;
        if (this.error !== err.message) this.logger.error({ err, revision }, 'plugin configuration rejected');
        this.error = err.message;
      }
    }
    const before = this.heartbeat.heartbeat.fields;
    const status = pluginStatusFields({
      revision: this.live.revision,
      appliedAt: this.appliedAt,
      error: this.error,
    });
    this.heartbeat.heartbeat.set(status);
    // A change is reported at once, not at the next beat.
    if (Object.entries(status).some(([k, v]) => before[k] !== v)) await this.heartbeat.beat();
  }
}
