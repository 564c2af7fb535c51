/** Dependency-injection tokens for the runtime objects the admin app is built around. */
export const PRISMA = Symbol('PRISMA');
export const REDIS = Symbol('REDIS');
export const ADMIN_OPTIONS = Symbol('ADMIN_OPTIONS');
/** The admin app's controller classes, for the OpenAPI document built from their routes. */
export const ADMIN_CONTROLLERS = Symbol('ADMIN_CONTROLLERS');
