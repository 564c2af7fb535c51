import { redisKeys } from '@switchboard/live-state';
import { afterAll, beforeAll, beforeEach, expect, vi } from 'vitest';
import {
  type CallsHarness,
  killAllSipp,
  startCalls,
  startSipp,
  type SignallingSeed,
} from './calls-harness.js';

export interface SippResult {
  code: number | null;
  output: string;
  /** sipp's whole message trace. */
  messages: string;
}

/**
 * A sipp started before the caller: a callee bound to the dialled extension, or (`bind: false`) another
 * party such as a proxy or a moved target. `args`: its own sipp arguments (e.g. `-key` values), or
 * built from the ports of the sipps started before it.
 */
export type CalleeScenario =
  | string
  | {
      readonly scenario: string;
      readonly args?: string[] | ((earlierPorts: number[]) => string[]);
      readonly bind?: boolean;
    };

/** sipp caller + callees against one harness, and the checks every call test makes afterwards. */
export function callRunner(h: CallsHarness, caller = '100', password = 'pw-100') {
  let testStart = new Date();
  const callerArgs = (dialled: string): string[] => [
    '-s',
    dialled,
    '-au',
    caller,
    '-ap',
    password,
    '-key',
    'domain',
    h.domain,
    '-key',
    'caller',
    caller,
  ];
  return {
    /** Marks the start of a test: records older than this are ignored. */
    reset(): void {
      testStart = new Date();
    },
    /** Starts the callee scenarios (bound to `ext`), then the caller; waits for all of them. */
    async call(
      dialled: string,
      uac: string,
      uas: CalleeScenario[] = [],
      ext = dialled,
      /** Or built from the ports of the `uas` sipps (e.g. a proxy the caller names). */
      extraCallerArgs: string[] | ((ports: number[]) => string[]) = [],
    ): Promise<{ caller: SippResult; callees: SippResult[] }> {
      const callees = [];
      for (const callee of uas) {
        const side = typeof callee === 'string' ? { scenario: callee } : callee;
        const args = typeof side.args === 'function' ? side.args(callees.map((c) => c.port)) : side.args;
        const p = await startSipp(side.scenario, args ?? []);
        if (side.bind !== false) await h.bind(ext, p.port);
        callees.push(p);
      }
      const sipp = await startSipp(
        uac,
        [
          ...callerArgs(dialled),
          ...(typeof extraCallerArgs === 'function'
            ? extraCallerArgs(callees.map((c) => c.port))
            : extraCallerArgs),
        ],
        { host: '127.0.0.1', port: h.port },
        `sip:${dialled}@${h.domain}`,
      );
      const callerResult = await sipp.done;
      if (callerResult.code !== 0) for (const c of callees) c.kill();
      const calleeResults = await Promise.all(callees.map((c) => c.done));
      return { caller: callerResult, callees: calleeResults };
    },
    /** The one call record of this test (records of earlier tests may still be arriving). */
    async onlyRecord() {
      return vi.waitFor(
        async () => {
          const rows = await h.prisma.callRecord.findMany({ where: { startedAt: { gte: testStart } } });
          if (rows.length !== 1) throw new Error(`expected one call record, found ${rows.length}`);
          return rows[0]!;
        },
        { timeout: 10_000, interval: 50 },
      );
    },
    async expectNoLiveCalls(): Promise<void> {
      await vi.waitFor(
        async () => {
          expect(await h.redis.zcard(redisKeys.calls)).toBe(0);
          expect(await h.redis.zcard(redisKeys.extensionCalls(caller))).toBe(0);
        },
        { timeout: 5000, interval: 50 },
      );
    },
  };
}

/** Once exactly `count` call records are written: all of them, oldest first. */
export async function recordsInOrder(h: CallsHarness, count: number) {
  return vi.waitFor(
    async () => {
      const rows = await h.prisma.callRecord.findMany({ orderBy: { startedAt: 'asc' } });
      if (rows.length !== count) throw new Error(`expected ${count} call records, found ${rows.length}`);
      return rows;
    },
    { timeout: 10_000, interval: 50 },
  );
}

export function expectPassed(r: SippResult): void {
  expect(r.code, r.output).toBe(0);
}

export type CallRunner = ReturnType<typeof callRunner>;

/**
 * The hooks of a sipp call test file: one harness (signalling role + routing worker) with
 * `env`, the caller 100 and the callee 201 as extensions plus what `seed` adds; before each test
 * the records are cleared and 201's bindings removed.
 */
export function callSuite(
  env: Record<string, string> = {},
  seed: SignallingSeed = () => Promise.resolve(),
): { readonly h: CallsHarness; readonly run: CallRunner } {
  let harness: CallsHarness | undefined;
  let runner: CallRunner | undefined;
  vi.setConfig({ testTimeout: 40_000 });
  beforeAll(async () => {
    harness = await startCalls(env, async (s) => {
      await s.addExtension('100', 'pw-100');
      await s.addExtension('201', 'pw-201');
      await seed(s);
    });
    runner = callRunner(harness);
  }, 60_000);
  afterAll(async () => {
    killAllSipp();
    await harness?.close();
  });
  beforeEach(async () => {
    runner!.reset();
    await harness!.prisma.callRecord.deleteMany();
    await harness!.unbindAll('201');
  });
  return {
    get h() {
      return harness!;
    },
    get run() {
      return runner!;
    },
  };
}
