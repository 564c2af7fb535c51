/** Injection tokens shared by both process roles. */
export const CONFIG = Symbol('SwitchboardConfig');
export const LOGGER = Symbol('Logger');
export const REDIS = Symbol('Redis');
export const PRISMA = Symbol('PrismaClient');
export const PLUGIN_REGISTRY = Symbol('PluginRegistry');
