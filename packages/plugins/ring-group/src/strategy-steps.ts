import type { RingGroupInfo, RoutingPlanInput } from '@switchboard/plugin-sdk';
import type { GroupMember } from './member-availability.js';

export type DialStepInput = Extract<RoutingPlanInput['steps'][number], { type: 'dial' }>;
type ExtensionTarget = Extract<DialStepInput['targets'][number], { kind: 'extension' }>;

/** Plan limits of the SDK: targets per dial step, steps per plan (one is kept for the fallback). */
export const MAX_TARGETS = 64;
export const MAX_DIAL_STEPS = 31;

/** Options every dial step of the group shares. */
export interface StepCommon {
  readonly callerId?: { readonly prefix: string };
  readonly rememberAnswerAs?: string;
}

const seconds = (n: number): number => Math.min(600, Math.max(1, Math.round(n)));

/** A member's own ring time, else the group's per-member time. */
function memberSeconds(group: RingGroupInfo, m: GroupMember): number {
  return m.ringSeconds ?? group.memberRingSeconds;
}

function target(extension: string, ringTimeoutSeconds?: number): ExtensionTarget {
  return ringTimeoutSeconds === undefined
    ? { kind: 'extension', extension }
    : { kind: 'extension', extension, ringTimeoutSeconds: seconds(ringTimeoutSeconds) };
}

/**
 * ringall: every member at once for the group's ring time; the first answer wins and the B2BUA
 * cancels the others. A member with its own ring time stops ringing earlier.
 */
export function ringAllSteps(
  group: RingGroupInfo,
  members: readonly GroupMember[],
  common: StepCommon,
): DialStepInput[] {
  return [
    {
      type: 'dial',
      mode: 'parallel',
      targets: members
        .slice(0, MAX_TARGETS)
        .map((m) =>
          target(
            m.extension,
            m.ringSeconds === undefined ? undefined : Math.min(m.ringSeconds, group.ringTimeSeconds),
          ),
        ),
      ringTimeoutSeconds: seconds(group.ringTimeSeconds),
      ...common,
    },
  ];
}

/**
 * One member after the other (hunt, roundrobin, random), each for its ring time, until the group's
 * ring time is used up: the last member rings only for what is left. A member who is busy or
 * declines (486/603) ends only their own turn.
 */
export function oneAtATimeSteps(
  group: RingGroupInfo,
  ordered: readonly GroupMember[],
  common: StepCommon,
): DialStepInput[] {
  let remaining = group.ringTimeSeconds;
  const targets: ExtensionTarget[] = [];
  for (const m of ordered.slice(0, MAX_TARGETS)) {
    if (remaining <= 0) break;
    const t = Math.min(memberSeconds(group, m), remaining);
    targets.push(target(m.extension, t));
    remaining -= t;
  }
  if (targets.length === 0) return [];
  return [
    {
      type: 'dial',
      mode: 'sequential',
      targets,
      ringTimeoutSeconds: seconds(group.memberRingSeconds),
      ...common,
    },
  ];
}

/**
 * memoryhunt: member 1, then 1+2, then 1+2+3 … as successive parallel steps; step k rings for the
 * newly added member's ring time, all within the group's ring time.
 */
export function memoryHuntSteps(
  group: RingGroupInfo,
  members: readonly GroupMember[],
  common: StepCommon,
): DialStepInput[] {
  let remaining = group.ringTimeSeconds;
  const steps: DialStepInput[] = [];
  for (let k = 0; k < members.length && remaining > 0 && steps.length < MAX_DIAL_STEPS; k++) {
    const added = members[k];
    if (added === undefined) break;
    const t = Math.min(memberSeconds(group, added), remaining);
    steps.push({
      type: 'dial',
      mode: 'parallel',
      targets: members.slice(0, Math.min(k + 1, MAX_TARGETS)).map((m) => target(m.extension)),
      ringTimeoutSeconds: seconds(t),
      ...common,
    });
    remaining -= t;
  }
  return steps;
}

/** Fisher–Yates with an injected random source, so tests can fix the order. */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.min(i, Math.floor(random() * (i + 1)));
    const a = out[i] as T;
    out[i] = out[j] as T;
    out[j] = a;
  }
  return out;
}
