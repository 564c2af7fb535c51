import { z } from 'zod';
import { dialNumberSchema, displayNameSchema } from '../extensions/extension.schemas.js';

export const ringStrategies = ['ringall', 'hunt', 'roundrobin', 'random', 'memoryhunt'] as const;
export const fallbackKinds = [
  'none',
  'extension',
  'ring_group',
  'voicemail',
  'external',
  'hangup',
  'busy',
] as const;
/** Fallbacks that end the call (480, or 486 for busy) and take no target. */
export const fallbackKindsWithoutTarget: ReadonlySet<string> = new Set(['none', 'hangup', 'busy']);

const seconds = (min: number, max: number) =>
  z
    .number({ error: 'must be a number' })
    .int('must be an integer')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

const memberSchema = z.object({
  /** Extension number. */
  extension: dialNumberSchema,
  ringSeconds: seconds(5, 300).nullable().optional(),
});

const ringGroupFields = z.object({
  number: dialNumberSchema,
  name: displayNameSchema,
  enabled: z.boolean({ error: 'must be true or false' }),
  strategy: z.enum(ringStrategies, { error: `must be one of ${ringStrategies.join(', ')}` }),
  ringTimeSeconds: seconds(5, 600),
  memberRingSeconds: seconds(5, 300),
  fallbackKind: z.enum(fallbackKinds, { error: `must be one of ${fallbackKinds.join(', ')}` }),
  fallbackTarget: z.string().trim().max(255, 'must be at most 255 characters').nullable(),
  callerIdPrefix: z.string().max(64, 'must be at most 64 characters').nullable(),
  /** Calls to the group are recorded, whichever member answers. */
  recordCalls: z.boolean({ error: 'must be true or false' }),
  members: z.array(memberSchema).max(100, 'may list at most 100 members'),
});

function checkMembersAndFallback(
  value: Partial<z.infer<typeof ringGroupFields>>,
  ctx: z.core.$RefinementCtx<Partial<z.infer<typeof ringGroupFields>>>,
): void {
  const seen = new Set<string>();
  value.members?.forEach((m, i) => {
    if (seen.has(m.extension)) {
      ctx.addIssue({
        code: 'custom',
        path: ['members', i, 'extension'],
        message: `extension ${m.extension} is listed twice`,
      });
    }
    seen.add(m.extension);
  });
  const kind = value.fallbackKind;
  if (kind && !fallbackKindsWithoutTarget.has(kind) && !value.fallbackTarget) {
    ctx.addIssue({
      code: 'custom',
      path: ['fallbackTarget'],
      message: `is required when fallbackKind is ${kind}`,
    });
  }
}

export const createRingGroupSchema = ringGroupFields
  .extend({
    enabled: ringGroupFields.shape.enabled.default(true),
    strategy: ringGroupFields.shape.strategy.default('ringall'),
    ringTimeSeconds: ringGroupFields.shape.ringTimeSeconds.default(30),
    memberRingSeconds: ringGroupFields.shape.memberRingSeconds.default(15),
    fallbackKind: ringGroupFields.shape.fallbackKind.default('none'),
    fallbackTarget: ringGroupFields.shape.fallbackTarget.default(null),
    callerIdPrefix: ringGroupFields.shape.callerIdPrefix.default(null),
    recordCalls: ringGroupFields.shape.recordCalls.default(false),
    members: ringGroupFields.shape.members.default([]),
  })
  .superRefine(checkMembersAndFallback);
export type CreateRingGroupInput = z.infer<typeof createRingGroupSchema>;

export const updateRingGroupSchema = ringGroupFields.partial().superRefine(checkMembersAndFallback);
export type UpdateRingGroupInput = z.infer<typeof updateRingGroupSchema>;

export const ringGroupViewSchema = z.object({
  id: z.uuid(),
  number: z.string(),
  name: z.string(),
  enabled: z.boolean(),
  strategy: z.enum(ringStrategies),
  ringTimeSeconds: z.number().int(),
  memberRingSeconds: z.number().int(),
  fallbackKind: z.enum(fallbackKinds),
  fallbackTarget: z.string().nullable(),
  callerIdPrefix: z.string().nullable(),
  recordCalls: z.boolean(),
  members: z.array(
    z.object({
      position: z.number().int(),
      extensionId: z.uuid(),
      number: z.string(),
      displayName: z.string(),
      ringSeconds: z.number().int().nullable(),
    }),
  ),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type RingGroupView = z.infer<typeof ringGroupViewSchema>;
