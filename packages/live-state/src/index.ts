export * from './redis-keys.js';
export * from './process-heartbeat.js';
