import type { CallContext, PluginApi, RingGroupInfo, RoutingPlanInput } from '@switchboard/plugin-sdk';
import { externalTarget } from '@switchboard/plugin-sdk';
import type { RingGroupConfig } from './ring-group-config.js';

type PlanStepInput = RoutingPlanInput['steps'][number];

const EXTENSION_NUMBER = /^[0-9*#+]{1,32}$/;

export const UNAVAILABLE: PlanStepInput = { type: 'reject', status: 480, reason: 'Temporarily Unavailable' };

/**
 * The step that runs when no member answered (or none could ring): reroute to an extension or another
 * group through the plugin chain (so that extension's own follow-me and voicemail apply), a mailbox, an
 * external number, or 480 for none/hangup. A target that cannot be dialled is logged and gives 480.
 */
export function fallbackStep(
  group: RingGroupInfo,
  call: CallContext,
  api: PluginApi<RingGroupConfig>,
): PlanStepInput {
  const fb = group.fallback;
  if (fb.kind === 'none' || fb.kind === 'hangup') return UNAVAILABLE;
  const invalid = (): PlanStepInput => {
    api.log.error('ring group fallback target is not usable', {
      group: group.number,
      kind: fb.kind,
      target: 'target' in fb ? fb.target : undefined,
    });
    return UNAVAILABLE;
  };
  switch (fb.kind) {
    case 'extension':
    case 'ring_group':
      return EXTENSION_NUMBER.test(fb.target) ? { type: 'reroute', destination: fb.target } : invalid();
    case 'voicemail':
      return EXTENSION_NUMBER.test(fb.target) ? { type: 'voicemail', mailbox: fb.target } : invalid();
    case 'external': {
      const target = externalTarget(fb.target, {
        domain: api.config.externalDomain,
        scheme: api.config.externalScheme,
        requestUri: call.requestUri,
      });
      if (!target) return invalid();
      return {
        type: 'dial',
        mode: 'parallel',
        targets: [target],
        ringTimeoutSeconds: api.config.externalRingSeconds,
      };
    }
  }
}
