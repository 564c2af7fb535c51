export { ProcessMetrics, METRIC_PREFIX, type ProcessRole } from './process-metrics.js';
export {
  startOpsServer,
  startRoleOpsServer,
  handleOpsRequest,
  type OpsServerOptions,
  type RunningOpsServer,
} from './ops-server.js';
export {
  runReadinessChecks,
  READINESS_CHECK_TIMEOUT_MS,
  type ReadinessCheck,
  type ReadinessResult,
} from './readiness.js';
export { METRICS } from './tokens.js';
