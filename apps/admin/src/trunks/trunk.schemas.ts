import { parseInboundSource } from '@switchboard/db';
import { trunkRegistrationStatusSchema } from '@switchboard/live-state';
import { z } from 'zod';

export const trunkTransports = ['udp', 'tcp', 'tls'] as const;
export const trunkDidSources = ['request_uri', 'to'] as const;
export const trunkCallerIdModes = ['from', 'pai'] as const;

const bool = z.boolean({ error: 'must be true or false' });
/** A DNS name or an IP address (IPv6 in brackets or bare). */
const hostSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(255, 'must be at most 255 characters')
  .regex(
    /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[?[0-9A-Fa-f:.]+\]?)$/,
    'must be a host name or IP address',
  );
const hostPortSchema = z
  .string()
  .trim()
  .max(255, 'must be at most 255 characters')
  .regex(/^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/, 'must be host or host:port');
/** SIP user part characters we accept without escaping (RFC 3261 §25.1 unreserved + user-unreserved). */
const sipUser = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .regex(/^[A-Za-z0-9\-_.!~*'()&=+$,;?/]+$/, 'may only hold SIP user characters');
const int = (min: number, max: number) =>
  z
    .number({ error: 'must be a number' })
    .int('must be an integer')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

const trunkFields = z.object({
  name: z
    .string()
    .trim()
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/,
      'must be 1–64 letters, digits, - or _ (starting with a letter or digit)',
    ),
  enabled: bool,
  host: hostSchema,
  port: int(1, 65535).nullable(),
  transport: z.enum(trunkTransports, { error: `must be one of ${trunkTransports.join(', ')}` }),
  outboundProxy: hostPortSchema.nullable(),
  authUsername: sipUser.nullable(),
  /** Write-only: never returned. `null` removes the stored password. */
  password: z.string().min(1, 'must not be empty').max(128, 'must be at most 128 characters').nullable(),
  register: bool,
  registerExpiry: int(60, 86_400),
  fromUser: sipUser.nullable(),
  fromDomain: hostSchema.nullable(),
  didSource: z.enum(trunkDidSources, { error: `must be one of ${trunkDidSources.join(', ')}` }),
  callerIdMode: z.enum(trunkCallerIdModes, { error: `must be one of ${trunkCallerIdModes.join(', ')}` }),
  sendPrivacy: bool,
  callerIdNumber: z
    .string()
    .trim()
    .regex(/^\+?[0-9]{1,31}$/, 'must be digits with an optional leading +')
    .nullable(),
  codecs: z
    .array(
      z
        .string()
        .trim()
        .regex(/^[A-Za-z0-9.-]{1,32}$/, 'must be a codec name such as PCMA'),
    )
    .max(16, 'may list at most 16 codecs'),
  maxConcurrentCalls: int(1, 10_000).nullable(),
  inboundSources: z.array(z.string()).max(64, 'may list at most 64 entries'),
});

type TrunkFields = Partial<z.infer<typeof trunkFields>>;

function checkSources(value: TrunkFields, ctx: z.core.$RefinementCtx<TrunkFields>): void {
  value.inboundSources?.forEach((source, i) => {
    try {
      parseInboundSource(source);
    } catch (e) {
      ctx.addIssue({
        code: 'custom',
        path: ['inboundSources', i],
        message: e instanceof Error ? e.message : 'invalid',
      });
    }
  });
}

export const createTrunkSchema = trunkFields
  .extend({
    enabled: trunkFields.shape.enabled.default(true),
    port: trunkFields.shape.port.default(null),
    transport: trunkFields.shape.transport.default('udp'),
    outboundProxy: trunkFields.shape.outboundProxy.default(null),
    authUsername: trunkFields.shape.authUsername.default(null),
    password: trunkFields.shape.password.default(null),
    register: trunkFields.shape.register.default(false),
    registerExpiry: trunkFields.shape.registerExpiry.default(3600),
    fromUser: trunkFields.shape.fromUser.default(null),
    fromDomain: trunkFields.shape.fromDomain.default(null),
    didSource: trunkFields.shape.didSource.default('request_uri'),
    callerIdMode: trunkFields.shape.callerIdMode.default('from'),
    sendPrivacy: trunkFields.shape.sendPrivacy.default(true),
    callerIdNumber: trunkFields.shape.callerIdNumber.default(null),
    codecs: trunkFields.shape.codecs.default([]),
    maxConcurrentCalls: trunkFields.shape.maxConcurrentCalls.default(null),
    inboundSources: trunkFields.shape.inboundSources.default([]),
  })
  .superRefine(checkSources);
export type CreateTrunkInput = z.infer<typeof createTrunkSchema>;

export const updateTrunkSchema = trunkFields.partial().superRefine(checkSources);
export type UpdateTrunkInput = z.infer<typeof updateTrunkSchema>;

export const trunkViewSchema = trunkFields.omit({ password: true }).extend({
  id: z.uuid(),
  /** Whether a password is stored; the password itself is never returned. */
  hasPassword: z.boolean(),
  /** Outbound registration as the signalling process last reported it; null when none reported yet. */
  registration: trunkRegistrationStatusSchema.nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type TrunkView = z.infer<typeof trunkViewSchema>;
