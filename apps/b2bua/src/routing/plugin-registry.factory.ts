import type { Logger, SwitchboardConfig } from '@switchboard/config';
import { redisKeys } from '@switchboard/live-state';
import {
  PluginRegistry,
  loadPluginModules,
  type PluginEntry,
  type PluginModuleSpec,
} from '@switchboard/plugin-sdk';
import type { Redis } from 'ioredis';
import { pluginImportSpecifier } from './plugin-module-resolver.js';
import type { PluginConfigRepository, StoredPluginConfig } from '../repositories/plugin-config.repository.js';

/**
 * The plugin chain of a routing worker: the modules named in SWITCHBOARD_PLUGINS are imported once
 * (chain order); their enabled flags and configuration come from PostgreSQL and are applied again,
 * without a restart, whenever the admin app saves a change (PluginConfigReloaderService).
 */
export class LivePluginRegistry {
  private registry: PluginRegistry;
  private appliedRevision: number;

  constructor(
    private readonly entries: readonly PluginEntry[],
    rows: readonly StoredPluginConfig[],
    revision: number,
  ) {
    this.registry = registryFrom(entries, rows);
    this.appliedRevision = revision;
  }

  /** The configuration revision (redisKeys.pluginConfigRevision) the current chain was built from. */
  get revision(): number {
    return this.appliedRevision;
  }

  /** The chain routing jobs use now; a job keeps the registry it started with. */
  get current(): PluginRegistry {
    return this.registry;
  }

  /** Builds the chain from new rows; throws PluginRegistryError and keeps the old chain on bad config. */
  apply(rows: readonly StoredPluginConfig[], revision: number): PluginRegistry {
    this.registry = registryFrom(this.entries, rows);
    this.appliedRevision = revision;
    return this.registry;
  }
}

function registryFrom(entries: readonly PluginEntry[], rows: readonly StoredPluginConfig[]): PluginRegistry {
  const byId = new Map(rows.map((r) => [r.pluginId, r]));
  return PluginRegistry.create(
    entries.map((e) => {
      const row = byId.get(e.plugin.id);
      return row ? { plugin: e.plugin, config: row.config, enabled: row.enabled } : { plugin: e.plugin };
    }),
  );
}

/** Publishes the manifests (id, version, enabled, config JSON Schema) for the admin's plugin page. */
export async function publishPluginManifests(redis: Redis, registry: PluginRegistry): Promise<void> {
  const descriptions = registry.describe();
  if (descriptions.length === 0) return;
  await redis.hset(
    redisKeys.pluginManifests,
    Object.fromEntries(descriptions.map((d) => [d.id, JSON.stringify(d)])),
  );
}

/**
 * Builds the plugin registry at boot. Any problem stops start-up (PluginRegistryError lists them all).
 */
export async function buildPluginRegistry(
  config: SwitchboardConfig,
  stored: PluginConfigRepository,
  redis: Redis,
  logger: Logger,
  // Package names resolve from the b2bua app (plugins installed as its dependencies); paths are checked.
  importer: (specifier: string) => Promise<unknown> = (entry) => import(pluginImportSpecifier(entry)),
): Promise<LivePluginRegistry> {
  const entries = await loadPluginModules(
    config.routing.plugins.map((module): PluginModuleSpec => ({ module })),
    importer,
  );
  // The revision first: the admin app writes rows before it bumps the revision, so these rows are at least as new.
  const revision = await readPluginConfigRevision(redis);
  const live = new LivePluginRegistry(entries, await stored.all(), revision);
  await publishPluginManifests(redis, live.current);
  logger.info(
    { chain: live.current.chain.map((p) => `${p.plugin.id}@${p.plugin.version}`) },
    'routing plugins loaded',
  );
  return live;
}

export async function readPluginConfigRevision(redis: Redis): Promise<number> {
  const raw = await redis.get(redisKeys.pluginConfigRevision);
  const n = Number(raw ?? 0);
  return Number.isSafeInteger(n) && n >= 0 ? n : 0;
}
