import type { CallContext } from './call-context.js';
import { isPass } from './define-plugin.js';
import type { PluginApi } from './plugin-api.js';
import type { PluginRegistry, RegisteredPlugin } from './plugin-registry.js';
import { parseRoutingPlan, type RoutingPlan } from './routing-plan.js';

export interface ChainResult {
  readonly pluginId: string;
  readonly plan: RoutingPlan;
}

/** A plugin threw, timed out or returned an invalid plan: the host applies its fallback. */
export class PluginFailureError extends Error {
  constructor(
    readonly pluginId: string,
    readonly kind: 'threw' | 'timeout' | 'invalid-plan',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`plugin "${pluginId}" ${message}`, options);
    this.name = 'PluginFailureError';
  }
}

export interface ChainOptions {
  /** Time budget per plugin call; 0 or undefined = none. */
  readonly timeoutMs?: number;
  /** Timer used for the budget (injectable so tests need no real time). */
  readonly schedule?: (ms: number, fn: () => void) => { cancel(): void };
}

const defaultSchedule = (ms: number, fn: () => void): { cancel(): void } => {
  const t = setTimeout(fn, ms);
  return { cancel: () => clearTimeout(t) };
};

/**
 * Asks each enabled plugin in order until one returns a plan. Returns undefined when every plugin
 * passed (the host then answers 404, RFC 3261 §21.4.5).
 */
export async function routeThroughChain(
  registry: PluginRegistry,
  call: CallContext,
  apiFor: (entry: RegisteredPlugin) => PluginApi<unknown>,
  options: ChainOptions = {},
): Promise<ChainResult | undefined> {
  for (const entry of registry.chain) {
    const id = entry.plugin.id;
    const decision = await withBudget(id, () => entry.plugin.route(call, apiFor(entry)), options);
    if (isPass(decision)) continue;
    try {
      return { pluginId: id, plan: parseRoutingPlan(decision, id) };
    } catch (err) {
      throw new PluginFailureError(id, 'invalid-plan', (err as Error).message, { cause: err });
    }
  }
  return undefined;
}

async function withBudget<T>(pluginId: string, fn: () => Promise<T> | T, options: ChainOptions): Promise<T> {
  const run = (async () => {
    try {
      return await fn();
    } catch (err) {
      throw new PluginFailureError(
        pluginId,
        'threw',
        `threw: ${err instanceof Error ? err.message : String(err)}`,
        {
          cause: err,
        },
      );
    }
  })();
  const ms = options.timeoutMs ?? 0;
  if (ms <= 0) return run;
  const schedule = options.schedule ?? defaultSchedule;
  let timer: { cancel(): void } | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = schedule(ms, () =>
      reject(new PluginFailureError(pluginId, 'timeout', `exceeded its ${ms} ms budget`)),
    );
  });
  try {
    return await Promise.race([run, timeout]);
  } finally {
    timer?.cancel();
  }
}
