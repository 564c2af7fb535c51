import type { ExtensionDialog } from '@switchboard/live-state';

/**
 * No phone rings this long: an early dialog older than this is left over from a signalling process
 * that died (its lamp entries live on in Redis until their TTL), not a call anyone can pick up.
 */
export const MAX_RINGING_AGE_MS = 10 * 60 * 1000;

/** A call ringing an extension, as the busy-lamp data (`sb:ext-dialogs:<ext>`) shows it. */
export interface RingingCall {
  /** The rung extension. */
  readonly extension: string;
  /** The call session holding it (dialog ids are `<session id>-<n>`, call-lamps.ts). */
  readonly session: string;
  readonly startedAt: number;
}

/**
 * The calls a picker may answer, oldest first: dialogs in which a watched extension is being called
 * (`recipient`) and rings (`early`, RFC 4235 §3.7.1: a 1xx with a To tag), not older than
 * MAX_RINGING_AGE_MS at `now`, not a call the picker itself makes (`pickerUri` is its remote), one
 * entry per call session (a ring group rings several members of the same call).
 */
export function ringingCalls(
  dialogsByExtension: ReadonlyMap<string, readonly ExtensionDialog[]>,
  pickerUri: string,
  now: number,
): RingingCall[] {
  const bySession = new Map<string, RingingCall>();
  for (const [extension, dialogs] of dialogsByExtension) {
    for (const d of dialogs) {
      if (d.direction !== 'recipient' || d.state !== 'early' || d.remote === pickerUri) continue;
      if (now - d.startedAt > MAX_RINGING_AGE_MS) continue;
      const session = sessionOf(d.id);
      if (!session) continue;
      const seen = bySession.get(session);
      if (!seen || d.startedAt < seen.startedAt)
        bySession.set(session, { extension, session, startedAt: d.startedAt });
    }
  }
  return [...bySession.values()].sort((a, b) => a.startedAt - b.startedAt);
}

/** The call session of a lamp dialog id (`<session uuid>-<n>`). */
export function sessionOf(dialogId: string): string | undefined {
  const dash = dialogId.lastIndexOf('-');
  return dash > 0 && /^[0-9]+$/.test(dialogId.slice(dash + 1)) ? dialogId.slice(0, dash) : undefined;
}

/** What the directory knows about one extension for pickup. */
export interface PickupMember {
  readonly number: string;
  readonly pickupGroups: readonly string[];
  readonly directedPickup: boolean;
}

/** Do the two extensions share a pickup group? (Names compare case-insensitively.) */
export function shareGroup(a: PickupMember, b: PickupMember): boolean {
  const mine = new Set(a.pickupGroups.map((g) => g.toLowerCase()));
  return b.pickupGroups.some((g) => mine.has(g.toLowerCase()));
}

/**
 * Directed pickup rule: any extension may pick up a call ringing `target` unless the target opted
 * out (`directedPickup` false); then only members of one of its pickup groups may.
 */
export function mayPickUpDirected(picker: PickupMember, target: PickupMember): boolean {
  return target.directedPickup || shareGroup(picker, target);
}
