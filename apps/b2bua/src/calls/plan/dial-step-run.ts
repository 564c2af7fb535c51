import type { Clock, TimerHandle } from '@switchboard/transactions';
import {
  combineFailures,
  dialTargetKey,
  isCarrierFailure,
  type DialStep,
  type DialTarget,
  type FailureOutcome,
} from '@switchboard/plugin-sdk';
import type {
  BranchHandle,
  BranchLauncher,
  BranchSpec,
  CancelCause,
  LegRecord,
  TargetExpander,
} from './branch-types.js';
import { betterResponse, outcomeOfStatus } from './response-selection.js';

export const targetKeyOf: (t: DialTarget) => string = dialTargetKey;

/** How a dial step ended. */
export type StepEnd<R> =
  | { readonly kind: 'answered'; readonly targetKey: string; readonly response: R; readonly leg: LegRecord }
  | {
      readonly kind: 'failed';
      readonly outcome: FailureOutcome;
      /** The §16.7 best final status of the step (undefined when nothing answered at all). */
      readonly bestStatus: number | undefined;
      /** Contacts of the best response when it is a 3xx that was not followed. */
      readonly redirectContacts: readonly string[] | undefined;
    };

export interface StepRunOptions<R> {
  readonly clock: Clock;
  readonly launcher: BranchLauncher<R>;
  readonly expander: TargetExpander;
  /** Follow a callee's 3xx by ringing its contacts in the same target (§16.5); else it may be relayed. */
  readonly followRedirects: boolean;
  /** Limit of 3xx hops per target (loop guard). */
  readonly maxRedirects: number;
  readonly legs: LegRecord[];
  readonly onProvisional: (status: number, response: R, spec: BranchSpec) => void;
  readonly onEnd: (end: StepEnd<R>) => void;
  /** A bug below the step (expander or launcher threw): logged by the owner; the step then fails. */
  readonly onError?: (err: unknown) => void;
}

type BranchState = 'ringing' | 'done';

interface Branch<R> {
  readonly spec: BranchSpec;
  readonly leg: LegRecord;
  state: BranchState;
  handle?: BranchHandle;
  readonly group: TargetGroup<R>;
  /** A final response came (false: Timer B, a transport error or a leg that could not start). */
  responded?: boolean;
}

interface TargetGroup<R> {
  readonly key: string;
  readonly target: DialTarget;
  readonly branches: Branch<R>[];
  readonly triedUris: Set<string>;
  redirects: number;
  timer?: TimerHandle;
  outcome?: FailureOutcome;
  /** The target failed because the route did (408, 5xx, no response, unusable): `failover: 'carrier'`. */
  carrierFailed?: boolean;
}

/**
 * One dial step as a state machine: `expanding` (contacts looked up) → `ringing` → `ended`.
 * Parallel: every target rings at once with the step's ring time (a target's own shorter time caps
 * it). Sequential: one target at a time with its own ring time. A 2xx wins and cancels the rest,
 * a 6xx ends the step (§16.7 step 6), a timeout cancels the target's branches as no-answer.
 */
export class DialStepRun<R> {
  private state: 'idle' | 'expanding' | 'ringing' | 'ended' = 'idle';
  private readonly groups: TargetGroup<R>[] = [];
  private nextTarget = 0;
  private bestStatus: number | undefined;
  private bestContacts: readonly string[] | undefined;
  /** True while branches are being started: a leg failing synchronously must not end its target early. */
  private launching = false;

  constructor(
    private readonly step: DialStep,
    private readonly options: StepRunOptions<R>,
  ) {}

  get ended(): boolean {
    return this.state === 'ended';
  }

  /** Keys of the targets that were rung, in order. */
  get tried(): string[] {
    return this.groups.filter((g) => g.branches.length > 0).map((g) => g.key);
  }

  start(): void {
    if (this.state !== 'idle') return;
    if (this.step.mode === 'parallel') {
      this.state = 'expanding';
      this.startTargetsSafely(this.step.targets);
    } else {
      this.startNextSequential();
    }
  }

  /** The caller went away (CANCEL) or the call is torn down: cancel every branch, report nothing. */
  abort(cause: CancelCause): void {
    if (this.state === 'ended') return;
    this.state = 'ended';
    this.cancelAll(cause);
  }

  private startNextSequential(): void {
    const target = this.step.targets[this.nextTarget++];
    if (target === undefined) {
      this.finishFailed();
      return;
    }
    this.state = 'expanding';
    this.startTargetsSafely([target]);
  }

  /** No promise without a catch on the call path: a failure here ends the step, never the process. */
  private startTargetsSafely(targets: readonly DialTarget[]): void {
    this.startTargets(targets).catch((err: unknown) => {
      this.launching = false;
      this.options.onError?.(err);
      this.noteStatus(500, undefined);
      this.finishFailed();
    });
  }

  private async startTargets(targets: readonly DialTarget[]): Promise<void> {
    const expanded = await Promise.all(
      targets.map(async (t) => ({ t, specs: await this.options.expander.expand(t).catch(() => []) })),
    );
    if (this.state !== 'expanding') return; // aborted while looking up contacts
    this.state = 'ringing';
    this.launching = true;
    for (const { t, specs } of expanded) {
      if (this.state !== 'ringing') break; // a 6xx while starting ended the step
      const group: TargetGroup<R> = {
        key: targetKeyOf(t),
        target: t,
        branches: [],
        triedUris: new Set(),
        redirects: 0,
      };
      this.groups.push(group);
      if (specs.length === 0) {
        // Not registered (or a trunk that cannot be used): the target fails at once as unavailable (480).
        group.outcome = 'unavailable';
        group.carrierFailed = true;
        this.noteStatus(480, undefined);
        continue;
      }
      group.timer = this.options.clock.schedule(this.ringMsFor(t), () => this.groupTimedOut(group));
      for (const spec of specs) this.launch(group, spec);
    }
    this.launching = false;
    for (const g of this.groups) this.checkGroup(g);
    this.checkDone();
  }

  private ringMsFor(t: DialTarget): number {
    const own = t.ringTimeoutSeconds;
    const seconds =
      this.step.mode === 'parallel'
        ? Math.min(this.step.ringTimeoutSeconds, own ?? Infinity)
        : (own ?? this.step.ringTimeoutSeconds);
    return seconds * 1000;
  }

  private launch(group: TargetGroup<R>, spec: BranchSpec): void {
    if (this.state !== 'ringing' || group.triedUris.has(spec.uri)) return; // §16.5: a location is tried once per target
    group.triedUris.add(spec.uri);
    const leg: LegRecord = {
      target: group.key,
      uri: spec.uri,
      startedAt: this.options.clock.now(),
      answered: false,
    };
    this.options.legs.push(leg);
    const branch: Branch<R> = { spec, leg, state: 'ringing', group };
    group.branches.push(branch);
    try {
      branch.handle = this.options.launcher.launch(spec, this.step, {
        provisional: (status, response) => {
          if (branch.state === 'ringing' && this.state === 'ringing')
            this.options.onProvisional(status, response, spec);
        },
        answered: (response) => this.branchAnswered(branch, response),
        failed: (status, response, contacts) => {
          if (branch.state === 'ringing') branch.responded = response !== undefined;
          this.branchFailed(branch, status, contacts);
        },
      });
      if (branch.handle.callId !== undefined) leg.sipCallId = branch.handle.callId;
    } catch (err) {
      // A leg that cannot even start fails its branch like an unreachable one (503), never the call.
      this.options.onError?.(err);
      this.branchFailed(branch, 503, undefined);
    }
  }

  private branchAnswered(branch: Branch<R>, response: R): void {
    if (branch.state !== 'ringing' || this.state !== 'ringing') return;
    branch.state = 'done';
    branch.leg.answered = true;
    branch.leg.status = 200;
    this.state = 'ended';
    for (const g of this.groups) g.timer?.cancel();
    this.cancelAll('completed-elsewhere');
    this.options.onEnd({ kind: 'answered', targetKey: branch.group.key, response, leg: branch.leg });
  }

  private branchFailed(branch: Branch<R>, status: number, contacts: readonly string[] | undefined): void {
    if (branch.state !== 'ringing' || this.state !== 'ringing') return;
    branch.state = 'done';
    branch.leg.status = status;
    branch.leg.endedAt = this.options.clock.now();
    const group = branch.group;
    if (status >= 300 && status < 400 && contacts && contacts.length > 0) {
      if (this.options.followRedirects && group.redirects < this.options.maxRedirects) {
        group.redirects += 1;
        for (const uri of contacts) this.launch(group, { targetKey: group.key, uri });
        this.checkGroup(group);
        return;
      }
    }
    this.noteStatus(status, contacts);
    if (status >= 600) {
      // §16.7 step 6: a 6xx ends the search (the whole fork in a parallel step, the target in a
      // sequential one, as the plugin SDK's simulatePlan does).
      group.outcome = 'declined';
      group.timer?.cancel();
      for (const b of group.branches) this.cancelBranch(b, 'declined-elsewhere');
      if (this.step.mode === 'parallel') this.finishFailed();
      else this.checkDone();
      return;
    }
    this.checkGroup(group);
  }

  private noteStatus(status: number, contacts: readonly string[] | undefined): void {
    if (betterResponse(this.bestStatus, status)) {
      this.bestStatus = status;
      this.bestContacts = status >= 300 && status < 400 ? contacts : undefined;
    }
  }

  private groupTimedOut(group: TargetGroup<R>): void {
    if (this.state !== 'ringing' || group.outcome !== undefined) return;
    group.outcome = 'no-answer';
    this.noteStatus(408, undefined);
    for (const b of group.branches) this.cancelBranch(b, 'timeout');
    this.checkDone();
  }

  private checkGroup(group: TargetGroup<R>): void {
    if (group.outcome !== undefined || this.launching || this.state !== 'ringing') return;
    const live = group.branches.filter((b) => b.state === 'ringing');
    if (live.length > 0) return;
    group.timer?.cancel();
    const outcomes = group.branches.map((b) => outcomeOfStatus(b.leg.status ?? 480));
    group.outcome = combineFailures(outcomes);
    group.carrierFailed = group.branches.every((b) =>
      isCarrierFailure(b.leg.status ?? 408, b.responded === true),
    );
    this.checkDone();
  }

  private checkDone(): void {
    if (this.state !== 'ringing' || this.launching) return;
    if (this.groups.some((g) => g.outcome === undefined)) return;
    if (this.step.mode !== 'sequential') return this.finishFailed();
    // failover 'carrier' (trunk failover): only a route failure moves on to the next target.
    const last = this.groups[this.groups.length - 1];
    if (this.step.failover === 'carrier' && last && last.carrierFailed !== true) return this.finishFailed();
    this.startNextSequential();
  }

  private finishFailed(): void {
    if (this.state === 'ended') return;
    this.state = 'ended';
    for (const g of this.groups) g.timer?.cancel();
    this.cancelAll('declined-elsewhere');
    const outcomes = this.groups.map((g) => g.outcome ?? 'no-answer');
    this.options.onEnd({
      kind: 'failed',
      outcome: combineFailures(outcomes),
      bestStatus: this.bestStatus,
      redirectContacts: this.bestContacts,
    });
  }

  private cancelAll(cause: CancelCause): void {
    for (const g of this.groups) {
      g.timer?.cancel();
      for (const b of g.branches) this.cancelBranch(b, cause);
    }
  }

  private cancelBranch(branch: Branch<R>, cause: CancelCause): void {
    if (branch.state !== 'ringing') return;
    branch.state = 'done';
    branch.leg.endedAt = this.options.clock.now();
    branch.leg.status ??= 487;
    branch.handle?.cancel(cause);
  }
}
