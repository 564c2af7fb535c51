import type { RingGroupInfo, RoutingPlan } from '@switchboard/plugin-sdk';
import { routeCall, testCall, type TestWorld } from '@switchboard/plugin-sdk/testkit';
import type { CallContext } from '@switchboard/plugin-sdk';
import plugin from '../src/index.js';

export const group = (over: Partial<RingGroupInfo> & { number: string }): RingGroupInfo => ({
  name: `Group ${over.number}`,
  enabled: true,
  strategy: 'ringall',
  ringTimeSeconds: 30,
  memberRingSeconds: 10,
  members: [{ extension: '201' }, { extension: '202' }, { extension: '203' }],
  fallback: { kind: 'none' },
  ...over,
});

/**
 * 201–204 registered and free; 205 at its one-call limit; 206 not registered; 207 disabled;
 * 210 is the operator extension used as a fallback.
 */
export function world(groups: readonly RingGroupInfo[], over: Partial<TestWorld> = {}): TestWorld {
  return {
    extensions: [
      { number: '201', hasVoicemail: true },
      { number: '202' },
      { number: '203' },
      { number: '204' },
      { number: '205', maxConcurrentCalls: 1 },
      { number: '206' },
      { number: '207', enabled: false },
      { number: '210' },
    ],
    registrations: {
      '201': ['sip:201@10.0.0.1'],
      '202': ['sip:202@10.0.0.2'],
      '203': ['sip:203@10.0.0.3'],
      '204': ['sip:204@10.0.0.4'],
      '205': ['sip:205@10.0.0.5'],
      '207': ['sip:207@10.0.0.7'],
      '210': ['sip:210@10.0.0.10'],
    },
    activeCalls: { '205': 1 },
    ringGroups: groups,
    ...over,
  };
}

export async function planFor(
  destination: string,
  w: TestWorld,
  options: { config?: object; call?: Partial<CallContext>; p?: typeof plugin } = {},
): Promise<RoutingPlan> {
  const r = await routeCall(options.p ?? plugin, testCall(destination, options.call), {
    world: w,
    config: options.config ?? {},
  });
  if (r.pass) throw new Error(`expected a plan for ${destination}`);
  return r.plan;
}
