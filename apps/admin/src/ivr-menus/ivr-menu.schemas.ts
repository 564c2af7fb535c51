import { menuOptionsSchema, routeDestinationSchema } from '@switchboard/plugin-sdk';
import { z } from 'zod';

const fields = z.object({
  /** The menu's own dialable number (the ivr plugin answers it); null = reachable only from a plan. */
  number: z
    .string()
    .trim()
    .regex(/^[0-9*#+]{1,32}$/, 'must be 1-32 characters of 0-9, *, # or +')
    .nullable(),
  name: z.string().trim().min(1, 'must not be empty').max(128, 'must be at most 128 characters'),
  enabled: z.boolean({ error: 'must be true or false' }),
  /** Key → destination (extension, ring group, menu, voicemail, trunk number, hang up). */
  options: menuOptionsSchema,
  /** Callers may type an extension number instead of a key. */
  directDial: z.boolean({ error: 'must be true or false' }),
  interDigitTimeoutMs: z
    .number({ error: 'must be a number' })
    .int('must be an integer')
    .min(500, 'must be at least 500 ms')
    .max(10_000, 'must be at most 10000 ms'),
  responseTimeoutMs: z
    .number({ error: 'must be a number' })
    .int('must be an integer')
    .min(1000, 'must be at least 1000 ms')
    .max(60_000, 'must be at most 60000 ms'),
  /** Nothing pressed after the last repeat; null = hang up. */
  timeoutDestination: routeDestinationSchema.nullable(),
  /** Too many invalid keys; null = hang up. */
  invalidDestination: routeDestinationSchema.nullable(),
  repeatCount: z
    .number({ error: 'must be a number' })
    .int('must be an integer')
    .min(0, 'must be at least 0')
    .max(5, 'must be at most 5'),
});

export const createIvrMenuSchema = fields.extend({
  number: fields.shape.number.default(null),
  enabled: fields.shape.enabled.default(true),
  options: fields.shape.options.default([]),
  directDial: fields.shape.directDial.default(false),
  interDigitTimeoutMs: fields.shape.interDigitTimeoutMs.default(2000),
  responseTimeoutMs: fields.shape.responseTimeoutMs.default(5000),
  timeoutDestination: fields.shape.timeoutDestination.default(null),
  invalidDestination: fields.shape.invalidDestination.default(null),
  repeatCount: fields.shape.repeatCount.default(2),
});
export type CreateIvrMenuInput = z.infer<typeof createIvrMenuSchema>;

export const updateIvrMenuSchema = fields.partial();
export type UpdateIvrMenuInput = z.infer<typeof updateIvrMenuSchema>;

export const ivrMenuViewSchema = fields.extend({
  id: z.uuid(),
  /** An uploaded greeting is stored; without one the menu plays the built-in tone. */
  hasGreeting: z.boolean(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type IvrMenuView = z.infer<typeof ivrMenuViewSchema>;
