/** Injection tokens shared by both process roles. */
export const CONFIG = Symbol('SwitchboardConfig');
export const LOGGER = Symbol('Logger');
