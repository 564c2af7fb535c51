import type { CallContext, DialTarget, PluginApi } from '@switchboard/plugin-sdk';
import { externalTarget } from '@switchboard/plugin-sdk';
import type { FindMeConfig } from './find-me-config.js';

export type TargetResult =
  | { readonly target: DialTarget }
  | { readonly skipped: string; readonly reason: 'busy' | 'not-registered' | 'disabled' | 'invalid' };

/**
 * One configured follow-me target as a dial target: a number that is one of our extensions rings its
 * registered phones; a sip:/sips:/tel: URI is dialled as it is; any other number is external.
 */
export async function resolveTarget(
  text: string,
  call: CallContext,
  api: PluginApi<FindMeConfig>,
): Promise<TargetResult> {
  const ext = /^[0-9*#+]{1,32}$/.test(text) ? await api.extensions.get(text) : undefined;
  if (ext) {
    if (!ext.enabled) return { skipped: text, reason: 'disabled' };
    if (api.config.skipBusyExtensions && ext.maxConcurrentCalls > 0) {
      if ((await api.calls.activeCount(ext.number)) >= ext.maxConcurrentCalls) {
        return { skipped: text, reason: 'busy' };
      }
    }
    if (
      api.config.skipUnregisteredExtensions &&
      (await api.registrations.contacts(ext.number)).length === 0
    ) {
      return { skipped: text, reason: 'not-registered' };
    }
    return { target: { kind: 'extension', extension: ext.number } };
  }
  const target = externalTarget(text, {
    domain: api.config.externalDomain,
    scheme: api.config.externalScheme,
    requestUri: call.requestUri,
  });
  return target ? { target } : { skipped: text, reason: 'invalid' };
}
