import { z } from 'zod';
import { featuresSettings } from './settings/features-settings.js';
import { mediaSettings } from './settings/media-settings.js';
import { operationsSettings } from './settings/operations-settings.js';
import { routingSettings } from './settings/routing-settings.js';
import { securitySettings } from './settings/security-settings.js';
import { signallingSettings } from './settings/signalling-settings.js';

export { isCidr } from './settings/env-field-types.js';
export { parseRoutingFallback, type RoutingFallback } from './settings/routing-fallback.js';

/**
 * Every environment variable a Switchboard process reads, with its default, one file per concern
 * under settings/. docker/compose.yaml is checked against this list by a test, so the two cannot drift.
 */
export const envSchema = z.object({
  ...operationsSettings,
  ...signallingSettings,
  ...mediaSettings,
  ...routingSettings,
  ...securitySettings,
  ...featuresSettings,
});

export type SwitchboardEnv = z.infer<typeof envSchema>;

/** Names of every variable in the schema (used by tooling and the compose drift test). */
export const configVariableNames: readonly string[] = Object.keys(envSchema.shape);
