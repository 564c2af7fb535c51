import { dialPatternSchema, routingPlanSchema } from '@switchboard/plugin-sdk';
import { z } from 'zod';

const number = z.string().regex(/^[0-9*#+]{1,32}$/, 'must be 1-32 characters of 0-9, *, # or +');

/** A DID as delivered, or an Asterisk-style pattern for a block of DIDs (`_+4930123456X`). */
const didPattern = dialPatternSchema;

export const inboundDestinationSchema = z.discriminatedUnion('kind', [
  /** The extension's phones (its follow-me and voicemail as the chain's plugins do them). */
  z.strictObject({ kind: z.literal('extension'), extension: number }),
  z.strictObject({ kind: z.literal('ring-group'), number }),
  /** Straight to the extension's follow-me steps (the find-me plugin). */
  z.strictObject({ kind: z.literal('follow-me'), extension: number }),
  z.strictObject({ kind: z.literal('voicemail'), mailbox: number }),
  /** Any number another plugin answers for (an IVR, a conference room, a night service…). */
  z.strictObject({ kind: z.literal('number'), number }),
  /** A routing plan written out in full. */
  z.strictObject({ kind: z.literal('plan'), plan: routingPlanSchema }),
]);
export type InboundDestination = z.output<typeof inboundDestinationSchema>;

export const didRouteSchema = z.strictObject({
  did: didPattern.describe('The number dialled (DID) as the trunk delivers it, or a _pattern for a block'),
  trunk: z.string().max(64).optional().describe('Only for calls from this trunk; absent: from any trunk'),
  destination: inboundDestinationSchema,
});
export type DidRoute = z.output<typeof didRouteSchema>;

export const configSchema = z.strictObject({
  country: z
    .string()
    .regex(/^[A-Za-z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code')
    .optional()
    .describe('Country of the PBX: a DID delivered nationally (030…) then matches its E.164 form (+4930…)'),
  routes: z.array(didRouteSchema).max(1000).default([]).describe('DID routes, first match wins'),
});
export type InboundRoutesConfig = z.output<typeof configSchema>;
