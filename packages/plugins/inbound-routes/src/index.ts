export { default, PLUGIN_ID, findRoute } from './inbound-routes-plugin.js';
export {
  configSchema,
  didRouteSchema,
  inboundDestinationSchema,
  type DidRoute,
  type InboundDestination,
  type InboundRoutesConfig,
} from './inbound-routes-config.js';
