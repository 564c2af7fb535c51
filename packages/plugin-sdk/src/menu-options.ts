import { z } from 'zod';
import { routeDestinationSchema } from './route-destination.js';

/** The keys of a phone's keypad a menu can answer (RFC 4733 events 0-11). */
export const MENU_KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '*', '#'] as const;

/** One choice of an auto-attendant menu: a key and where it sends the caller. */
export const menuOptionSchema = z.strictObject({
  digit: z.enum(MENU_KEYS, 'must be one key: 0-9, * or #'),
  destination: routeDestinationSchema,
});
export type MenuOption = z.infer<typeof menuOptionSchema>;

/** A menu's key map (stored as JSON by the admin app, read by the B2BUA). */
export const menuOptionsSchema = z
  .array(menuOptionSchema)
  .max(MENU_KEYS.length)
  .refine((list) => new Set(list.map((o) => o.digit)).size === list.length, 'each key may be used once');
