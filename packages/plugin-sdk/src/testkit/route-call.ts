import type { z } from 'zod';
import type { CallContext } from '../call-context.js';
import { isPass, type SwitchboardPlugin } from '../define-plugin.js';
import { parseRoutingPlan, type RoutingPlan } from '../routing-plan.js';
import { apiForPlugin, type LogLine, type TestWorld } from './test-world.js';

export type RouteCallResult =
  { pass: true; logs: LogLine[] } | { pass: false; plan: RoutingPlan; logs: LogLine[] };

/** Runs one plugin's `route` offline, validating config and plan exactly as the host does. */
export async function routeCall<Schema extends z.ZodType>(
  plugin: SwitchboardPlugin<Schema>,
  call: CallContext,
  options: { config?: unknown; world?: TestWorld } = {},
): Promise<RouteCallResult> {
  const api = apiForPlugin(plugin, options.config, options.world);
  const decision = await plugin.route(call, api);
  if (isPass(decision)) return { pass: true, logs: api.logs };
  return { pass: false, plan: parseRoutingPlan(decision, plugin.id), logs: api.logs };
}
