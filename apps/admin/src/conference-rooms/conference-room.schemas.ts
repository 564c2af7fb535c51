import { z } from 'zod';

const fields = z.object({
  number: z
    .string()
    .trim()
    .regex(/^[0-9*#+]{1,32}$/, 'must be 1-32 characters of 0-9, *, # or +'),
  name: z.string().trim().min(1, 'must not be empty').max(128, 'must be at most 128 characters'),
  enabled: z.boolean({ error: 'must be true or false' }),
  /** Write-only: stored as an argon2 hash, never returned. `null` removes it (no PIN). */
  pin: z
    .string()
    .regex(/^[0-9]{4,16}$/, 'must be 4-16 digits')
    .nullable(),
  maxParticipants: z
    .number({ error: 'must be a number' })
    .int('must be an integer')
    .min(1, 'must be at least 1')
    .max(32, 'must be at most 32 (the mixer bound)'),
  announceJoin: z.boolean({ error: 'must be true or false' }),
});

export const createConferenceRoomSchema = fields.extend({
  enabled: fields.shape.enabled.default(true),
  pin: fields.shape.pin.default(null),
  maxParticipants: fields.shape.maxParticipants.default(10),
  announceJoin: fields.shape.announceJoin.default(true),
});
export type CreateConferenceRoomInput = z.infer<typeof createConferenceRoomSchema>;

export const updateConferenceRoomSchema = fields.partial();
export type UpdateConferenceRoomInput = z.infer<typeof updateConferenceRoomSchema>;

export const conferenceRoomViewSchema = fields.omit({ pin: true }).extend({
  id: z.uuid(),
  /** Whether callers are asked for a PIN; the PIN itself is never returned. */
  hasPin: z.boolean(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type ConferenceRoomView = z.infer<typeof conferenceRoomViewSchema>;
