import type { PluginApi, RingGroupInfo } from '@switchboard/plugin-sdk';
import type { RingGroupConfig } from './ring-group-config.js';

export interface GroupMember {
  readonly extension: string;
  /** Set when the member row has its own ring time (it overrides memberRingSeconds). */
  readonly ringSeconds?: number;
}

export type SkipReason = 'unknown' | 'disabled' | 'busy' | 'not-registered';

export interface MemberCheck {
  readonly available: readonly GroupMember[];
  readonly skipped: readonly { readonly extension: string; readonly reason: SkipReason }[];
}

/**
 * Splits members into those worth ringing and those skipped, keeping the given order. The checks of
 * all members run at once: they are independent reads of PostgreSQL and Redis.
 */
export async function checkMembers(
  members: RingGroupInfo['members'],
  api: PluginApi<RingGroupConfig>,
): Promise<MemberCheck> {
  const reasons = await Promise.all(members.map((m) => skipReason(m.extension, api)));
  const available: GroupMember[] = [];
  const skipped: { extension: string; reason: SkipReason }[] = [];
  members.forEach((m, i) => {
    const reason = reasons[i];
    if (reason === undefined) available.push(m);
    else skipped.push({ extension: m.extension, reason });
  });
  return { available, skipped };
}

async function skipReason(
  extension: string,
  api: PluginApi<RingGroupConfig>,
): Promise<SkipReason | undefined> {
  const info = await api.extensions.get(extension);
  if (!info) return 'unknown';
  if (!info.enabled) return 'disabled';
  if (api.config.skipBusyMembers && info.maxConcurrentCalls > 0) {
    if ((await api.calls.activeCount(extension)) >= info.maxConcurrentCalls) return 'busy';
  }
  if (api.config.skipUnregisteredMembers && (await api.registrations.contacts(extension)).length === 0) {
    return 'not-registered';
  }
  return undefined;
}
