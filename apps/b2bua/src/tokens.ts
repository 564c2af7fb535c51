/** Injection tokens shared by both process roles. */
export const CONFIG = Symbol('SwitchboardConfig');
export const LOGGER = Symbol('Logger');
/** This process's role ('signalling' or 'worker'). */
export const PROCESS_ROLE = Symbol('ProcessRole');
export const REDIS = Symbol('Redis');
export const PRISMA = Symbol('PrismaClient');
export const PLUGIN_REGISTRY = Symbol('PluginRegistry');
/** The Clock (from @switchboard/transactions) every SIP timer runs on; tests may provide a FakeClock. */
export const SIP_CLOCK = Symbol('SipClock');
/** The signalling process's SecurityMetrics (flood bans, lock-outs, refusals). */
export const SECURITY_METRICS = Symbol('SecurityMetrics');
/** Wall-clock time routing plugins get as `api.now()` (time-of-day routing); tests provide a fixed one. */
export const WALL_CLOCK = Symbol('WallClock');
export type WallClock = () => Date;
