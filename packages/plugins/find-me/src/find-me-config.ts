import { z } from 'zod';

const hostPort = z
  .string()
  .regex(
    /^[A-Za-z0-9.-]+(:[0-9]{1,5})?$|^\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$/,
    'must be a host name or host:port',
  );

export const configSchema = z.strictObject({
  /** Leave out extension targets at their concurrent-call limit (Extension.maxConcurrentCalls > 0). */
  skipBusyExtensions: z
    .boolean()
    .default(true)
    .describe('Leave out extension targets at their concurrent-call limit'),
  /** Leave out extension targets with no registered phone; a step left with no target is dropped. */
  skipUnregisteredExtensions: z
    .boolean()
    .default(true)
    .describe('Leave out extension targets without a registered phone'),
  /**
   * External numbers become `sip:<number>@<externalDomain>;user=phone`; without it the domain of the
   * dialled Request-URI (our own domain). Set it to a SIP trunk's domain once trunks exist.
   */
  externalDomain: hostPort
    .optional()
    .describe('Domain (host[:port]) for external numbers, e.g. a SIP trunk; default: our own domain'),
  /** `tel` writes external numbers as tel: URIs (RFC 3966) for a host that routes those itself. */
  externalScheme: z
    .enum(['sip', 'tel'])
    .default('sip')
    .describe('Write external numbers as sip:<n>@<domain>;user=phone or as tel: URIs'),
  /** How long an `external` final destination rings. */
  externalRingSeconds: z
    .number()
    .int()
    .min(5)
    .max(600)
    .default(30)
    .describe('How long an external final destination rings'),
});

export type FindMeConfig = z.output<typeof configSchema>;
