import type { RingGroupInfo } from '@switchboard/plugin-sdk';
import type { GroupMember } from './member-availability.js';

/**
 * State key under which the host stores the member that answered the group last (the dial step's
 * `rememberAnswerAs`); the value is the member's extension number.
 */
export function lastAnsweredKey(groupNumber: string): string {
  return `roundrobin:last-answered:${groupNumber}`;
}

/**
 * The configured members rotated to start right after `lastAnswered`; in configured order when it
 * is unknown or no longer a member. Rotating the full list (not only the available members) keeps
 * the turn order stable when someone is skipped for one call.
 */
export function rotateAfter(
  members: RingGroupInfo['members'],
  lastAnswered: string | undefined,
): GroupMember[] {
  const at = lastAnswered === undefined ? -1 : members.findIndex((m) => m.extension === lastAnswered);
  if (at < 0) return [...members];
  return [...members.slice(at + 1), ...members.slice(0, at + 1)];
}
