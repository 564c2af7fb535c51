export { default, PLUGIN_ID } from './business-hours-plugin.js';
export {
  configSchema,
  scheduleSchema,
  type BusinessHoursConfig,
  type Schedule,
} from './business-hours-config.js';
export { openingState, type OpeningState } from './opening-state.js';
