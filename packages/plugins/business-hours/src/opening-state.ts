import { zonedTime } from '@switchboard/plugin-sdk';
import { minutes, type Schedule } from './business-hours-config.js';

export type OpeningState = { open: true } | { open: false; why: 'holiday' | 'outside-hours' };

/**
 * Whether `schedule` is open at `instant`, judged on the wall clock of `timeZone`: a range is
 * [from, to) in local time, so across a daylight-saving change the office still opens at 09:00
 * local (and a range touching a skipped hour simply has an hour less that day).
 */
export function openingState(schedule: Schedule, instant: Date, timeZone: string): OpeningState {
  const local = zonedTime(instant, timeZone);
  if (schedule.holidays.includes(local.date)) return { open: false, why: 'holiday' };
  const open = schedule.week[local.weekday].some(
    (r) => local.minuteOfDay >= minutes(r.from) && local.minuteOfDay < minutes(r.to),
  );
  return open ? { open: true } : { open: false, why: 'outside-hours' };
}
