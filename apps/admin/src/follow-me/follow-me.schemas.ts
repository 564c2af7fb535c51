import { z } from 'zod';

// An extension number, an external number (optionally +) or a sip:/sips: URI.
const target = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(255, 'must be at most 255 characters')
  .regex(/^(\+?[0-9*#]{2,32}|sips?:[^\s<>"]+)$/, 'must be a phone number or a sip: URI');

/**
 * Where the call goes when every step went unanswered (FreePBX "destination if no answer"):
 * `voicemail` (target = the box's extension; null = this extension's own box), `extension`,
 * `ring_group`, `external` (number or sip: URI), `busy` (486) or `hangup` (480).
 */
export const finalDestinationKinds = [
  'voicemail',
  'extension',
  'ring_group',
  'external',
  'busy',
  'hangup',
] as const;
export type FinalDestinationKind = (typeof finalDestinationKinds)[number];

const needsTarget: ReadonlySet<FinalDestinationKind> = new Set(['extension', 'ring_group', 'external']);
const takesTarget: ReadonlySet<FinalDestinationKind> = new Set([...needsTarget, 'voicemail']);

export const finalDestinationSchema = z
  .object({
    kind: z.enum(finalDestinationKinds, { error: `must be one of ${finalDestinationKinds.join(', ')}` }),
    target: z.string().trim().max(255, 'must be at most 255 characters').nullable().default(null),
  })
  .transform((d) => ({ kind: d.kind, target: d.target === '' ? null : d.target }))
  .superRefine((d, ctx) => {
    if (needsTarget.has(d.kind) && !d.target) {
      ctx.addIssue({ code: 'custom', path: ['target'], message: `is required for ${d.kind}` });
    } else if (!takesTarget.has(d.kind) && d.target) {
      ctx.addIssue({ code: 'custom', path: ['target'], message: `must be empty for ${d.kind}` });
    } else if (d.kind === 'external' && d.target && !target.safeParse(d.target).success) {
      ctx.addIssue({ code: 'custom', path: ['target'], message: 'must be a phone number or a sip: URI' });
    } else if ((d.kind === 'extension' || d.kind === 'ring_group' || d.kind === 'voicemail') && d.target) {
      if (!/^[0-9]{2,12}$/.test(d.target))
        ctx.addIssue({ code: 'custom', path: ['target'], message: 'must be 2 to 12 digits' });
    }
  });
export type FinalDestination = z.output<typeof finalDestinationSchema>;

const stepsSchema = z
  .array(
    z.object({
      targets: z.array(target).min(1, 'needs at least one target').max(10, 'may list at most 10 targets'),
      ringSeconds: z
        .number({ error: 'must be a number' })
        .int('must be an integer')
        .min(5, 'must be at least 5')
        .max(300, 'must be at most 300'),
    }),
  )
  .max(10, 'may list at most 10 steps');

/** PUT body: the whole follow-me; `finalDestination` left out keeps the stored one. */
export const followMeSchema = z.object({
  enabled: z.boolean({ error: 'must be true or false' }),
  steps: stepsSchema,
  finalDestination: finalDestinationSchema.optional(),
});
export type FollowMeInput = z.infer<typeof followMeSchema>;

/** What GET returns (and PUT answers with). */
export const followMeViewSchema = z.object({
  enabled: z.boolean(),
  steps: stepsSchema,
  finalDestination: z.object({ kind: z.enum(finalDestinationKinds), target: z.string().nullable() }),
});
export type FollowMeView = z.infer<typeof followMeViewSchema>;
