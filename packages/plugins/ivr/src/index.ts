import { createIvrPlugin } from './ivr-plugin.js';

export { createIvrPlugin, configSchema, PLUGIN_ID, type IvrConfig } from './ivr-plugin.js';

/** The plugin the host loads by package name (SWITCHBOARD_PLUGINS). */
export default createIvrPlugin();
