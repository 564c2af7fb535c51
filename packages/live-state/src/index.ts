export * from './redis-keys.js';
export * from './process-heartbeat.js';
export * from './connection-errors.js';
export * from './lamp-state.js';
export * from './channel-subscriber.js';
