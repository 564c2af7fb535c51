import { z } from 'zod';

/**
 * A routing plan is declarative: plugins say where a call goes, the B2BUA executes it and owns
 * every SIP timer. Plans cross the BullMQ queue as JSON, so they are validated with zod on both sides.
 */

const extensionNumber = z.string().regex(/^[0-9*#+]{1,32}$/, 'must be 1-32 characters of 0-9, *, # or +');

const sipUri = z
  .string()
  .max(1024)
  .regex(/^(sips?|tel):[^\s<>]+$/i, 'must be a sip:, sips: or tel: URI without spaces or angle brackets');

const trunkName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'must be a trunk name: 1-64 letters, digits, _ . -');

/** An auto-attendant menu's id (the admin app's uuid). */
const menuId = z.string().uuid('must be a menu id (uuid)');

const trunkNumber = z.string().regex(/^\+?[0-9*#]{1,32}$/, 'must be 1-32 digits (*, #), optionally after +');

const ringTimeoutSeconds = z
  .number()
  .int()
  .min(1, 'must be at least 1 second')
  .max(600, 'must be at most 600 seconds');

export const dialTargetSchema = z.discriminatedUnion('kind', [
  /** Every registered contact of the extension (parallel fork inside the target). */
  z.object({
    kind: z.literal('extension'),
    extension: extensionNumber,
    ringTimeoutSeconds: ringTimeoutSeconds.optional(),
  }),
  /** Every contact registered for an address-of-record. */
  z.object({ kind: z.literal('aor'), aor: sipUri, ringTimeoutSeconds: ringTimeoutSeconds.optional() }),
  /** One URI, sent as is (RFC 3263 resolution for other domains). */
  z.object({ kind: z.literal('uri'), uri: sipUri, ringTimeoutSeconds: ringTimeoutSeconds.optional() }),
  /**
   * A number on the public network through one of the PBX's SIP trunks (by name). The B2BUA sends
   * the INVITE to the trunk's provider with its credentials, From and caller-ID presentation; a
   * trunk that is disabled, unknown or at its concurrent-call limit fails the target as unavailable.
   */
  z.object({
    kind: z.literal('trunk'),
    trunk: trunkName,
    /** The number as the provider wants it (after strip/prepend/E.164), the Request-URI's user part. */
    number: trunkNumber,
    /** Caller ID toward the provider: the number presented (From / P-Asserted-Identity user part). */
    callerIdNumber: trunkNumber.optional(),
    /** RFC 3323 §4.2 / RFC 3325 §9.3: ask the provider to withhold the caller's identity (`Privacy: id`). */
    anonymous: z.boolean().optional(),
    /** An emergency call: never refused by the per-trunk limit. */
    emergency: z.boolean().optional(),
    ringTimeoutSeconds: ringTimeoutSeconds.optional(),
  }),
]);
export type DialTarget = z.infer<typeof dialTargetSchema>;

/** Why a dial step ended without an answer. */
export const failureOutcomeSchema = z.enum(['no-answer', 'busy', 'declined', 'unavailable']);
export type FailureOutcome = z.infer<typeof failureOutcomeSchema>;

export const redirectStatusSchema = z.union([
  z.literal(300),
  z.literal(301),
  z.literal(302),
  z.literal(305),
  z.literal(380),
]);

export const planActionSchema = z.discriminatedUnion('type', [
  /** Go on with the plan's next step (or the plan's `otherwise` after the last one). */
  z.object({ type: z.literal('next') }),
  /** Answer with the voicemail service for this mailbox (the voicemail issue executes it). */
  z.object({ type: z.literal('voicemail'), mailbox: extensionNumber }),
  /** Answer and put the caller into this conference room (PIN asked by DTMF when the room has one). */
  z.object({ type: z.literal('conference'), room: extensionNumber }),
  /** Answer with this auto-attendant menu: greeting, DTMF choice, then the chosen destination. */
  z.object({ type: z.literal('menu'), menu: menuId }),
  /** Answer 3xx listing the contacts, so the caller tries them itself (a redirect server, RFC 3261 §8.3). */
  z.object({
    type: z.literal('redirect'),
    contacts: z.array(sipUri).min(1, 'needs at least one contact').max(16),
    status: redirectStatusSchema.default(302),
  }),
  /** Final answer to the caller. */
  z.object({
    type: z.literal('reject'),
    status: z.number().int().min(400, 'must be a 4xx-6xx status').max(699, 'must be a 4xx-6xx status'),
    reason: z.string().max(128).optional(),
  }),
  /** Ask the plugin chain again, with this call's history; optionally for another destination (e.g. a group). */
  z.object({ type: z.literal('reroute'), destination: extensionNumber.optional() }),
]);
export type PlanAction = z.infer<typeof planActionSchema>;
export type PlanActionInput = z.input<typeof planActionSchema>;

export const callerIdSchema = z.object({
  /** Replaces the caller's display name toward the callees. */
  displayName: z.string().max(128).optional(),
  /** Put in front of the caller's display name, e.g. "Sales: ". */
  prefix: z.string().max(64).optional(),
});

export const dialStepSchema = z.object({
  type: z.literal('dial'),
  /** parallel: all targets ring at once, first answer wins; sequential: one after another. */
  mode: z.enum(['parallel', 'sequential']),
  targets: z.array(dialTargetSchema).min(1, 'needs at least one target').max(64),
  /** Ring time of the step (parallel), or of each target without its own (sequential). */
  ringTimeoutSeconds,
  callerId: callerIdSchema.optional(),
  /** What follows each kind of failure; a missing entry means `next`. */
  onFailure: z.partialRecord(failureOutcomeSchema, planActionSchema).optional(),
  /**
   * When a target answers, the host stores its key (extension number, AOR or URI) in this plugin's
   * state under this key — e.g. round-robin memory — so plugins learn outcomes without callbacks.
   */
  rememberAnswerAs: z.string().min(1).max(200).optional(),
  /**
   * Sequential steps: `any` (default) moves to the next target after any failure; `carrier` only
   * after a failure that says the route did not work — 408, a 5xx, no response or a target that
   * cannot be used (no contact, trunk disabled or at its limit) — the way a PBX fails over between
   * trunks. Any other final answer (404, 486, 6xx…) or a ring timeout ends the step with it.
   */
  failover: z.enum(['any', 'carrier']).optional(),
});
export type DialStep = z.infer<typeof dialStepSchema>;

export const planStepSchema = z.discriminatedUnion('type', [
  dialStepSchema,
  z.object({ type: z.literal('voicemail'), mailbox: extensionNumber }),
  /** The B2BUA answers and joins the caller to the conference room with this number. */
  z.object({ type: z.literal('conference'), room: extensionNumber }),
  /**
   * The B2BUA answers with this auto-attendant menu (by id): it plays the greeting, collects DTMF
   * (RFC 4733 or SIP INFO) and connects the caller to the chosen destination.
   */
  z.object({ type: z.literal('menu'), menu: menuId }),
  z.object({
    type: z.literal('redirect'),
    contacts: z.array(sipUri).min(1, 'needs at least one contact').max(16),
    status: redirectStatusSchema.default(302),
  }),
  z.object({
    type: z.literal('reject'),
    status: z.number().int().min(400, 'must be a 4xx-6xx status').max(699, 'must be a 4xx-6xx status'),
    reason: z.string().max(128).optional(),
  }),
  /**
   * Ask the plugin chain again (like the `reroute` action), e.g. a ring group whose members are all
   * offline going straight to its fallback extension or group.
   */
  z.object({ type: z.literal('reroute'), destination: extensionNumber.optional() }),
]);
export type PlanStep = z.infer<typeof planStepSchema>;

export const routingPlanSchema = z.object({
  steps: z.array(planStepSchema).min(1, 'needs at least one step').max(32),
  /** After the last step failed; without it the caller gets the status that fits the last failure. */
  otherwise: planActionSchema.optional(),
  /**
   * A callee answering 3xx: `follow` (default) rings its contacts in the same target (RFC 3261 §16.5,
   * at most 3 hops); `relay` ends the step with the 3xx, and when it is the step's best answer
   * (§16.7) the caller gets it with the callee's contacts, so it tries them itself.
   */
  onCalleeRedirect: z.enum(['follow', 'relay']).optional(),
});
export type RoutingPlan = z.infer<typeof routingPlanSchema>;
/** What plugins write: defaults (e.g. redirect status 302) may be left out. */
export type RoutingPlanInput = z.input<typeof routingPlanSchema>;

/** The SIP status a caller gets when a plan ends on a failure without an `otherwise` (RFC 3261 §21). */
export function defaultStatusFor(outcome: FailureOutcome): { status: number; reason: string } {
  switch (outcome) {
    case 'busy':
      return { status: 486, reason: 'Busy Here' };
    case 'declined':
      return { status: 603, reason: 'Decline' };
    case 'no-answer':
      return { status: 480, reason: 'Temporarily Unavailable' };
    case 'unavailable':
      return { status: 480, reason: 'Temporarily Unavailable' };
  }
}

export class InvalidPlanError extends Error {
  constructor(
    readonly pluginId: string,
    readonly issues: readonly string[],
  ) {
    super(`plugin "${pluginId}" returned an invalid routing plan: ${issues.join('; ')}`);
    this.name = 'InvalidPlanError';
  }
}

/** Validates a plan (from a plugin, or off the queue) and fills in defaults. */
export function parseRoutingPlan(value: unknown, pluginId = '(queue)'): RoutingPlan {
  const parsed = routingPlanSchema.safeParse(value);
  if (!parsed.success) {
    throw new InvalidPlanError(
      pluginId,
      parsed.error.issues.map((i) => `${i.path.join('.') || '(plan)'}: ${i.message}`),
    );
  }
  return parsed.data;
}
