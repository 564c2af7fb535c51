export { default, PLUGIN_ID } from './find-me-plugin.js';
export { configSchema, type FindMeConfig } from './find-me-config.js';
export { externalTarget, domainOf } from '@switchboard/plugin-sdk';
