import type { ProcessMetrics } from '@switchboard/metrics';
import type { Job, Worker } from 'bullmq';

/** From a millisecond (an idle queue) to the seconds a backlog or a worker outage can add. */
const WAIT_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/**
 * Observes, for every job `worker` takes, how long it waited in its queue: from being added (or
 * from the end of its delay, for a delayed job) until a worker took it. Only first attempts: a
 * retry's wait is its back-off, chosen on purpose, not a sign of a slow queue.
 */
export function observeJobWait(worker: Worker, metrics: ProcessMetrics): void {
  const wait = metrics.histogram({
    name: 'switchboard_queue_job_wait_seconds',
    help: 'Time a job waited in its queue before a worker took it (first attempts)',
    labelNames: ['queue'],
    buckets: WAIT_BUCKETS,
  });
  worker.on('active', (job: Job) => {
    if (job.attemptsMade > 0) return;
    const readyAt = job.timestamp + (job.delay > 0 ? job.delay : 0);
    wait.observe({ queue: worker.name }, Math.max(0, (job.processedOn ?? Date.now()) - readyAt) / 1000);
  });
}
