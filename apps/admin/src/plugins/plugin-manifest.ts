import { z } from 'zod';

/**
 * HASH written by the routing workers at start: field = plugin id, value = JSON of the plugin-sdk's
 * PluginDescription ({ id, version, description?, enabled, configJsonSchema }).
 */
export const pluginManifestsKey = 'sb:plugins';

export const pluginManifestSchema = z.object({
  id: z.string().min(1).max(128),
  version: z.string().optional(),
  description: z.string().optional(),
  /** JSON Schema of the configuration (as z.toJSONSchema gives it). */
  configJsonSchema: z.record(z.string(), z.unknown()).optional(),
});
export type PluginManifest = z.infer<typeof pluginManifestSchema>;
