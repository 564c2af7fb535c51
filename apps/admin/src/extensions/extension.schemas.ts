import { z } from 'zod';
import { DEFAULT_MUSIC_CLASS, MUSIC_CLASS_PATTERN } from '../common/db.js';

// Printable text only: SIP display names end up in headers and in other users' screens.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const noControlChars = (v: string): boolean => !/[\u0000-\u001f\u007f]/.test(v);

export const dialNumberSchema = z
  .string({ error: 'is required' })
  .trim()
  .regex(/^[0-9]{2,12}$/, 'must be 2 to 12 digits');

export const displayNameSchema = z
  .string({ error: 'is required' })
  .trim()
  .min(1, 'is required')
  .max(128, 'must be at most 128 characters')
  .refine(noControlChars, 'must not contain control characters');

export const sipPasswordSchema = z
  .string()
  .min(12, 'must be at least 12 characters')
  .max(128, 'must be at most 128 characters')
  .refine(noControlChars, 'must not contain control characters');

/**
 * Digest algorithms offered to the extension's phone, in order (RFC 8760); empty = the global
 * SWITCHBOARD_SIP_DIGEST_ALGORITHMS. MD5 alone is for phones that give up on a SHA-256 challenge.
 */
export const digestAlgorithmsSchema = z
  .array(z.enum(['SHA-256', 'MD5'], { error: 'must be SHA-256 or MD5' }), { error: 'must be a list' })
  .max(2, 'must list SHA-256 and/or MD5')
  .refine((list) => new Set(list).size === list.length, 'must not repeat an algorithm');

/** The CLI's form: `MD5`, `SHA-256,MD5`, or `default` (the global setting). */
export const digestAlgorithmsTextSchema = z
  .string()
  .trim()
  .transform((text) =>
    text.toLowerCase() === 'default' ? [] : text.split(',').map((a) => a.trim().toUpperCase()),
  )
  .pipe(digestAlgorithmsSchema);

/**
 * Media anchoring of the extension's call legs: `inherit` follows SWITCHBOARD_MEDIA_MODE; when the
 * two sides of a call differ, the B2BUA relays if either side asks for it (see the README).
 */
export const MEDIA_MODES = ['inherit', 'relay', 'direct', 'auto'] as const;
export const mediaModeSchema = z.enum(MEDIA_MODES, { error: 'must be inherit, relay, direct or auto' });

/** SDES-SRTP (RFC 4568) on the extension's legs; `required` and a SRTP leg always go through rtpengine. */
export const SRTP_POLICIES = ['required', 'optional', 'off'] as const;
export const srtpPolicySchema = z.enum(SRTP_POLICIES, { error: 'must be required, optional or off' });

/**
 * Toll-fraud protection: the widest outside numbers the extension may dial through trunks (each
 * class includes the ones before it); emergency numbers are always allowed.
 */
export const DIAL_CLASSES = ['internal', 'local', 'national', 'international'] as const;
export const dialClassSchema = z.enum(DIAL_CLASSES, {
  error: 'must be internal, local, national or international',
});

/** The public number shown as caller ID on the extension's outside calls (E.164). */
export const externalNumberSchema = z
  .string()
  .regex(/^\+[1-9][0-9]{4,14}$/, 'must be an E.164 number: + then 5 to 15 digits');

const maxExternalCallsSchema = z
  .number({ error: 'must be a number' })
  .int('must be an integer')
  .min(0, 'must be 0 (no limit) or more')
  .max(100, 'must be at most 100');

/**
 * Call pickup groups (names): a member dialling the group pickup code (`*8`) answers a call ringing
 * any extension sharing one of them. Stored in lower case (the B2BUA compares them exactly).
 */
export const pickupGroupsSchema = z
  .array(z.string({ error: 'must be a list of group names' }), { error: 'must be a list of group names' })
  .max(16, 'must list at most 16 groups')
  .transform((groups) => [...new Set(groups.map((g) => g.trim().toLowerCase()))])
  // Checked on the whole list so that the message belongs to the field, not to an index of it.
  .refine(
    (groups) => groups.every((g) => /^[a-z0-9][a-z0-9_-]{0,31}$/.test(g)),
    'each group must be 1 to 32 letters, digits, - or _ (starting with a letter or digit)',
  );

/**
 * Music-on-hold class the parties this extension holds or parks hear: a directory of WAVs under
 * <data dir>/moh (the service checks it exists). `default` and null both mean the default class and
 * are stored as null.
 */
export const mohClassSchema = z
  .string({ error: 'must be a music class name or null' })
  .trim()
  .regex(MUSIC_CLASS_PATTERN, 'must be a music class name: 1 to 32 letters, digits, - or _')
  .nullable()
  .transform((name) => (name === DEFAULT_MUSIC_CLASS ? null : name));

export const voicemailPinSchema = z.string().regex(/^[0-9]{4,12}$/, 'must be 4 to 12 digits');

/**
 * The extension's voicemail box as its form manages it: on/off and the e-mail for new messages.
 * Limits (message length, count) stay on the Voicemail page.
 */
export const extensionVoicemailSchema = z.object({
  enabled: z.boolean({ error: 'must be true or false' }).default(true),
  email: z
    .email({ error: 'must be an e-mail address' })
    .max(320, 'must be at most 320 characters')
    .nullable()
    .default(null),
});
export type ExtensionVoicemailInput = z.infer<typeof extensionVoicemailSchema>;

export const createExtensionSchema = z.object({
  number: dialNumberSchema,
  displayName: displayNameSchema,
  enabled: z.boolean({ error: 'must be true or false' }).default(true),
  maxConcurrentCalls: z
    .number({ error: 'must be a number' })
    .int('must be an integer')
    .min(1, 'must be at least 1')
    .max(100, 'must be at most 100')
    .default(2),
  digestAlgorithms: digestAlgorithmsSchema.default([]),
  /** Record the calls this extension makes or answers (through rtpengine). */
  recordCalls: z.boolean({ error: 'must be true or false' }).default(false),
  mediaMode: mediaModeSchema.default('inherit'),
  srtpPolicy: srtpPolicySchema.default('optional'),
  dialClass: dialClassSchema.default('national'),
  externalNumber: externalNumberSchema.nullable().default(null),
  /** Outside calls at once; 0 = no limit. */
  maxExternalCalls: maxExternalCallsSchema.default(2),
  pickupGroups: pickupGroupsSchema.default([]),
  /** Calls ringing it may be picked up with `**<number>` from any extension (false: its groups only). */
  directedPickup: z.boolean({ error: 'must be true or false' }).default(true),
  mohClass: mohClassSchema.default(null),
  /** Omitted: a strong password is generated and returned once in the response. */
  sipPassword: sipPasswordSchema.optional(),
  voicemailPin: voicemailPinSchema.optional(),
  /** Omitted: a box is created (enabled) when a PIN is given, as callers would expect from a PIN. */
  voicemail: extensionVoicemailSchema.optional(),
});
export type CreateExtensionInput = z.infer<typeof createExtensionSchema>;

export const updateExtensionSchema = z
  .object({
    number: dialNumberSchema,
    displayName: displayNameSchema,
    enabled: z.boolean({ error: 'must be true or false' }),
    maxConcurrentCalls: z
      .number({ error: 'must be a number' })
      .int('must be an integer')
      .min(1, 'must be at least 1')
      .max(100, 'must be at most 100'),
    digestAlgorithms: digestAlgorithmsSchema,
    recordCalls: z.boolean({ error: 'must be true or false' }),
    mediaMode: mediaModeSchema,
    srtpPolicy: srtpPolicySchema,
    dialClass: dialClassSchema,
    externalNumber: externalNumberSchema.nullable(),
    maxExternalCalls: maxExternalCallsSchema,
    pickupGroups: pickupGroupsSchema,
    directedPickup: z.boolean({ error: 'must be true or false' }),
    mohClass: mohClassSchema,
    /** null removes the PIN (and so remote voicemail access). */
    voicemailPin: voicemailPinSchema.nullable(),
    /** Creates the box when missing; `enabled: false` keeps its messages but takes no new ones. */
    voicemail: extensionVoicemailSchema,
  })
  .partial();
export type UpdateExtensionInput = z.infer<typeof updateExtensionSchema>;

export const setSipPasswordSchema = z.object({
  /** Omitted: generate one. */
  password: sipPasswordSchema.optional(),
});
export type SetSipPasswordInput = z.infer<typeof setSipPasswordSchema>;

export const listExtensionsQuerySchema = z.object({
  search: z.string().trim().max(128, 'must be at most 128 characters').optional(),
  enabled: z.enum(['true', 'false'], { error: 'must be true or false' }).optional(),
});
export type ListExtensionsQuery = z.infer<typeof listExtensionsQuerySchema>;

export const extensionViewSchema = z.object({
  id: z.uuid(),
  number: z.string(),
  displayName: z.string(),
  enabled: z.boolean(),
  maxConcurrentCalls: z.number().int(),
  /** Empty: the global SWITCHBOARD_SIP_DIGEST_ALGORITHMS. */
  digestAlgorithms: z.array(z.enum(['SHA-256', 'MD5'])),
  /** `inherit`: the global SWITCHBOARD_MEDIA_MODE. */
  mediaMode: z.enum(MEDIA_MODES),
  srtpPolicy: z.enum(SRTP_POLICIES),
  dialClass: z.enum(DIAL_CLASSES),
  externalNumber: z.string().nullable(),
  maxExternalCalls: z.number().int(),
  /** Call pickup groups (lower case). */
  pickupGroups: z.array(z.string()),
  /** Others may pick up its ringing calls with directed pickup (false: its pickup groups only). */
  directedPickup: z.boolean(),
  /** Music-on-hold class of the parties it holds or parks; null: `default`. */
  mohClass: z.string().nullable(),
  hasSipPassword: z.boolean(),
  hasVoicemailPin: z.boolean(),
  followMeEnabled: z.boolean(),
  /** Its calls are recorded. */
  recordCalls: z.boolean(),
  /** null: no box (calls that would go to voicemail get 480). */
  voicemail: z
    .object({ enabled: z.boolean(), email: z.string().nullable(), messages: z.number(), unheard: z.number() })
    .nullable(),
  /** Current registrations (contacts) of the extension, in lists only. */
  registrations: z.number().int().optional(),
  sipRealm: z.string().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type ExtensionView = z.infer<typeof extensionViewSchema>;
