export * from './redis-keys.js';
export * from './process-heartbeat.js';
export * from './connection-errors.js';
