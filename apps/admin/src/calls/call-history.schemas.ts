import { z } from 'zod';
import { paginationSchema } from '../common/pagination.js';

export const dispositions = [
  'answered',
  'no_answer',
  'busy',
  'cancelled',
  'rejected',
  'failed',
  'voicemail',
  'redirected',
] as const;

export const directions = ['internal', 'inbound', 'outbound'] as const;

// The union's own message: zod's default for a union of formats is "Invalid input".
const dateParam = z.union([z.iso.datetime({ offset: true }), z.iso.date()], {
  error: 'must be a date (YYYY-MM-DD) or an ISO 8601 date-time',
});

export const callFilterSchema = z.object({
  /** Calls started at or after this time. */
  from: dateParam.optional(),
  /** Calls started before this time (a bare date means the end of that day). */
  to: dateParam.optional(),
  /** Matches the caller or callee number (substring). */
  number: z.string().trim().max(64, 'must be at most 64 characters').optional(),
  disposition: z.enum(dispositions, { error: `must be one of ${dispositions.join(', ')}` }).optional(),
  /** Between extensions, in from a trunk or out through a trunk (#18). */
  direction: z.enum(directions, { error: `must be one of ${directions.join(', ')}` }).optional(),
});
export type CallFilter = z.infer<typeof callFilterSchema>;

export const callHistoryQuerySchema = callFilterSchema.extend(paginationSchema.shape);
export type CallHistoryQuery = z.infer<typeof callHistoryQuerySchema>;
