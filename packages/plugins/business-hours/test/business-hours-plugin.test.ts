import { apiForPlugin, routeCall, testCall } from '@switchboard/plugin-sdk/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import plugin, { configSchema, openingState, type Schedule } from '../src/index.js';

const weekdays = [
  { from: '09:00', to: '12:30' },
  { from: '13:30', to: '17:00' },
];
const frontDesk = {
  number: '700',
  week: { mon: weekdays, tue: weekdays, wed: weekdays, thu: weekdays, fri: weekdays },
  holidays: ['2026-12-25', '2026-12-26'],
  open: { kind: 'ring_group', target: '600' },
  closed: { kind: 'voicemail', target: '600' },
};
const config = { schedules: [frontDesk] };
const schedule: Schedule = configSchema.parse(config).schedules[0]!;

/** The step the call to 700 gets at `now` (an ISO instant) in `timeZone`. */
async function stepAt(now: string, timeZone = 'Europe/Berlin') {
  const result = await routeCall(plugin, testCall('700'), {
    config,
    world: { now: new Date(now), timeZone },
  });
  if (result.pass) throw new Error('passed');
  return result.plan.steps[0];
}
const OPEN = { type: 'reroute', destination: '600' };
const CLOSED = { type: 'voicemail', mailbox: '600' };

describe('business hours on the injected clock and the PBX time zone', () => {
  it('open inside a range, closed in the lunch break, before opening and on the weekend', async () => {
    // Monday 2026-01-05, Berlin is UTC+1 in winter.
    expect(await stepAt('2026-01-05T08:00:00Z')).toEqual(OPEN); // 09:00 local, first minute
    expect(await stepAt('2026-01-05T07:59:00Z')).toEqual(CLOSED); // 08:59
    expect(await stepAt('2026-01-05T11:45:00Z')).toEqual(CLOSED); // 12:45 lunch
    expect(await stepAt('2026-01-05T15:59:00Z')).toEqual(OPEN); // 16:59
    expect(await stepAt('2026-01-05T16:00:00Z')).toEqual(CLOSED); // 17:00: `to` is exclusive
    expect(await stepAt('2026-01-10T10:00:00Z')).toEqual(CLOSED); // Saturday
  });

  it('follows daylight saving time: 09:00 local opens at 08:00 UTC in winter and 07:00 UTC in summer', async () => {
    // Berlin moves to CEST (UTC+2) on Sunday 2026-03-29 at 01:00 UTC.
    expect(await stepAt('2026-03-27T07:30:00Z')).toEqual(CLOSED); // Friday 08:30 CET
    expect(await stepAt('2026-03-30T07:30:00Z')).toEqual(OPEN); // Monday 09:30 CEST (a fixed +1 would say 08:30)
    // Back to CET on Sunday 2026-10-25 at 01:00 UTC.
    expect(await stepAt('2026-10-23T07:30:00Z')).toEqual(OPEN); // Friday 09:30 CEST
    expect(await stepAt('2026-10-26T07:30:00Z')).toEqual(CLOSED); // Monday 08:30 CET
  });

  it('a range over the skipped and the repeated hour of the DST change days', () => {
    const night = configSchema.parse({
      schedules: [{ ...frontDesk, week: { sun: [{ from: '02:00', to: '03:00' }] }, holidays: [] }],
    }).schedules[0]!;
    // Spring: 02:00-03:00 does not exist on 2026-03-29; 00:59 UTC is 01:59 CET, 01:00 UTC is 03:00 CEST.
    expect(openingState(night, new Date('2026-03-29T00:59:00Z'), 'Europe/Berlin').open).toBe(false);
    expect(openingState(night, new Date('2026-03-29T01:00:00Z'), 'Europe/Berlin').open).toBe(false);
    // Autumn: 02:00-03:00 happens twice on 2026-10-25 (00:00-01:00 UTC in CEST, 01:00-02:00 UTC in CET).
    expect(openingState(night, new Date('2026-10-25T00:30:00Z'), 'Europe/Berlin').open).toBe(true);
    expect(openingState(night, new Date('2026-10-25T01:30:00Z'), 'Europe/Berlin').open).toBe(true);
    expect(openingState(night, new Date('2026-10-25T02:00:00Z'), 'Europe/Berlin').open).toBe(false);
  });

  it('holidays close the whole local day, judged in the PBX time zone', async () => {
    expect(await stepAt('2026-12-24T09:00:00Z')).toEqual(OPEN); // Thursday 10:00
    expect(await stepAt('2026-12-25T09:00:00Z')).toEqual(CLOSED); // Friday, holiday
    expect(openingState(schedule, new Date('2026-12-25T09:00:00Z'), 'Europe/Berlin')).toEqual({
      open: false,
      why: 'holiday',
    });
    // 2026-12-25 15:00 UTC is still the 25th in New York (10:00 EST): holiday there too; the 24th at
    // 03:00 UTC is the 23rd in New York (22:00) but the 24th in Berlin.
    expect(openingState(schedule, new Date('2026-12-25T15:00:00Z'), 'America/New_York').open).toBe(false);
    expect(openingState(schedule, new Date('2026-12-24T15:00:00Z'), 'America/New_York').open).toBe(true);
  });

  it('24:00 ends a range at midnight', () => {
    const late = configSchema.parse({
      schedules: [{ ...frontDesk, week: { mon: [{ from: '18:00', to: '24:00' }] } }],
    }).schedules[0]!;
    expect(openingState(late, new Date('2026-01-05T23:59:00Z'), 'UTC').open).toBe(true);
    expect(openingState(late, new Date('2026-01-06T00:00:00Z'), 'UTC').open).toBe(false);
  });

  describe('the process time zone is never used', () => {
    const saved = process.env.TZ;
    afterEach(() => {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    });

    it('the same instant gives the same answer whatever TZ the worker runs with', async () => {
      process.env.TZ = 'Pacific/Kiritimati'; // UTC+14: a plugin reading local time would see Tuesday
      expect(await stepAt('2026-01-05T08:00:00Z')).toEqual(OPEN);
      expect(await stepAt('2026-01-05T08:00:00Z', 'Asia/Tokyo')).toEqual(CLOSED); // 17:00 in Tokyo
    });
  });

  it('numbers without a schedule pass; the decision is logged with the state', async () => {
    expect(await routeCall(plugin, testCall('201'), { config })).toMatchObject({ pass: true });
    const result = await routeCall(plugin, testCall('700'), {
      config,
      world: { now: new Date('2026-12-25T09:00:00Z'), timeZone: 'Europe/Berlin' },
    });
    const line = result.logs.find((l) => l.msg === 'business hours');
    expect(line?.fields).toMatchObject({ number: '700', state: 'holiday', timeZone: 'Europe/Berlin' });
  });

  it('every destination kind becomes its plan step', async () => {
    const at = (open: unknown) =>
      routeCall(plugin, testCall('700'), {
        config: { schedules: [{ ...frontDesk, open }] },
        world: { now: new Date('2026-01-05T09:00:00Z'), timeZone: 'UTC' },
      });
    expect(await at({ kind: 'menu', target: '500' })).toMatchObject({
      plan: { steps: [{ type: 'reroute', destination: '500' }] },
    });
    expect(await at({ kind: 'trunk', trunk: 'carrier', target: '+4930123456' })).toMatchObject({
      plan: {
        steps: [{ type: 'dial', targets: [{ kind: 'trunk', trunk: 'carrier', number: '+4930123456' }] }],
      },
    });
    expect(await at({ kind: 'hangup' })).toMatchObject({
      plan: { steps: [{ type: 'reject', status: 480 }] },
    });
  });

  it('config errors are refused with the field named', () => {
    const bad = (s: Record<string, unknown>) => () =>
      apiForPlugin(plugin, { schedules: [{ ...frontDesk, ...s }] });
    expect(bad({ week: { mon: [{ from: '17:00', to: '09:00' }] } })).toThrow(/from must be before to/);
    expect(bad({ week: { mon: [{ from: '9:00', to: '17:00' }] } })).toThrow(/HH:MM/);
    expect(bad({ week: { someday: [] } })).toThrow(/someday/);
    expect(bad({ holidays: ['2026-13-01'] })).toThrow(/YYYY-MM-DD/);
    expect(bad({ closed: { kind: 'voicemail' } })).toThrow();
    expect(() => apiForPlugin(plugin, { schedules: [frontDesk, frontDesk] })).toThrow(/unique/);
  });
});
