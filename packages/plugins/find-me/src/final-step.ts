import type {
  CallContext,
  ExtensionInfo,
  FollowMeInfo,
  NoAnswerDestination,
  PluginApi,
  RoutingPlanInput,
} from '@switchboard/plugin-sdk';
import { UNAVAILABLE_STEP, noAnswerStep } from '@switchboard/plugin-sdk';
import type { FindMeConfig } from './find-me-config.js';

/**
 * The step after the last follow-me step: the configured final destination (FreePBX "destination if
 * no answer"), by default the extension's own mailbox. A mailbox that does not exist or is switched
 * off gives 480 rather than a voicemail step the B2BUA would refuse.
 */
export async function finalStep(
  followMe: FollowMeInfo,
  ext: ExtensionInfo,
  call: CallContext,
  api: PluginApi<FindMeConfig>,
): Promise<RoutingPlanInput['steps'][number]> {
  const destination: NoAnswerDestination = followMe.finalDestination ?? {
    kind: 'voicemail',
    target: ext.number,
  };
  if (destination.kind === 'voicemail') {
    const owner = destination.target === ext.number ? ext : await api.extensions.get(destination.target);
    if (!owner?.hasVoicemail) {
      if (owner !== ext)
        api.log.warn('follow-me final mailbox does not take messages', {
          extension: ext.number,
          mailbox: destination.target,
        });
      return UNAVAILABLE_STEP;
    }
  }
  return noAnswerStep(destination, call, {
    externalDomain: api.config.externalDomain,
    externalScheme: api.config.externalScheme,
    externalRingSeconds: api.config.externalRingSeconds,
    onUnusable: (d) =>
      api.log.error('follow-me final destination is not usable', {
        extension: ext.number,
        kind: d.kind,
        target: 'target' in d ? d.target : undefined,
      }),
  });
}
