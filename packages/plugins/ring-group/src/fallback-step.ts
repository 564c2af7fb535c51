import type { CallContext, PluginApi, RingGroupInfo, RoutingPlanInput } from '@switchboard/plugin-sdk';
import { noAnswerStep } from '@switchboard/plugin-sdk';
import type { RingGroupConfig } from './ring-group-config.js';

export { UNAVAILABLE_STEP as UNAVAILABLE } from '@switchboard/plugin-sdk';

/**
 * The step that runs when no member answered (or none could ring): reroute to an extension or another
 * group through the plugin chain (so that extension's own follow-me and voicemail apply), a mailbox, an
 * external number, 486 for busy, or 480 for none/hangup. A target that cannot be dialled is logged and
 * gives 480.
 */
export function fallbackStep(
  group: RingGroupInfo,
  call: CallContext,
  api: PluginApi<RingGroupConfig>,
): RoutingPlanInput['steps'][number] {
  return noAnswerStep(group.fallback, call, {
    externalDomain: api.config.externalDomain,
    externalScheme: api.config.externalScheme,
    externalRingSeconds: api.config.externalRingSeconds,
    onUnusable: (fb) =>
      api.log.error('ring group fallback target is not usable', {
        group: group.number,
        kind: fb.kind,
        target: 'target' in fb ? fb.target : undefined,
      }),
  });
}
