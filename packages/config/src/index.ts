export {
  envSchema,
  configVariableNames,
  parseRoutingFallback,
  isCidr,
  type RoutingFallback,
  type SwitchboardEnv,
} from './config-schema.js';
export { loadConfig, redactConfig, ConfigError, uriHost, type SwitchboardConfig } from './load-config.js';
export { createLogger, type Logger } from './logger.js';
export { LogThrottle } from './log-throttle.js';
