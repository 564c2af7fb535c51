import { definePlugin, destinationStep, PASS } from '@switchboard/plugin-sdk';
import { configSchema } from './business-hours-config.js';
import { openingState } from './opening-state.js';

export const PLUGIN_ID = 'business-hours';

/**
 * Calls to a schedule's number go to its `open` or `closed` destination by the PBX's wall clock
 * (`api.now()` in `api.timeZone`, never the process's clock or TZ). Other numbers pass.
 */
export default definePlugin({
  id: PLUGIN_ID,
  version: '0.1.0',
  description: 'Opening times and holidays choose the open or the closed destination of a number',
  configSchema,
  route(call, api) {
    const schedule = api.config.schedules.find((s) => s.number === call.destination);
    if (!schedule) return PASS;
    const state = openingState(schedule, api.now(), api.timeZone);
    const destination = state.open ? schedule.open : schedule.closed;
    api.log.info('business hours', {
      callId: call.callId,
      number: schedule.number,
      state: state.open ? 'open' : state.why,
      timeZone: api.timeZone,
      destination: destination.kind,
    });
    return { steps: [destinationStep(destination)] };
  },
});
