export {
  createTestApi,
  apiForPlugin,
  testCall,
  type TestWorld,
  type TestApi,
  type LogLine,
} from './test-world.js';
export {
  simulatePlan,
  targetKey,
  type CalleeBehaviour,
  type SimEvent,
  type SimResult,
  type Simulation,
} from './simulate-plan.js';
export { routeCall, type RouteCallResult } from './route-call.js';
