export * from './auth/index.js';
export * from './dialog/index.js';
