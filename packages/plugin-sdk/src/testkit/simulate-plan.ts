import { dialTargetKey } from '../dial-target-key.js';
import { isCarrierFailure, outcomeOfStatus } from '../failure-status.js';
import { combineFailures, firstMove, moveAfterFailure, type PlanMove } from '../plan-cursor.js';
import type { DialStep, DialTarget, FailureOutcome, RoutingPlan } from '../routing-plan.js';

/** How a simulated callee reacts when it rings. */
export type CalleeBehaviour =
  | 'answer'
  | { answerAfterSeconds: number }
  | 'busy'
  | 'decline'
  | 'no-answer'
  | 'unavailable'
  /** A final SIP status at once, e.g. a trunk's 503 (carrier failure) or 404 (number unknown). */
  | { status: number };

export type SimEvent =
  | { t: number; step: number; type: 'ring'; target: string }
  | { t: number; step: number; type: 'answer'; target: string }
  | { t: number; step: number; type: 'cancel'; target: string }
  | { t: number; step: number; type: 'fail'; target: string; outcome: FailureOutcome };

export type SimResult =
  | { kind: 'answered'; target: string; step: number }
  | { kind: 'voicemail'; mailbox: string }
  | { kind: 'conference'; room: string }
  | { kind: 'menu'; menu: string }
  | { kind: 'redirect'; status: number; contacts: readonly string[] }
  | { kind: 'reject'; status: number; reason: string }
  | { kind: 'reroute'; destination?: string };

export interface Simulation {
  result: SimResult;
  events: SimEvent[];
  /** Seconds from the first ring to the end of the plan. */
  elapsedSeconds: number;
  /** Targets in the order they started ringing. */
  rang: string[];
}

/** A target's key (see `dialTargetKey`): `callees` of `simulatePlan` are keyed by it. */
export const targetKey: (t: DialTarget) => string = dialTargetKey;

interface StepRun {
  answered?: string;
  outcome: FailureOutcome;
  duration: number;
}

/**
 * Runs a plan against simulated callees the way the B2BUA executes it: parallel steps ring every
 * target, first answer wins and the rest are cancelled; a decline (6xx) ends the step (RFC 3261
 * §16.7); sequential steps ring one target at a time with its own ring timeout.
 */
export function simulatePlan(
  plan: RoutingPlan,
  callees: Readonly<Record<string, CalleeBehaviour>>,
  defaultBehaviour: CalleeBehaviour = 'no-answer',
  /** The plugin's state (TestWorld.state): `rememberAnswerAs` is written here, as the host does. */
  state?: Map<string, string>,
): Simulation {
  const events: SimEvent[] = [];
  const rang: string[] = [];
  let t = 0;
  let move: PlanMove = firstMove(plan);
  for (let guard = 0; guard < 1000 && move.kind === 'step'; guard++) {
    const step = move.step as DialStep;
    const behaviourOf = (target: DialTarget): CalleeBehaviour =>
      callees[targetKey(target)] ?? defaultBehaviour;
    const run =
      step.mode === 'parallel'
        ? runParallel(step, move.index, t, behaviourOf, events, rang)
        : runSequential(step, move.index, t, behaviourOf, events, rang);
    t += run.duration;
    if (run.answered !== undefined) {
      if (step.rememberAnswerAs !== undefined) state?.set(step.rememberAnswerAs, run.answered);
      return {
        result: { kind: 'answered', target: run.answered, step: move.index },
        events,
        elapsedSeconds: t,
        rang,
      };
    }
    move = moveAfterFailure(plan, move.index, run.outcome);
  }
  if (move.kind === 'step') throw new Error('plan did not terminate');
  const { kind: _kind, ...rest } = move;
  return { result: { kind: move.kind, ...rest } as SimResult, events, elapsedSeconds: t, rang };
}

function answerTime(b: CalleeBehaviour): number | undefined {
  if (b === 'answer') return 0;
  return typeof b === 'object' && 'answerAfterSeconds' in b ? b.answerAfterSeconds : undefined;
}

function immediateFailure(b: CalleeBehaviour): FailureOutcome | undefined {
  if (b === 'busy') return 'busy';
  if (b === 'decline') return 'declined';
  if (b === 'unavailable') return 'unavailable';
  if (typeof b === 'object' && 'status' in b) return outcomeOfStatus(b.status);
  return undefined;
}

/** 'unavailable' stands for a target that could not be used (no contact, trunk at its limit). */
function carrierFailure(b: CalleeBehaviour): boolean {
  if (b === 'unavailable') return true;
  return typeof b === 'object' && 'status' in b && isCarrierFailure(b.status, true);
}

function runParallel(
  step: DialStep,
  index: number,
  t0: number,
  behaviourOf: (t: DialTarget) => CalleeBehaviour,
  events: SimEvent[],
  rang: string[],
): StepRun {
  const failures: FailureOutcome[] = [];
  let winner: { key: string; at: number } | undefined;
  const ringing: string[] = [];
  for (const target of step.targets) {
    const key = targetKey(target);
    const b = behaviourOf(target);
    const failure = immediateFailure(b);
    if (failure) {
      events.push({ t: t0, step: index, type: 'fail', target: key, outcome: failure });
      failures.push(failure);
      continue;
    }
    events.push({ t: t0, step: index, type: 'ring', target: key });
    rang.push(key);
    ringing.push(key);
    const limit = Math.min(step.ringTimeoutSeconds, target.ringTimeoutSeconds ?? Infinity);
    const at = answerTime(b);
    if (at !== undefined && at < limit && (!winner || at < winner.at)) winner = { key, at };
  }
  // A 6xx ends the fork before anyone answers (§16.7 step 6 spirit).
  if (failures.includes('declined') && (!winner || winner.at > 0)) {
    for (const key of ringing) events.push({ t: t0, step: index, type: 'cancel', target: key });
    return { outcome: 'declined', duration: 0 };
  }
  if (winner) {
    events.push({ t: t0 + winner.at, step: index, type: 'answer', target: winner.key });
    for (const key of ringing.filter((k) => k !== winner.key)) {
      events.push({ t: t0 + winner.at, step: index, type: 'cancel', target: key });
    }
    return { answered: winner.key, outcome: 'no-answer', duration: winner.at };
  }
  if (ringing.length === 0) return { outcome: combineFailures(failures), duration: 0 };
  for (const key of ringing) {
    events.push({ t: t0 + step.ringTimeoutSeconds, step: index, type: 'cancel', target: key });
  }
  return { outcome: combineFailures([...failures, 'no-answer']), duration: step.ringTimeoutSeconds };
}

function runSequential(
  step: DialStep,
  index: number,
  t0: number,
  behaviourOf: (t: DialTarget) => CalleeBehaviour,
  events: SimEvent[],
  rang: string[],
): StepRun {
  const failures: FailureOutcome[] = [];
  let t = t0;
  for (const target of step.targets) {
    const key = targetKey(target);
    const b = behaviourOf(target);
    const failure = immediateFailure(b);
    if (failure) {
      events.push({ t, step: index, type: 'fail', target: key, outcome: failure });
      failures.push(failure);
      // failover 'carrier': only a route failure moves on to the next target (trunk failover).
      if (step.failover === 'carrier' && !carrierFailure(b)) return { outcome: failure, duration: t - t0 };
      continue;
    }
    events.push({ t, step: index, type: 'ring', target: key });
    rang.push(key);
    const limit = target.ringTimeoutSeconds ?? step.ringTimeoutSeconds;
    const at = answerTime(b);
    if (at !== undefined && at < limit) {
      events.push({ t: t + at, step: index, type: 'answer', target: key });
      return { answered: key, outcome: 'no-answer', duration: t + at - t0 };
    }
    t += limit;
    events.push({ t, step: index, type: 'cancel', target: key });
    failures.push('no-answer');
    if (step.failover === 'carrier') return { outcome: 'no-answer', duration: t - t0 };
  }
  return { outcome: combineFailures(failures), duration: t - t0 };
}
