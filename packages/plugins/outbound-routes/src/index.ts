export { default, PLUGIN_ID } from './outbound-routes-plugin.js';
export {
  configSchema,
  routeSchema,
  type OutboundRoutesConfig,
  type OutboundRoute,
} from './outbound-routes-config.js';
export { outboundNumber, emergencyTrunks, type OutboundNumber } from './outbound-number.js';
