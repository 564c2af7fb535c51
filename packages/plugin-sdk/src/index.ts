// zod itself, bundled in the packed SDK: plugins write their configSchema with this `z`, so the schema
// and the SDK's types always come from the same zod.
export { z } from 'zod';
export * from './routing-plan.js';
export type { CallContext, CallAttempt } from './call-context.js';
export type {
  PluginApi,
  ExtensionInfo,
  RegisteredContact,
  PluginLogger,
  PluginState,
  RingGroupInfo,
  RingStrategy,
  FollowMeInfo,
  ConferenceRoomInfo,
  MenuInfo,
} from './plugin-api.js';
export {
  definePlugin,
  isPlugin,
  isPass,
  PASS,
  PLUGIN_BRAND,
  type PluginManifest,
  type RoutingDecision,
  type SwitchboardPlugin,
} from './define-plugin.js';
export {
  PluginRegistry,
  PluginRegistryError,
  loadPluginModules,
  type PluginEntry,
  type RegisteredPlugin,
  type PluginDescription,
  type PluginModuleSpec,
} from './plugin-registry.js';
export {
  routeThroughChain,
  PluginFailureError,
  type ChainResult,
  type ChainOptions,
  type PluginRun,
  type PluginRunOutcome,
} from './plugin-chain.js';
export { firstMove, moveAfterFailure, combineFailures, reasonPhrase, type PlanMove } from './plan-cursor.js';
export { outcomeOfStatus, isCarrierFailure } from './failure-status.js';
export { dialTargetKey } from './dial-target-key.js';
export { externalTarget, domainOf, type ExternalTargetOptions } from './external-target.js';
export {
  compileDialPattern,
  rewriteNumber,
  DialPatternError,
  type DialPattern,
} from './numbering/dial-pattern.js';
export { dialPatternSchema } from './numbering/dial-pattern-schema.js';
export {
  classifyNumber,
  classAllows,
  dialPrefixes,
  toE164,
  DIAL_CLASSES,
  NumberingError,
  type ClassifiedNumber,
  type DialClass,
  type NumberClass,
  type NumberingSettings,
} from './numbering/phone-numbers.js';
export {
  noAnswerStep,
  UNAVAILABLE_STEP,
  BUSY_STEP,
  type NoAnswerDestination,
  type NoAnswerStepOptions,
} from './no-answer-destination.js';
export { zonedTime, isTimeZone, WEEKDAYS, type Weekday, type ZonedTime } from './time/zoned-time.js';
export { routeDestinationSchema, destinationStep, type RouteDestination } from './route-destination.js';
export { MENU_KEYS, menuOptionSchema, menuOptionsSchema, type MenuOption } from './menu-options.js';
