import { z } from 'zod';
import { url } from './env-field-types.js';

/** Call features: music on hold, call park, call pickup, three-way calling, message waiting, voicemail and its e-mail. */
export const featuresSettings = {
  /**
   * Music on hold: `on` plays the holder's class (files of <data dir>/moh/<class>/ by name, looped) to a
   * held or parked party, `shuffle` the same in a random order, `off` leaves the held party in silence.
   */
  SWITCHBOARD_MUSIC_ON_HOLD: z
    .enum(['on', 'shuffle', 'off'], { error: "must be 'on', 'shuffle' or 'off'" })
    .default('on'),
  /** Call park: the number a call is transferred (REFER) to in order to park it. */
  SWITCHBOARD_PARK_NUMBER: z
    .string()
    .regex(/^[0-9*#]{1,16}$/, 'must be 1-16 digits, * or #')
    .default('700'),
  /** Call park: the slots parked calls take, first free first, `first-last` (at most 100 slots). */
  SWITCHBOARD_PARK_SLOTS: z
    .string()
    .regex(/^[0-9]{1,15}-[0-9]{1,15}$/, "must be 'first-last', e.g. 701-720")
    .transform((v, ctx) => {
      const [first = 0, last = 0] = v.split('-').map(Number);
      if (last < first || last - first >= 100) {
        ctx.addIssue({ code: 'custom', message: 'must be an ascending range of at most 100 slots' });
        return z.NEVER;
      }
      return { first, last };
    })
    .default({ first: 701, last: 720 }),
  /** Call park: seconds a parked call waits before it rings the parker again. */
  SWITCHBOARD_PARK_TIMEOUT_SECONDS: z.coerce
    .number()
    .int()
    .min(1, 'must be at least 1')
    .max(3600, 'must be at most 3600 (1 hour)')
    .default(45),
  /** Call pickup: the code a phone dials to answer a call ringing in one of its pickup groups. */
  SWITCHBOARD_PICKUP_GROUP_CODE: z
    .string()
    .regex(/^[0-9*#]{1,16}$/, 'must be 1-16 digits, * or #')
    .default('*8'),
  /** Call pickup: dialling this prefix and an extension answers the call ringing that extension. */
  SWITCHBOARD_PICKUP_DIRECTED_PREFIX: z
    .string()
    .regex(/^[0-9*#]{1,8}$/, 'must be 1-8 digits, * or #')
    .default('**'),
  /**
   * Three-way calling: this key sequence, pressed in a bridged call (SIP INFO digits), then the
   * third number and `#`, moves the call into an ad-hoc conference and calls the number. Empty: off.
   */
  SWITCHBOARD_THREE_WAY_CODE: z
    .string()
    .regex(/^([*#][0-9*#]{1,7})?$/, "must be empty (off) or start with * or # and be 2-8 keys, e.g. '*3'")
    .default('*3'),
  /**
   * RFC 4579 §3.2 conference factory: the user part of the URI a phone's own "conference" button
   * calls to create an ad-hoc conference (`sip:<factory>@<domain>`). Empty: off.
   */
  SWITCHBOARD_CONFERENCE_FACTORY: z
    .string()
    .regex(
      /^([A-Za-z0-9*#][A-Za-z0-9._*#-]{0,31})?$/,
      'must be empty (off) or a SIP user part of 1-32 letters, digits, . _ - * #',
    )
    .default('conference'),
  /** Three-way calling: seconds between two digits of the third number before it is dialled as typed. */
  SWITCHBOARD_THREE_WAY_DIGIT_TIMEOUT_SECONDS: z.coerce
    .number()
    .int()
    .min(1, 'must be at least 1')
    .max(30, 'must be at most 30')
    .default(4),
  /** Message-waiting (RFC 3842) SUBSCRIBE bounds on Expires: shorter gets 423, longer is capped. */
  SWITCHBOARD_MWI_MIN_EXPIRES: z.coerce
    .number()
    .int()
    .min(1, 'must be at least 1')
    .max(86_400, 'must be at most 86400')
    .default(60),
  SWITCHBOARD_MWI_MAX_EXPIRES: z.coerce
    .number()
    .int()
    .min(1, 'must be at least 1')
    .max(604_800, 'must be at most 604800')
    .default(3600),
  /** Also send out-of-dialog NOTIFYs (message-summary) to registered phones that do not subscribe. */
  SWITCHBOARD_MWI_UNSOLICITED: z
    .enum(['true', 'false'], { error: "must be 'true' or 'false'" })
    .default('false')
    .transform((v) => v === 'true'),
  /** SMTP server for voicemail e-mails, e.g. smtp://user:pass@mail.example.com:587; unset = no e-mail. */
  SWITCHBOARD_SMTP_URL: url(['smtp:', 'smtps:']).optional(),
  /** Sender of voicemail e-mails, e.g. "PBX <pbx@example.com>". */
  SWITCHBOARD_SMTP_FROM: z.string().min(3, 'must be an e-mail address').default('switchboard@localhost'),
  /** Voicemail: a message ends after this many seconds below the silence level (0 = never). */
  SWITCHBOARD_VOICEMAIL_SILENCE_SECONDS: z.coerce
    .number()
    .int()
    .min(0, 'must be at least 0')
    .max(600, 'must be at most 600')
    .default(5),
  /** Voicemail: RMS level of 16-bit linear audio (0-32767) at or below which a 20 ms frame is silence. */
  SWITCHBOARD_VOICEMAIL_SILENCE_LEVEL: z.coerce
    .number()
    .int()
    .min(1, 'must be at least 1')
    .max(32_767, 'must be at most 32767')
    .default(250),
  /** Voicemail menus: seconds to wait for a key (PIN, mailbox number, menu choice). */
  SWITCHBOARD_VOICEMAIL_INPUT_TIMEOUT_SECONDS: z.coerce
    .number()
    .int()
    .min(1, 'must be at least 1')
    .max(120, 'must be at most 120')
    .default(10),
};
