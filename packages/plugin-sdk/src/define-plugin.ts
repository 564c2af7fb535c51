import type { z } from 'zod';
import type { CallContext } from './call-context.js';
import type { PluginApi } from './plugin-api.js';
import type { RoutingPlanInput } from './routing-plan.js';

/** A plugin either returns a plan or passes the call on to the next plugin of the chain. */
export type RoutingDecision = RoutingPlanInput | { readonly pass: true };

export const PASS: RoutingDecision = Object.freeze({ pass: true as const });

export interface PluginManifest<Schema extends z.ZodType = z.ZodType> {
  /** Unique, kebab-case: the key of its configuration row. */
  readonly id: string;
  readonly version: string;
  readonly description?: string;
  /** zod schema of the plugin's configuration; its defaults apply to missing fields. */
  readonly configSchema: Schema;
  route(call: CallContext, api: PluginApi<z.output<Schema>>): Promise<RoutingDecision> | RoutingDecision;
}

/** Marks an object as a Switchboard routing plugin (checked by the registry at boot). */
export const PLUGIN_BRAND = Symbol.for('switchboard.plugin');

export type SwitchboardPlugin<Schema extends z.ZodType = z.ZodType> = PluginManifest<Schema> & {
  readonly [PLUGIN_BRAND]: true;
};

export function definePlugin<Schema extends z.ZodType>(
  manifest: PluginManifest<Schema>,
): SwitchboardPlugin<Schema> {
  return Object.freeze({ ...manifest, [PLUGIN_BRAND]: true as const });
}

export function isPlugin(value: unknown): value is SwitchboardPlugin {
  return (
    typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[PLUGIN_BRAND] === true
  );
}

export function isPass(decision: RoutingDecision): decision is { pass: true } {
  return 'pass' in decision && decision.pass;
}
