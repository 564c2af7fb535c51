import type { Logger, SwitchboardConfig } from '@switchboard/config';
import { redisKeys } from '@switchboard/live-state';
import { PluginRegistry, loadPluginModules, type PluginModuleSpec } from '@switchboard/plugin-sdk';
import type { Redis } from 'ioredis';
import type { PluginConfigRepository } from '../repositories/plugin-config.repository.js';

/**
 * Builds the static plugin registry at boot: modules named in SWITCHBOARD_PLUGINS (chain order),
 * with their enabled flag and configuration from PostgreSQL. Any problem stops start-up
 * (PluginRegistryError lists them all). The manifests are published for the admin's plugin page.
 */
export async function buildPluginRegistry(
  config: SwitchboardConfig,
  stored: PluginConfigRepository,
  redis: Redis,
  logger: Logger,
  // Resolved from the b2bua app, so plugins are dependencies of the app (or absolute paths).
  importer: (specifier: string) => Promise<unknown> = (specifier) => import(specifier),
): Promise<PluginRegistry> {
  const entries = await loadPluginModules(
    config.routing.plugins.map((module): PluginModuleSpec => ({ module })),
    importer,
  );
  const rows = new Map((await stored.all()).map((r) => [r.pluginId, r]));
  const registry = PluginRegistry.create(
    entries.map((e) => {
      const row = rows.get(e.plugin.id);
      return row ? { plugin: e.plugin, config: row.config, enabled: row.enabled } : { plugin: e.plugin };
    }),
  );
  const descriptions = registry.describe();
  if (descriptions.length > 0) {
    await redis.hset(
      redisKeys.pluginManifests,
      Object.fromEntries(descriptions.map((d) => [d.id, JSON.stringify(d)])),
    );
  }
  logger.info(
    { chain: registry.chain.map((p) => `${p.plugin.id}@${p.plugin.version}`) },
    'routing plugins loaded',
  );
  return registry;
}
