export * from './clock.js';
export * from './transaction/timer-config.js';
export * from './transaction/effects.js';
export * from './transaction/invite-client-transaction.js';
export * from './transaction/non-invite-client-transaction.js';
export * from './transaction/invite-server-transaction.js';
export * from './transaction/non-invite-server-transaction.js';
export * from './transaction/transaction-runner.js';
