import type { DefaultJobOptions } from 'bullmq';
import { Redis } from 'ioredis';

/**
 * A Redis connection for BullMQ queues, workers and the routing reply channel. BullMQ's blocking
 * commands need `maxRetriesPerRequest: null`; `pipelined` batches the commands of one event-loop
 * turn into one write (for producers on the signalling hot path, never for blocking readers).
 */
export function queueConnection(redisUrl: string, options: { pipelined?: boolean } = {}): Redis {
  return new Redis(redisUrl, {
    maxRetriesPerRequest: null,
    enableAutoPipelining: options.pipelined ?? false,
  });
}

/** Jobs that must reach PostgreSQL (call records, voicemail messages): retried with back-off, failures kept. */
export const durableJobOptions: DefaultJobOptions = {
  attempts: 20,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 3600 },
  removeOnFail: false,
};
