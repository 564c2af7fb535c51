import { PASS, definePlugin, type RoutingDecision } from '@switchboard/plugin-sdk';
import { z } from 'zod';
import { callerNumber, matches } from './caller-number.js';

export { callerNumber, matches } from './caller-number.js';

const numberPattern = z
  .string()
  .regex(/^\+?[0-9*#]{1,32}\*?$/, 'must be a number, or a prefix ending in * (e.g. "+4990*")');

export const configSchema = z.strictObject({
  /** Callers to refuse: exact numbers, or prefixes ending in `*`. */
  numbers: z
    .array(numberPattern)
    .max(10_000)
    .default([])
    .describe('Blocked caller numbers, or prefixes ending in *'),
  /** Also refuse callers who hide their number. */
  blockAnonymous: z.boolean().default(false).describe('Also refuse callers who hide their number'),
  /** The final response a blocked caller gets: 603 Decline by default, 403 or 486 are common too. */
  status: z.number().int().min(400).max(699).default(603).describe('Final status for a blocked caller'),
  reason: z.string().max(128).optional().describe('Reason phrase; the standard one when empty'),
});

/**
 * An example of a third-party routing plugin, written only against @switchboard/plugin-sdk: it sits
 * first in the chain, refuses blocked callers with a final response and passes every other call on.
 */
export default definePlugin({
  id: 'blocklist',
  version: '1.0.0',
  description: 'Refuse calls from blocked numbers (and, optionally, anonymous callers)',
  configSchema,
  route(call, api): RoutingDecision {
    const number = callerNumber(call.caller.uri);
    const blocked =
      number === undefined
        ? api.config.blockAnonymous
        : api.config.numbers.some((pattern) => matches(pattern, number));
    if (!blocked) return PASS;
    api.log.info('blocked caller refused', { callId: call.callId, caller: number ?? 'anonymous' });
    return {
      steps: [
        {
          type: 'reject',
          status: api.config.status,
          ...(api.config.reason === undefined ? {} : { reason: api.config.reason }),
        },
      ],
    };
  },
});
