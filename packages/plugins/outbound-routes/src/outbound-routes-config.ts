import { NumberingError, dialPatternSchema, dialPrefixes } from '@switchboard/plugin-sdk';
import { z } from 'zod';

const trunkName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'must be a trunk name: 1-64 letters, digits, _ . -');
const number = z.string().regex(/^\+?[0-9*#]{1,32}$/, 'must be 1-32 digits (*, #), optionally after +');

/** A dial pattern, checked when the configuration is loaded (the worker refuses a bad one at start-up). */
const dialPattern = dialPatternSchema;

export const routeSchema = z.strictObject({
  name: z.string().min(1).max(64).describe('Name shown in logs, e.g. "national"'),
  patterns: z
    .array(dialPattern)
    .min(1)
    .max(64)
    .describe('Asterisk-style dial patterns (_9NXXNXXXXXX, _00., 112); the first route with a match is used'),
  strip: z
    .number()
    .int()
    .min(0)
    .max(32)
    .default(0)
    .describe('Digits removed from the front of the dialled number (e.g. 1 for an outside-line 9)'),
  format: z
    .enum(['dialled', 'e164'])
    .default('dialled')
    .describe('Send the number as dialled (after strip) or in E.164 (+<country code><number>)'),
  prepend: z
    .string()
    .regex(/^\+?[0-9*#]{0,16}$/, 'must be up to 16 digits, optionally after +')
    .default('')
    .describe('Put in front of the number sent to the trunk, after strip and format'),
  trunks: z
    .array(trunkName)
    .min(1)
    .max(8)
    .describe(
      'Trunks tried in order: the next one after 408, a 5xx, no answer at all or a trunk at its limit',
    ),
  callerIdNumber: number
    .optional()
    .describe('Caller ID for extensions without their own external number; absent: the trunk’s'),
  ringTimeoutSeconds: z
    .number()
    .int()
    .min(5)
    .max(600)
    .default(120)
    .describe('How long an outside number may ring'),
});
export type OutboundRoute = z.output<typeof routeSchema>;

export const configSchema = z
  .strictObject({
    country: z
      .string()
      .regex(/^[A-Za-z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code, e.g. DE, US, GB')
      .optional()
      .describe('Country of the PBX (numbering plan for classes and E.164); required once routes exist'),
    areaCode: z
      .string()
      .regex(/^[0-9]{1,6}$/, 'must be the area code digits without the national prefix')
      .optional()
      .describe('Area code without the national prefix: numbers dialled without it are local'),
    emergencyNumbers: z
      .array(number)
      .max(16)
      .default(['112', '911'])
      .describe('Always allowed, never limited: sent through the matching route, else every trunk in turn'),
    anonymousPrefix: z
      .string()
      .regex(/^[*#0-9]{1,8}$/)
      .default('*67')
      .describe('Dialled in front of a number to withhold caller ID (Privacy: id)'),
    routes: z.array(routeSchema).max(64).default([]).describe('Outbound routes, first match wins'),
  })
  .superRefine((config, ctx) => {
    if (config.routes.length > 0 && config.country === undefined)
      ctx.addIssue({ code: 'custom', path: ['country'], message: 'is required when routes are configured' });
    if (config.country === undefined) return;
    try {
      dialPrefixes(config.country);
    } catch (err) {
      if (!(err instanceof NumberingError)) throw err;
      ctx.addIssue({ code: 'custom', path: ['country'], message: err.message });
    }
  });

export type OutboundRoutesConfig = z.output<typeof configSchema>;
