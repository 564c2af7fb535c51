export * from './redis-keys.js';
