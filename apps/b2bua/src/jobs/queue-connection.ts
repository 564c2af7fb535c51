import { logConnectionErrors, type WarnLogger } from '@switchboard/live-state';
import type { DefaultJobOptions } from 'bullmq';
import { Redis } from 'ioredis';

/**
 * A Redis connection for BullMQ queues, workers and the routing reply channel. BullMQ's blocking
 * commands need `maxRetriesPerRequest: null`; `pipelined` batches the commands of one event-loop
 * turn into one write (for producers on the signalling hot path, never for blocking readers). Its
 * errors are logged under `name`, rate-limited (logConnectionErrors).
 */
export function queueConnection(
  redisUrl: string,
  name: string,
  logger: WarnLogger,
  options: { pipelined?: boolean } = {},
): Redis {
  const redis = new Redis(redisUrl, {
    maxRetriesPerRequest: null,
    enableAutoPipelining: options.pipelined ?? false,
  });
  logConnectionErrors(redis, logger, name);
  return redis;
}

/**
 * Finished jobs kept for inspection: at most an hour and at most this many per queue. An age alone
 * grows with the call rate: at 1,000 calls/s an hour of call-record jobs (~2.4 KiB each in Redis)
 * would be 3.6 million jobs, ~8 GiB of Redis. Idempotence does not depend on kept jobs: records are
 * inserted by their call id with ON CONFLICT DO NOTHING, voicemail rows by their id.
 */
export const KEEP_COMPLETED = 1000;

/** Jobs that must reach PostgreSQL (call records, voicemail messages): retried with back-off, failures kept. */
export const durableJobOptions: DefaultJobOptions = {
  attempts: 20,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 3600, count: KEEP_COMPLETED },
  removeOnFail: false,
};

/**
 * Routing jobs (`RoutingClientService`): the answer travels on the asking process's reply channel,
 * so a completed job is of no further use and is deleted as it completes (one DEL). Kept in the
 * completed set it cost 7 more Redis commands per job in BullMQ's finishing script once
 * KEEP_COMPLETED were kept (ZADD, HSET of the plan, three range reads, eviction of the oldest) and
 * ~1 KiB of Redis each. Failed jobs (a malformed job, a worker that died) are kept for inspection.
 */
export const routingJobOptions: DefaultJobOptions = {
  removeOnComplete: true,
  removeOnFail: { age: 3600, count: KEEP_COMPLETED },
  attempts: 1,
};
