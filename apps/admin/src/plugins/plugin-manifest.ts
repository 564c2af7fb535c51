import { redisKeys } from '@switchboard/live-state';

/**
 * HASH written by the routing workers at start: field = plugin id, value = JSON of the plugin-sdk's
 * PluginDescription ({ id, version, description?, enabled, configJsonSchema }).
 */
export const pluginManifestsKey = redisKeys.pluginManifests;
export { pluginManifestSchema, type PluginManifest } from '@switchboard/live-state';
