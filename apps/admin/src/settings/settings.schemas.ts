import { isTimeZone } from '@switchboard/plugin-sdk';
import { z } from 'zod';

/** An IANA time zone name the runtime's tz database knows, e.g. "Europe/Berlin" (not "CET+1"). */
export const timeZoneSchema = z
  .string()
  .trim()
  .min(1, 'is required')
  .max(64, 'must be at most 64 characters')
  .refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin, America/New_York or UTC');

export const settingsSchema = z.strictObject({
  /** The PBX time zone: time-of-day routing (business hours) reads the wall clock in it. */
  timeZone: timeZoneSchema,
});
export type SettingsInput = z.infer<typeof settingsSchema>;

export const settingsViewSchema = z.object({ timeZone: z.string() });
export type SettingsView = z.infer<typeof settingsViewSchema>;
