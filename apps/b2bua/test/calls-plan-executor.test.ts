import {
  parseRoutingPlan,
  type DialStep,
  type DialTarget,
  type RoutingPlanInput,
} from '@switchboard/plugin-sdk';
import { simulatePlan } from '@switchboard/plugin-sdk/testkit';
import { FakeClock } from '@switchboard/transactions';
import { describe, expect, it } from 'vitest';
import type {
  BranchHandle,
  BranchLauncher,
  BranchListener,
  BranchSpec,
  CancelCause,
  TargetExpander,
} from '../src/calls/plan/branch-types.js';
import { PlanExecutor, type PlanEnd } from '../src/calls/plan/plan-executor.js';
import { betterResponse, outcomeOfStatus } from '../src/calls/plan/response-selection.js';

/** A scripted callee: what it answers and when (ms after its INVITE). */
type Script = { at: number; status: number; contacts?: string[] }[];

class ScriptedLeg implements BranchHandle {
  cancelled: CancelCause | undefined;
  readonly startedAt: number;
  constructor(
    readonly spec: BranchSpec,
    private readonly listener: BranchListener<number>,
    clock: FakeClock,
    script: Script,
  ) {
    this.startedAt = clock.now();
    for (const s of script) {
      clock.schedule(s.at, () => {
        if (this.cancelled) return;
        if (s.status < 200) listener.provisional(s.status, s.status);
        else if (s.status < 300) listener.answered(s.status);
        else listener.failed(s.status, s.status, s.contacts);
      });
    }
  }
  cancel(cause: CancelCause): void {
    this.cancelled = cause;
  }
}

class World implements BranchLauncher<number>, TargetExpander {
  readonly clock = new FakeClock();
  readonly legs: ScriptedLeg[] = [];
  /** Registered contacts per extension. */
  contacts: Record<string, string[]> = {};
  scripts: Record<string, Script> = {};
  unusableTrunks = new Set<string>();

  expand(target: DialTarget): Promise<readonly BranchSpec[]> {
    if (target.kind === 'extension') {
      const list = this.contacts[target.extension] ?? [`sip:${target.extension}@phone`];
      return Promise.resolve(list.map((uri) => ({ targetKey: target.extension, uri })));
    }
    if (target.kind === 'trunk') {
      // A trunk at its limit (or disabled) has no branch: unavailable at once.
      if (this.unusableTrunks.has(target.trunk)) return Promise.resolve([]);
      const key = `trunk:${target.trunk}:${target.number}`;
      return Promise.resolve([{ targetKey: key, uri: `sip:${target.number}@${target.trunk}` }]);
    }
    const uri = target.kind === 'aor' ? target.aor : target.uri;
    return Promise.resolve([{ targetKey: uri, uri }]);
  }

  launch(spec: BranchSpec, _step: DialStep, listener: BranchListener<number>): BranchHandle {
    const leg = new ScriptedLeg(spec, listener, this.clock, this.scripts[spec.uri] ?? []);
    this.legs.push(leg);
    return leg;
  }

  leg(uri: string): ScriptedLeg {
    const leg = this.legs.find((l) => l.spec.uri === uri);
    if (!leg) throw new Error(`no leg for ${uri}`);
    return leg;
  }
}

interface Run {
  events: string[];
  end?: PlanEnd;
  answered?: string;
  executor: PlanExecutor<number>;
}

async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

async function run(world: World, input: RoutingPlanInput, ms: number): Promise<Run> {
  const plan = parseRoutingPlan(input);
  const out: Run = { events: [], executor: undefined as unknown as PlanExecutor<number> };
  out.executor = new PlanExecutor<number>(
    plan,
    { clock: world.clock, launcher: world, expander: world, pluginId: 'test', destination: '600' },
    {
      provisional: (status, _r, spec) => out.events.push(`${world.clock.now()} ${status} ${spec.uri}`),
      answered: (_r, key) => {
        out.answered = key;
        out.events.push(`${world.clock.now()} answered ${key}`);
      },
      finished: (end) => {
        out.end = end;
        out.events.push(`${world.clock.now()} finished ${end.kind}`);
      },
    },
  );
  out.executor.start();
  // Advance in 1 s ticks, letting contact lookups (promises) settle in between.
  for (let t = 0; t <= ms; t += 1000) {
    await flush();
    world.clock.advance(1000);
  }
  await flush();
  return out;
}

const ext = (extension: string): { kind: 'extension'; extension: string } => ({
  kind: 'extension',
  extension,
});

describe('response selection (RFC 3261 §16.7)', () => {
  it('prefers 6xx, then the lowest class, then a definite answer over 408/503', () => {
    expect(betterResponse(undefined, 503)).toBe(true);
    expect(betterResponse(486, 603)).toBe(true);
    expect(betterResponse(603, 302)).toBe(false);
    expect(betterResponse(503, 486)).toBe(true);
    expect(betterResponse(486, 408)).toBe(false);
    expect(betterResponse(480, 302)).toBe(true);
    expect(outcomeOfStatus(486)).toBe('busy');
    expect(outcomeOfStatus(600)).toBe('busy');
    expect(outcomeOfStatus(603)).toBe('declined');
    expect(outcomeOfStatus(408)).toBe('no-answer');
    expect(outcomeOfStatus(404)).toBe('unavailable');
  });
});

describe('PlanExecutor on FakeClock with scripted legs', () => {
  it('parallel fork: first 2xx wins, the other branch is cancelled as completed elsewhere', async () => {
    const w = new World();
    w.contacts['201'] = ['sip:201@desk', 'sip:201@soft'];
    w.scripts['sip:201@desk'] = [{ at: 0, status: 180 }];
    w.scripts['sip:201@soft'] = [
      { at: 0, status: 180 },
      { at: 3000, status: 200 },
    ];
    const r = await run(
      w,
      { steps: [{ type: 'dial', mode: 'parallel', targets: [ext('201')], ringTimeoutSeconds: 20 }] },
      5000,
    );
    expect(r.answered).toBe('201');
    expect(r.end).toBeUndefined();
    expect(w.leg('sip:201@desk').cancelled).toBe('completed-elsewhere');
    expect(w.leg('sip:201@soft').cancelled).toBeUndefined();
    expect(r.events.filter((e) => e.includes(' 180 '))).toHaveLength(2);
    expect(r.executor.legs.map((l) => [l.uri, l.answered, l.status])).toEqual([
      ['sip:201@desk', false, 487],
      ['sip:201@soft', true, 200],
    ]);
  });

  it('parallel fork: a 6xx ends the search and cancels the ringing branches', async () => {
    const w = new World();
    w.scripts['sip:201@phone'] = [{ at: 0, status: 180 }];
    w.scripts['sip:202@phone'] = [{ at: 2000, status: 603 }];
    const r = await run(
      w,
      {
        steps: [
          { type: 'dial', mode: 'parallel', targets: [ext('201'), ext('202')], ringTimeoutSeconds: 20 },
        ],
      },
      4000,
    );
    expect(r.end).toEqual({ kind: 'reject', status: 603, reason: 'Decline' });
    expect(w.leg('sip:201@phone').cancelled).toBe('declined-elsewhere');
    expect(r.events.at(-1)).toBe('2000 finished reject');
  });

  it('no answer: ring timeout cancels, onFailure no-answer leads to the next step', async () => {
    const w = new World();
    w.scripts['sip:202@phone'] = [{ at: 1000, status: 200 }];
    const r = await run(
      w,
      {
        steps: [
          { type: 'dial', mode: 'parallel', targets: [ext('201')], ringTimeoutSeconds: 5 },
          { type: 'dial', mode: 'parallel', targets: [ext('202')], ringTimeoutSeconds: 5 },
        ],
      },
      10_000,
    );
    expect(w.leg('sip:201@phone').cancelled).toBe('timeout');
    expect(w.leg('sip:202@phone').startedAt).toBe(5000);
    expect(r.answered).toBe('202');
    expect(r.events).toContain('6000 answered 202');
  });

  it('busy then no step left: 486 to the caller; busy mapped through onFailure to a redirect', async () => {
    const w = new World();
    w.scripts['sip:201@phone'] = [{ at: 0, status: 486 }];
    const plain = await run(
      w,
      { steps: [{ type: 'dial', mode: 'parallel', targets: [ext('201')], ringTimeoutSeconds: 5 }] },
      2000,
    );
    expect(plain.end).toEqual({ kind: 'reject', status: 486, reason: 'Busy Here' });

    const w2 = new World();
    w2.scripts['sip:201@phone'] = [{ at: 0, status: 486 }];
    const redirected = await run(
      w2,
      {
        steps: [
          {
            type: 'dial',
            mode: 'parallel',
            targets: [ext('201')],
            ringTimeoutSeconds: 5,
            onFailure: { busy: { type: 'redirect', contacts: ['sip:201@elsewhere.test'] } },
          },
        ],
      },
      2000,
    );
    expect(redirected.end).toEqual({ kind: 'redirect', status: 302, contacts: ['sip:201@elsewhere.test'] });
  });

  it('sequential targets with per-target ring time', async () => {
    const w = new World();
    w.scripts['sip:203@phone'] = [{ at: 500, status: 200 }];
    const r = await run(
      w,
      {
        steps: [
          {
            type: 'dial',
            mode: 'sequential',
            targets: [{ ...ext('201'), ringTimeoutSeconds: 2 }, ext('202'), ext('203')],
            ringTimeoutSeconds: 4,
          },
        ],
      },
      10_000,
    );
    expect(w.legs.map((l) => [l.spec.uri, l.startedAt])).toEqual([
      ['sip:201@phone', 0],
      ['sip:202@phone', 2000],
      ['sip:203@phone', 6000],
    ]);
    expect(r.answered).toBe('203');
  });

  it('an extension without registrations fails at once as unavailable (480)', async () => {
    const w = new World();
    w.contacts['201'] = [];
    const r = await run(
      w,
      { steps: [{ type: 'dial', mode: 'parallel', targets: [ext('201')], ringTimeoutSeconds: 5 }] },
      1000,
    );
    expect(r.end).toEqual({ kind: 'reject', status: 480, reason: 'Temporarily Unavailable' });
    expect(r.events[0]).toBe('0 finished reject');
  });

  it('a callee 3xx is followed (its contact rings in the same target)', async () => {
    const w = new World();
    w.scripts['sip:201@phone'] = [{ at: 0, status: 302, contacts: ['sip:201@mobile'] }];
    w.scripts['sip:201@mobile'] = [{ at: 1000, status: 200 }];
    const r = await run(
      w,
      { steps: [{ type: 'dial', mode: 'parallel', targets: [ext('201')], ringTimeoutSeconds: 5 }] },
      3000,
    );
    expect(r.answered).toBe('201');
    expect(w.legs.map((l) => l.spec.uri)).toEqual(['sip:201@phone', 'sip:201@mobile']);
  });

  it("onCalleeRedirect 'relay': the callee's 3xx and its contacts go to the caller, nothing else rings", async () => {
    const w = new World();
    w.scripts['sip:201@phone'] = [{ at: 0, status: 302, contacts: ['sip:201@mobile', 'sip:201@home'] }];
    w.scripts['sip:201@mobile'] = [{ at: 0, status: 200 }];
    const r = await run(
      w,
      {
        onCalleeRedirect: 'relay',
        steps: [{ type: 'dial', mode: 'parallel', targets: [ext('201')], ringTimeoutSeconds: 5 }],
      },
      3000,
    );
    expect(r.answered).toBeUndefined();
    expect(r.end).toEqual({ kind: 'redirect', status: 302, contacts: ['sip:201@mobile', 'sip:201@home'] });
    expect(w.legs.map((l) => l.spec.uri)).toEqual(['sip:201@phone']);
  });

  it("onCalleeRedirect 'relay' in a fork: a 2xx from another branch still wins over the 3xx", async () => {
    const w = new World();
    w.contacts['201'] = ['sip:201@desk', 'sip:201@soft'];
    w.scripts['sip:201@desk'] = [{ at: 0, status: 302, contacts: ['sip:201@elsewhere'] }];
    w.scripts['sip:201@soft'] = [{ at: 2000, status: 200 }];
    const r = await run(
      w,
      {
        onCalleeRedirect: 'relay',
        steps: [{ type: 'dial', mode: 'parallel', targets: [ext('201')], ringTimeoutSeconds: 5 }],
      },
      3000,
    );
    expect(r.answered).toBe('201');
    expect(r.end).toBeUndefined();
  });

  it('voicemail and reroute moves end the plan with what the call layer needs', async () => {
    const w = new World();
    const vm = await run(w, { steps: [{ type: 'voicemail', mailbox: '201' }] }, 0);
    expect(vm.end).toEqual({ kind: 'voicemail', mailbox: '201' });
    const w2 = new World();
    w2.scripts['sip:201@phone'] = [{ at: 0, status: 486 }];
    const rr = await run(
      w2,
      {
        steps: [
          {
            type: 'dial',
            mode: 'parallel',
            targets: [ext('201')],
            ringTimeoutSeconds: 5,
            onFailure: { busy: { type: 'reroute', destination: '700' } },
          },
        ],
      },
      1000,
    );
    expect(rr.end).toEqual({
      kind: 'reroute',
      destination: '700',
      attempt: { pluginId: 'test', destination: '600', outcome: 'busy', tried: ['201'] },
    });
  });

  it('caller CANCEL while ringing cancels every branch and reports nothing more', async () => {
    const w = new World();
    w.scripts['sip:201@phone'] = [{ at: 5000, status: 200 }];
    const plan = parseRoutingPlan({
      steps: [{ type: 'dial', mode: 'parallel', targets: [ext('201')], ringTimeoutSeconds: 20 }],
    });
    const seen: string[] = [];
    const ex = new PlanExecutor<number>(
      plan,
      { clock: w.clock, launcher: w, expander: w, pluginId: 'p', destination: '201' },
      {
        provisional: () => seen.push('1xx'),
        answered: () => seen.push('answered'),
        finished: () => seen.push('end'),
      },
    );
    ex.start();
    await flush();
    w.clock.advance(1000);
    ex.cancel();
    w.clock.advance(10_000);
    expect(w.leg('sip:201@phone').cancelled).toBe('caller-cancelled');
    expect(seen).toEqual([]);
    expect(ex.status).toBe('cancelled');
    expect(w.clock.pending()).toBe(0);
  });

  it("failover 'carrier': the next trunk after a 503, a silent trunk (408) or an unusable one, not after 404 or 486", async () => {
    const trunkPlan = (trunks: string[]): RoutingPlanInput => ({
      steps: [
        {
          type: 'dial',
          mode: 'sequential',
          failover: 'carrier',
          ringTimeoutSeconds: 60,
          targets: trunks.map((trunk) => ({ kind: 'trunk' as const, trunk, number: '+4930123' })),
        },
      ],
    });
    const answered = async (first: Script | 'unusable', expected: string | undefined): Promise<void> => {
      const w = new World();
      if (first === 'unusable') w.unusableTrunks.add('a');
      else w.scripts['sip:+4930123@a'] = first;
      w.scripts['sip:+4930123@b'] = [{ at: 1000, status: 200 }];
      const r = await run(w, trunkPlan(['a', 'b']), 5000);
      expect(r.answered).toBe(expected);
    };
    await answered([{ at: 0, status: 503 }], 'trunk:b:+4930123');
    await answered('unusable', 'trunk:b:+4930123');
    await answered([{ at: 0, status: 404 }], undefined);
    await answered([{ at: 0, status: 486 }], undefined);
    await answered([{ at: 0, status: 603 }], undefined);
    // No response at all: the leg reports 408 without a response (Timer B), like a dead provider.
    const w = new World();
    const r = await runWithSilentFirst(w, trunkPlan(['a', 'b']));
    expect(r).toBe('trunk:b:+4930123');
  });

  it('agrees with the plugin SDK simulatePlan on a mixed plan', async () => {
    const input: RoutingPlanInput = {
      steps: [
        { type: 'dial', mode: 'parallel', targets: [ext('201'), ext('202')], ringTimeoutSeconds: 10 },
        { type: 'dial', mode: 'sequential', targets: [ext('203'), ext('204')], ringTimeoutSeconds: 5 },
      ],
      otherwise: { type: 'voicemail', mailbox: '201' },
    };
    const sim = simulatePlan(parseRoutingPlan(input), {
      '201': 'busy',
      '202': 'no-answer',
      '203': 'decline',
    });
    const w = new World();
    w.scripts['sip:201@phone'] = [{ at: 0, status: 486 }];
    w.scripts['sip:203@phone'] = [{ at: 0, status: 603 }];
    const r = await run(w, input, 30_000);
    expect(sim.result).toEqual({ kind: 'voicemail', mailbox: '201' });
    expect(r.end).toEqual(sim.result);
    expect(w.legs.map((l) => l.spec.targetKey)).toEqual(['201', '202', '203', '204']);
  });
});

/** Trunk `a` never answers: its leg reports 408 with no response (Timer B), then `b` answers. */
async function runWithSilentFirst(w: World, input: RoutingPlanInput): Promise<string | undefined> {
  let answered: string | undefined;
  const launcher: BranchLauncher<number> = {
    launch: (spec, step, listener) => {
      if (spec.uri === 'sip:+4930123@a') {
        w.clock.schedule(32_000, () => listener.failed(408, undefined));
        return { cancel: () => undefined };
      }
      return w.launch(spec, step, listener);
    },
  };
  w.scripts['sip:+4930123@b'] = [{ at: 1000, status: 200 }];
  const executor = new PlanExecutor<number>(
    parseRoutingPlan(input),
    { clock: w.clock, launcher, expander: w, pluginId: 'test', destination: '9' },
    { provisional: () => undefined, answered: (_r, key) => (answered = key), finished: () => undefined },
  );
  executor.start();
  for (let t = 0; t <= 40_000; t += 1000) {
    await flush();
    w.clock.advance(1000);
  }
  return answered;
}
