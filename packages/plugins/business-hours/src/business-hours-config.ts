import { routeDestinationSchema, WEEKDAYS, z } from '@switchboard/plugin-sdk';

const clockTime = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$/, 'must be HH:MM (00:00-24:00)');

/** `from` inclusive, `to` exclusive, local wall-clock time; `24:00` is the end of the day. */
const timeRange = z
  .strictObject({ from: clockTime, to: clockTime })
  .refine((r) => minutes(r.from) < minutes(r.to), 'from must be before to (split a range across midnight)');

const isoDate = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'must be a date YYYY-MM-DD');

const week = z.strictObject(
  Object.fromEntries(WEEKDAYS.map((d) => [d, z.array(timeRange).max(8).default([])])) as Record<
    (typeof WEEKDAYS)[number],
    z.ZodDefault<z.ZodArray<typeof timeRange>>
  >,
);

export const scheduleSchema = z.strictObject({
  /** The number this schedule answers: dialled, or a DID that inbound-routes sends here. */
  number: z.string().regex(/^[0-9*#+]{1,32}$/, 'must be 1-32 characters of 0-9, *, # or +'),
  name: z.string().max(128).optional(),
  /** Opening times per weekday (sun … sat); a day without ranges is closed. */
  week,
  /** Whole days closed (public holidays, company events), in the PBX time zone. */
  holidays: z.array(isoDate).max(366).default([]),
  open: routeDestinationSchema,
  closed: routeDestinationSchema,
});

export const configSchema = z.strictObject({
  schedules: z
    .array(scheduleSchema)
    .max(100)
    .default([])
    .refine(
      (list) => new Set(list.map((s) => s.number)).size === list.length,
      'schedule numbers must be unique',
    )
    .describe('Numbers answered by opening times: open and closed destinations'),
});

export type BusinessHoursConfig = z.output<typeof configSchema>;
export type Schedule = z.output<typeof scheduleSchema>;

/** Minutes since midnight of an `HH:MM` (24:00 = 1440). */
export function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
}
