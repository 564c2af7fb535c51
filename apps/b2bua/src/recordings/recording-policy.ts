import type { RoutingPlan } from '@switchboard/plugin-sdk';
import { z } from 'zod';

/**
 * Which calls are recorded (issue #24): a call is recorded when a party of it asks to be, each a
 * subject with its own switch in the database (all off by default):
 * - `extension:<number>`: the caller's extension, the dialled extension, or the extension that answers;
 * - `ring-group:<number>`: the ring group dialled, whichever member answers;
 * - `trunk:<name>`: the trunk the call comes in on or goes out through (the trunks of issue #18 carry
 *   the same switch; until they exist no subject of this kind is produced).
 * The routing worker works out the subjects with the plan; the B2BUA starts recording at answer.
 */
export const recordingPlanSchema = z.object({
  /** Subjects that record the call whoever answers (caller, dialled number, trunk). */
  always: z.array(z.string().max(80)).max(16),
  /** Dial targets (extension numbers) whose answer makes the call recorded, with their subject. */
  byTarget: z.record(z.string().max(32), z.string().max(80)),
});
export type RecordingPlan = z.infer<typeof recordingPlanSchema>;

/** The numbers a routing decision can name, and which of them record (looked up in the database). */
export interface RecordingFlags {
  /** Extension numbers with recording on. */
  readonly extensions: ReadonlySet<string>;
  /** Ring group numbers with recording on. */
  readonly ringGroups: ReadonlySet<string>;
}

/** The recording plan of a routed call; undefined when nothing in it records (the usual case). */
export function recordingPlanOf(
  callerExtension: string | undefined,
  destination: string,
  plan: RoutingPlan,
  flags: RecordingFlags,
): RecordingPlan | undefined {
  const always: string[] = [];
  if (callerExtension && flags.extensions.has(callerExtension)) always.push(`extension:${callerExtension}`);
  if (destination !== callerExtension && flags.extensions.has(destination))
    always.push(`extension:${destination}`); // the dialled extension's calls, even when follow-me answers
  if (flags.ringGroups.has(destination)) always.push(`ring-group:${destination}`);
  const byTarget: Record<string, string> = {};
  for (const extension of dialledExtensions(plan)) {
    if (flags.extensions.has(extension)) byTarget[extension] = `extension:${extension}`;
  }
  return always.length > 0 || Object.keys(byTarget).length > 0 ? { always, byTarget } : undefined;
}

/** The subjects that record a call answered by `targetKey` (empty: not recorded). */
export function recordingSubjects(plan: RecordingPlan | undefined, targetKey: string | undefined): string[] {
  if (!plan) return [];
  const byTarget = targetKey === undefined ? undefined : plan.byTarget[targetKey];
  return byTarget && !plan.always.includes(byTarget) ? [...plan.always, byTarget] : [...plan.always];
}

/** Whether a branch to `targetKey` may end up recorded (then its media must go through rtpengine). */
export function mayRecord(plan: RecordingPlan | undefined, targetKey: string): boolean {
  return plan !== undefined && (plan.always.length > 0 || plan.byTarget[targetKey] !== undefined);
}

function dialledExtensions(plan: RoutingPlan): string[] {
  const out: string[] = [];
  for (const step of plan.steps) {
    if (step.type !== 'dial') continue;
    for (const target of step.targets) if (target.kind === 'extension') out.push(target.extension);
  }
  return out;
}
