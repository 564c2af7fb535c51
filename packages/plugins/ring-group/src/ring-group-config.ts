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
  disabledGroup: z.enum(['reject', 'pass']).default('reject'),
  /** Leave out members at their concurrent-call limit (Extension.maxConcurrentCalls > 0). */
  skipBusyMembers: z.boolean().default(true),
  /** Leave out members with no registered phone (they could only fail at once). */
  skipUnregisteredMembers: z.boolean().default(true),
  /** How long an `external` fallback number rings. */
  externalRingSeconds: z.number().int().min(5).max(600).default(30),
  /**
   * External numbers become `sip:<number>@<externalDomain>;user=phone`; without it the domain of the
   * dialled Request-URI (our own domain). Set it to a SIP trunk's domain once trunks exist.
   */
  externalDomain: hostPort.optional(),
  /** `tel` writes external numbers as tel: URIs (RFC 3966) for a host that routes those itself. */
  externalScheme: z.enum(['sip', 'tel']).default('sip'),
});

export type RingGroupConfig = z.output<typeof configSchema>;
