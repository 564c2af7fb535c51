import { z } from 'zod';
import type { RoutingPlanInput } from './routing-plan.js';

type PlanStepInput = RoutingPlanInput['steps'][number];

const number = z.string().regex(/^[0-9*#+]{1,32}$/, 'must be 1-32 characters of 0-9, *, # or +');

/**
 * Where a routing decision sends a call (business hours open/closed, an IVR choice): the plan
 * targets an office points at. Extension, ring group and menu numbers are asked through the plugin
 * chain again (`reroute`), so their own plugins (follow-me, voicemail on no answer, the menu) apply;
 * a mailbox is answered by voicemail; a trunk number is dialled out through that trunk.
 */
export const routeDestinationSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('extension'), target: number }),
  z.strictObject({ kind: z.literal('ring_group'), target: number }),
  z.strictObject({ kind: z.literal('menu'), target: number }),
  z.strictObject({ kind: z.literal('voicemail'), target: number }),
  z.strictObject({
    kind: z.literal('trunk'),
    trunk: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'must be a trunk name'),
    target: z.string().regex(/^\+?[0-9*#]{1,32}$/, 'must be 1-32 digits (*, #), optionally after +'),
  }),
  /** Hang up with 480 (e.g. closed with nowhere to go). */
  z.strictObject({ kind: z.literal('hangup') }),
]);
export type RouteDestination = z.infer<typeof routeDestinationSchema>;

/** How long a trunk destination rings before the plan ends. */
const TRUNK_RING_SECONDS = 60;

/** The plan step that carries a call to `destination`. */
export function destinationStep(destination: RouteDestination): PlanStepInput {
  switch (destination.kind) {
    case 'extension':
    case 'ring_group':
    case 'menu':
      return { type: 'reroute', destination: destination.target };
    case 'voicemail':
      return { type: 'voicemail', mailbox: destination.target };
    case 'trunk':
      return {
        type: 'dial',
        mode: 'parallel',
        targets: [{ kind: 'trunk', trunk: destination.trunk, number: destination.target }],
        ringTimeoutSeconds: TRUNK_RING_SECONDS,
      };
    case 'hangup':
      return { type: 'reject', status: 480, reason: 'Temporarily Unavailable' };
  }
}
