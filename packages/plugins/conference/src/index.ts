import { createConferencePlugin } from './conference-plugin.js';

export {
  createConferencePlugin,
  configSchema,
  PLUGIN_ID,
  type ConferenceConfig,
} from './conference-plugin.js';

/** The plugin the host loads by package name (SWITCHBOARD_PLUGINS). */
export default createConferencePlugin();
