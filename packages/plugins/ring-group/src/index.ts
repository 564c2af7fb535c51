import { createRingGroupPlugin } from './ring-group-plugin.js';

export { createRingGroupPlugin, PLUGIN_ID, type RingGroupPluginOptions } from './ring-group-plugin.js';
export { configSchema, type RingGroupConfig } from './ring-group-config.js';
export { lastAnsweredKey } from './round-robin-memory.js';
export { externalTarget, domainOf } from '@switchboard/plugin-sdk';

/** The plugin the host loads by package name (SWITCHBOARD_PLUGINS). */
export default createRingGroupPlugin();
