import type { CallContext } from './call-context.js';
import { isPass, type RoutingDecision } from './define-plugin.js';
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

/** How one plugin's turn in the chain ended: a plan, a pass, or one of the failures. */
export type PluginRunOutcome = 'plan' | 'pass' | PluginFailureError['kind'];

/** One plugin's turn in the chain, for the host's metrics. */
export interface PluginRun {
  readonly pluginId: string;
  readonly outcome: PluginRunOutcome;
  readonly ms: number;
}

export interface ChainOptions {
  /** Time budget per plugin call; 0 or undefined = none. */
  readonly timeoutMs?: number;
  /** Timer used for the budget (injectable so tests need no real time). */
  readonly schedule?: (ms: number, fn: () => void) => { cancel(): void };
  /** Milliseconds on a monotonic line, to time each plugin (default `performance.now`). */
  readonly now?: () => number;
  /** Told after each plugin's turn (its plan parsed or refused); must not throw. */
  readonly onPluginRun?: (run: PluginRun) => void;
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
  const now = options.now ?? (() => performance.now());
  for (const entry of registry.chain) {
    const id = entry.plugin.id;
    const started = now();
    const ran = (outcome: PluginRunOutcome) =>
      options.onPluginRun?.({ pluginId: id, outcome, ms: now() - started });
    let plan: RoutingPlan | undefined;
    try {
      plan = pluginPlan(id, await withBudget(id, () => entry.plugin.route(call, apiFor(entry)), options));
    } catch (err) {
      if (err instanceof PluginFailureError) ran(err.kind);
      throw err;
    }
    ran(plan ? 'plan' : 'pass');
    if (plan) return { pluginId: id, plan };
  }
  return undefined;
}

/** The plugin's decision as a checked plan; undefined for a pass. */
function pluginPlan(id: string, decision: RoutingDecision): RoutingPlan | undefined {
  if (isPass(decision)) return undefined;
  try {
    return parseRoutingPlan(decision, id);
  } catch (err) {
    throw new PluginFailureError(id, 'invalid-plan', (err as Error).message, { cause: err });
  }
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
