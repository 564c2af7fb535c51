import { describe, expect, it } from 'vitest';
import { InvalidPlanError, parseRoutingPlan } from '../src/index.js';

function issuesOf(value: unknown): readonly string[] {
  try {
    parseRoutingPlan(value, 'demo');
  } catch (err) {
    if (err instanceof InvalidPlanError) return err.issues;
    throw err;
  }
  throw new Error('expected InvalidPlanError');
}

describe('routing plan schema', () => {
  it('takes onCalleeRedirect follow or relay, absent by default, and names a wrong value', () => {
    const steps = [{ type: 'reject', status: 486 }];
    expect(parseRoutingPlan({ steps }).onCalleeRedirect).toBeUndefined();
    expect(parseRoutingPlan({ steps, onCalleeRedirect: 'relay' }).onCalleeRedirect).toBe('relay');
    expect(parseRoutingPlan({ steps, onCalleeRedirect: 'follow' }).onCalleeRedirect).toBe('follow');
    expect(issuesOf({ steps, onCalleeRedirect: 'bounce' })).toEqual([
      'onCalleeRedirect: Invalid option: expected one of "follow"|"relay"',
    ]);
  });

  it('accepts a parallel dial with failure actions and fills defaults', () => {
    const plan = parseRoutingPlan({
      steps: [
        {
          type: 'dial',
          mode: 'parallel',
          targets: [
            { kind: 'extension', extension: '201' },
            { kind: 'uri', uri: 'sip:bob@example.com' },
          ],
          ringTimeoutSeconds: 20,
          onFailure: {
            busy: { type: 'voicemail', mailbox: '201' },
            declined: { type: 'redirect', contacts: ['sip:x@y'] },
          },
        },
      ],
    });
    expect(plan.steps).toHaveLength(1);
    const step = plan.steps[0];
    expect(step?.type === 'dial' && step.onFailure?.declined).toEqual({
      type: 'redirect',
      contacts: ['sip:x@y'],
      status: 302,
    });
  });

  it('names the path of each problem', () => {
    expect(issuesOf({ steps: [] })).toEqual(['steps: needs at least one step']);
    expect(
      issuesOf({ steps: [{ type: 'dial', mode: 'parallel', targets: [], ringTimeoutSeconds: 0 }] }),
    ).toEqual([
      'steps.0.targets: needs at least one target',
      'steps.0.ringTimeoutSeconds: must be at least 1 second',
    ]);
    expect(issuesOf({ steps: [{ type: 'reject', status: 200 }] })).toEqual([
      'steps.0.status: must be a 4xx-6xx status',
    ]);
  });

  it('refuses URIs that could smuggle header text', () => {
    const [issue] = issuesOf({
      steps: [{ type: 'redirect', contacts: ['sip:a@b>\r\nX-Evil: 1'] }],
    });
    expect(issue).toMatch(/^steps\.0\.contacts\.0: must be a sip:, sips: or tel: URI/);
  });

  it('refuses extension numbers with letters', () => {
    expect(issuesOf({ steps: [{ type: 'voicemail', mailbox: 'abc' }] })).toEqual([
      'steps.0.mailbox: must be 1-32 characters of 0-9, *, # or +',
    ]);
  });

  it('a menu step names its menu by id', () => {
    expect(issuesOf({ steps: [{ type: 'menu', menu: '8000' }] })).toEqual([
      'steps.0.menu: must be a menu id (uuid)',
    ]);
  });

  it('error message names the plugin', () => {
    expect(() => parseRoutingPlan({}, 'ring-group')).toThrow(
      /plugin "ring-group" returned an invalid routing plan/,
    );
  });
});
