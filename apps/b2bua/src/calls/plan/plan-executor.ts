import {
  firstMove,
  moveAfterFailure,
  type CallAttempt,
  type DialStep,
  type FailureOutcome,
  type PlanMove,
  type RoutingPlan,
} from '@switchboard/plugin-sdk';
import type { Clock } from '@switchboard/transactions';
import type { BranchLauncher, BranchSpec, CancelCause, LegRecord, TargetExpander } from './branch-types.js';
import { DialStepRun, type StepEnd } from './dial-step-run.js';

/** How a plan ended for the caller (everything but an answer is a final non-2xx or a reroute). */
export type PlanEnd =
  | { readonly kind: 'voicemail'; readonly mailbox: string }
  | { readonly kind: 'conference'; readonly room: string }
  | { readonly kind: 'menu'; readonly menu: string }
  | { readonly kind: 'redirect'; readonly status: number; readonly contacts: readonly string[] }
  | { readonly kind: 'reject'; readonly status: number; readonly reason: string }
  | { readonly kind: 'reroute'; readonly destination?: string; readonly attempt: CallAttempt };

export interface PlanExecutorListener<R> {
  /** A 1xx (other than 100) from a branch: relay it (180, 183 with early media). */
  provisional(status: number, response: R, spec: BranchSpec): void;
  /** The first 2xx: every other branch has been cancelled. */
  answered(response: R, targetKey: string, step: DialStep): void;
  finished(end: PlanEnd): void;
}

export interface PlanExecutorOptions<R> {
  readonly clock: Clock;
  readonly launcher: BranchLauncher<R>;
  readonly expander: TargetExpander;
  readonly pluginId: string;
  readonly destination: string;
  readonly followRedirects?: boolean;
  readonly maxRedirects?: number;
  /** A failure inside a step that is not a SIP answer (a bug, a thrown error): for the owner's log. */
  readonly onError?: (err: unknown) => void;
}

/**
 * Runs a routing plan: the control flow (which step next, what a failure leads to) is the plugin
 * SDK's `firstMove`/`moveAfterFailure`, so the PBX does what a plugin's simulatePlan test shows.
 * States: idle → dialling (one DialStepRun at a time) → answered | finished | cancelled.
 */
export class PlanExecutor<R> {
  private state: 'idle' | 'dialling' | 'answered' | 'finished' | 'cancelled' = 'idle';
  private current: DialStepRun<R> | undefined;
  private readonly tried: string[] = [];
  /** Every leg started, for the call record. */
  readonly legs: LegRecord[] = [];
  private lastOutcome: FailureOutcome = 'unavailable';

  constructor(
    private readonly plan: RoutingPlan,
    private readonly options: PlanExecutorOptions<R>,
    private readonly listener: PlanExecutorListener<R>,
  ) {}

  get status(): string {
    return this.state;
  }

  start(): void {
    if (this.state !== 'idle') return;
    this.state = 'dialling';
    this.follow(firstMove(this.plan));
  }

  /**
   * The caller cancelled (or the call is being torn down): every branch gets CANCEL. `completed-elsewhere`:
   * another phone picked the call up (the CANCELs carry the RFC 3326 Reason).
   */
  cancel(cause: CancelCause = 'caller-cancelled'): void {
    if (this.state !== 'dialling' && this.state !== 'idle') return;
    this.state = 'cancelled';
    this.current?.abort(cause);
  }

  private follow(move: PlanMove): void {
    if (this.state !== 'dialling') return;
    if (move.kind === 'step') {
      if (move.step.type !== 'dial') return this.end({ kind: 'reject', status: 500, reason: 'Bad Plan' });
      this.runStep(move.index, move.step);
      return;
    }
    switch (move.kind) {
      case 'voicemail':
        return this.end({ kind: 'voicemail', mailbox: move.mailbox });
      case 'conference':
        return this.end({ kind: 'conference', room: move.room });
      case 'menu':
        return this.end({ kind: 'menu', menu: move.menu });
      case 'redirect':
        return this.end({ kind: 'redirect', status: move.status, contacts: move.contacts });
      case 'reject':
        return this.end({ kind: 'reject', status: move.status, reason: move.reason });
      case 'reroute':
        return this.end({
          kind: 'reroute',
          ...(move.destination === undefined ? {} : { destination: move.destination }),
          attempt: {
            pluginId: this.options.pluginId,
            destination: this.options.destination,
            outcome: this.lastOutcome,
            tried: [...this.tried],
          },
        });
    }
  }

  private runStep(index: number, step: DialStep): void {
    const run: DialStepRun<R> = new DialStepRun<R>(step, {
      clock: this.options.clock,
      launcher: this.options.launcher,
      expander: this.options.expander,
      // The plan's choice (plugin-sdk `onCalleeRedirect`), follow by default (§16.5).
      followRedirects: this.options.followRedirects ?? this.plan.onCalleeRedirect !== 'relay',
      maxRedirects: this.options.maxRedirects ?? 3,
      legs: this.legs,
      onProvisional: (status, response, spec) => {
        if (this.state === 'dialling') this.listener.provisional(status, response, spec);
      },
      onEnd: (end) => this.stepEnded(index, step, run, end),
      ...(this.options.onError ? { onError: this.options.onError } : {}),
    });
    this.current = run;
    run.start();
  }

  private stepEnded(index: number, step: DialStep, run: DialStepRun<R>, end: StepEnd<R>): void {
    if (this.state !== 'dialling') return;
    this.tried.push(...run.tried);
    if (end.kind === 'answered') {
      this.state = 'answered';
      this.listener.answered(end.response, end.targetKey, step);
      return;
    }
    this.lastOutcome = end.outcome;
    // A callee's 3xx that was not followed and is the best answer is relayed (§16.7 step 6).
    if (end.redirectContacts && end.bestStatus !== undefined && end.bestStatus < 400) {
      return this.end({ kind: 'redirect', status: end.bestStatus, contacts: end.redirectContacts });
    }
    this.follow(moveAfterFailure(this.plan, index, end.outcome));
  }

  private end(end: PlanEnd): void {
    if (this.state !== 'dialling') return;
    this.state = 'finished';
    this.listener.finished(end);
  }
}
