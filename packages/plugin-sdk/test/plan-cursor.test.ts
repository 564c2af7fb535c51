import { describe, expect, it } from 'vitest';
import { firstMove, moveAfterFailure, parseRoutingPlan, type RoutingPlanInput } from '../src/index.js';

const dial = (ext: string, extra: object = {}) => ({
  type: 'dial' as const,
  mode: 'parallel' as const,
  targets: [{ kind: 'extension' as const, extension: ext }],
  ringTimeoutSeconds: 15,
  ...extra,
});

const plan = (p: RoutingPlanInput) => parseRoutingPlan(p);

describe('plan cursor', () => {
  it('starts at the first dial step', () => {
    expect(firstMove(plan({ steps: [dial('201')] }))).toMatchObject({ kind: 'step', index: 0 });
  });

  it('a terminal first step is the final move', () => {
    expect(firstMove(plan({ steps: [{ type: 'voicemail', mailbox: '201' }] }))).toEqual({
      kind: 'voicemail',
      mailbox: '201',
    });
  });

  it('a menu step or action answers with that auto-attendant menu', () => {
    const id = '6f1c1a52-8d3e-4a5b-9b7c-0d2e4f6a8b1c';
    expect(firstMove(plan({ steps: [{ type: 'menu', menu: id }] }))).toEqual({ kind: 'menu', menu: id });
    const p = plan({ steps: [dial('201', { onFailure: { 'no-answer': { type: 'menu', menu: id } } })] });
    expect(moveAfterFailure(p, 0, 'no-answer')).toEqual({ kind: 'menu', menu: id });
    expect(moveAfterFailure(p, 0, 'busy')).toMatchObject({ kind: 'reject', status: 486 });
  });

  it('a reroute step asks the chain again, with or without a new destination', () => {
    expect(firstMove(plan({ steps: [{ type: 'reroute', destination: '201' }] }))).toEqual({
      kind: 'reroute',
      destination: '201',
    });
    const p = plan({ steps: [dial('201'), { type: 'reroute' }] });
    expect(moveAfterFailure(p, 0, 'no-answer')).toEqual({ kind: 'reroute' });
  });

  it('goes to the next step by default, then to a voicemail step', () => {
    const p = plan({ steps: [dial('201'), dial('202'), { type: 'voicemail', mailbox: '201' }] });
    expect(moveAfterFailure(p, 0, 'no-answer')).toMatchObject({ kind: 'step', index: 1 });
    expect(moveAfterFailure(p, 1, 'busy')).toEqual({ kind: 'voicemail', mailbox: '201' });
  });

  it('follows the action configured for the outcome', () => {
    const p = plan({
      steps: [
        dial('201', {
          onFailure: {
            declined: { type: 'voicemail', mailbox: '201' },
            busy: { type: 'reject', status: 486 },
          },
        }),
        dial('202'),
      ],
    });
    expect(moveAfterFailure(p, 0, 'declined')).toEqual({ kind: 'voicemail', mailbox: '201' });
    expect(moveAfterFailure(p, 0, 'busy')).toEqual({ kind: 'reject', status: 486, reason: 'Busy Here' });
    expect(moveAfterFailure(p, 0, 'no-answer')).toMatchObject({ kind: 'step', index: 1 });
  });

  it('after the last step: `otherwise`, or the status that fits the last failure', () => {
    expect(moveAfterFailure(plan({ steps: [dial('201')] }), 0, 'busy')).toEqual({
      kind: 'reject',
      status: 486,
      reason: 'Busy Here',
    });
    expect(moveAfterFailure(plan({ steps: [dial('201')] }), 0, 'no-answer')).toEqual({
      kind: 'reject',
      status: 480,
      reason: 'Temporarily Unavailable',
    });
    expect(moveAfterFailure(plan({ steps: [dial('201')] }), 0, 'declined')).toEqual({
      kind: 'reject',
      status: 603,
      reason: 'Decline',
    });
    expect(
      moveAfterFailure(
        plan({ steps: [dial('201')], otherwise: { type: 'reroute', destination: '600' } }),
        0,
        'busy',
      ),
    ).toEqual({ kind: 'reroute', destination: '600' });
  });
});
