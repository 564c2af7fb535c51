import { z } from 'zod';

/** A host name (optionally with a port) for external numbers, e.g. a SIP trunk's domain. */
const hostPort = z
  .string()
  .regex(
    /^[A-Za-z0-9.-]+(:[0-9]{1,5})?$|^\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$/,
    'must be a host name or host:port',
  );

export const configSchema = z.strictObject({
  /**
   * A group switched off in the admin app: `reject` answers 480 at once; `pass` hands the call to
   * the next plugin of the chain (e.g. a night-mode plugin), which ends in 404 if none takes it.
   */
  disabledGroup: z
    .enum(['reject', 'pass'])
    .default('reject')
    .describe('A disabled group: reject with 480, or pass the call to the next plugin'),
  /** Leave out members at their concurrent-call limit (Extension.maxConcurrentCalls > 0). */
  skipBusyMembers: z.boolean().default(true).describe('Leave out members at their concurrent-call limit'),
  /** Leave out members with no registered phone (they could only fail at once). */
  skipUnregisteredMembers: z.boolean().default(true).describe('Leave out members without a registered phone'),
  /** How long an `external` fallback number rings. */
  externalRingSeconds: z
    .number()
    .int()
    .min(5)
    .max(600)
    .default(30)
    .describe('How long an external fallback number rings'),
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
});

export type RingGroupConfig = z.output<typeof configSchema>;
