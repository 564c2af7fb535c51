import {
  PASS,
  definePlugin,
  type CallContext,
  type PluginApi,
  type RingGroupInfo,
  type RoutingDecision,
} from '@switchboard/plugin-sdk';
import { UNAVAILABLE, fallbackStep } from './fallback-step.js';
import { checkMembers, type GroupMember } from './member-availability.js';
import { configSchema, type RingGroupConfig } from './ring-group-config.js';
import { lastAnsweredKey, rotateAfter } from './round-robin-memory.js';
import {
  memoryHuntSteps,
  oneAtATimeSteps,
  ringAllSteps,
  shuffled,
  type DialStepInput,
  type StepCommon,
} from './strategy-steps.js';

export const PLUGIN_ID = 'ring-group';

export interface RingGroupPluginOptions {
  /** Random source of the `random` strategy (tests pass a fixed sequence); Math.random by default. */
  readonly random?: () => number;
}

/**
 * Routes calls to ring-group numbers configured in the admin app; other destinations pass to the
 * next plugin. Members that are busy or not registered are skipped, the strategy decides the ring
 * order, and the group's fallback runs when nobody answers.
 */
export function createRingGroupPlugin(options: RingGroupPluginOptions = {}) {
  const random = options.random ?? Math.random;
  return definePlugin({
    id: PLUGIN_ID,
    version: '0.1.0',
    description:
      'Ring groups: ringall, hunt, round-robin with memory, random and memory-hunt, then a fallback',
    configSchema,
    async route(call, api): Promise<RoutingDecision> {
      const group = await api.directory.ringGroup(call.destination);
      if (!group) return PASS;
      if (!group.enabled) {
        return api.config.disabledGroup === 'pass'
          ? PASS
          : { steps: [{ type: 'reject', status: 480, reason: 'Ring Group Disabled' }] };
      }
      if (alreadyTried(call, group.number)) {
        // A fallback chain that leads back here (600 → 601 → 600) would ring forever.
        api.log.warn('ring group reached again through its fallbacks', { group: group.number });
        return { steps: [UNAVAILABLE] };
      }
      const { available, skipped } = await checkMembers(group.members, api);
      if (skipped.length > 0) api.log.info('ring group members skipped', { group: group.number, skipped });
      const dial = await dialSteps(group, available, api, random);
      return { steps: [...dial, fallbackStep(group, call, api)] };
    },
  });
}

function alreadyTried(call: CallContext, group: string): boolean {
  return call.history.some((a) => a.pluginId === PLUGIN_ID && a.destination === group);
}

async function dialSteps(
  group: RingGroupInfo,
  available: readonly GroupMember[],
  api: PluginApi<RingGroupConfig>,
  random: () => number,
): Promise<DialStepInput[]> {
  if (available.length === 0) return [];
  const common: StepCommon = group.callerIdPrefix ? { callerId: { prefix: group.callerIdPrefix } } : {};
  switch (group.strategy) {
    case 'ringall':
      return ringAllSteps(group, available, common);
    case 'hunt':
      return oneAtATimeSteps(group, available, common);
    case 'random':
      return oneAtATimeSteps(group, shuffled(available, random), common);
    case 'memoryhunt':
      return memoryHuntSteps(group, available, common);
    case 'roundrobin': {
      const key = lastAnsweredKey(group.number);
      const usable = new Set(available.map((m) => m.extension));
      const order = rotateAfter(group.members, await api.state.get(key)).filter((m) =>
        usable.has(m.extension),
      );
      return oneAtATimeSteps(group, order, { ...common, rememberAnswerAs: key });
    }
  }
}
