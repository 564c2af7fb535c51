import {
  PASS,
  definePlugin,
  dialTargetKey,
  type RoutingDecision,
  type RoutingPlanInput,
} from '@switchboard/plugin-sdk';
import { configSchema } from './find-me-config.js';
import { finalStep } from './final-step.js';
import { resolveTarget } from './step-targets.js';

export const PLUGIN_ID = 'find-me';

type DialStepInput = Extract<RoutingPlanInput['steps'][number], { type: 'dial' }>;

/** Plan limits of the SDK: targets per dial step, steps per plan (one is kept for the mailbox). */
const MAX_TARGETS = 64;
const MAX_DIAL_STEPS = 31;

/**
 * Find-me/follow-me: when the dialled extension has follow-me switched on, its steps ring one after
 * the other, each a parallel dial of its targets for the step's seconds (desk 15 s → desk + mobile
 * 20 s); a decline or busy moves on to the next step; then the final destination (by default the mailbox, or
 * 480 without one). Extensions without follow-me pass to the next plugin (usually `extensions`).
 */
export default definePlugin({
  id: PLUGIN_ID,
  version: '0.1.0',
  description: 'Find-me/follow-me: ring an extension’s ordered steps of targets, then its final destination',
  configSchema,
  async route(call, api): Promise<RoutingDecision> {
    const ext = await api.extensions.get(call.destination);
    if (!ext?.enabled) return PASS;
    const followMe = await api.directory.followMe(ext.number);
    if (!followMe?.enabled || followMe.steps.length === 0) return PASS;
    // Reached again through a final destination (A's ends at B, B's at A): ring it as a plain extension.
    if (call.history.some((a) => a.pluginId === PLUGIN_ID && a.destination === ext.number)) return PASS;

    const steps: DialStepInput[] = [];
    for (const [index, step] of followMe.steps.entries()) {
      if (steps.length >= MAX_DIAL_STEPS) break;
      const results = await Promise.all(step.targets.map((t) => resolveTarget(t, call, api)));
      const skipped = results.flatMap((r) => ('skipped' in r ? [r] : []));
      if (skipped.length > 0)
        api.log.info('follow-me targets skipped', { extension: ext.number, step: index, skipped });
      const seen = new Set<string>();
      const targets = results
        .flatMap((r) => ('target' in r ? [r.target] : []))
        .filter((t) => !seen.has(dialTargetKey(t)) && seen.add(dialTargetKey(t)))
        .slice(0, MAX_TARGETS);
      if (targets.length === 0) continue;
      steps.push({
        type: 'dial',
        mode: 'parallel',
        targets,
        ringTimeoutSeconds: Math.min(600, Math.max(1, step.ringSeconds)),
      });
    }
    return { steps: [...steps, await finalStep(followMe, ext, call, api)] };
  },
});
