import type { Redis } from 'ioredis';
import { performance } from 'node:perf_hooks';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger, SwitchboardConfig } from '@switchboard/config';
import { logConnectionErrors } from '@switchboard/live-state';
import {
  PluginFailureError,
  routeThroughChain,
  type ExtensionInfo,
  type FollowMeInfo,
  type PluginApi,
  type RegisteredPlugin,
  type RingGroupInfo,
  type ConferenceRoomInfo,
  type MenuInfo,
  type RoutingPlan,
} from '@switchboard/plugin-sdk';
import { METRICS, type ProcessMetrics } from '@switchboard/metrics';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Histogram } from 'prom-client';
import {
  ROUTING_BATCH_JOB,
  ROUTING_QUEUE,
  routingBatchEntrySchema,
  routingBatchJobSchema,
  routingJobSchema,
  type RoutingJob,
  type RoutingResult,
} from '../jobs/routing-job.js';
import { ActiveCallRepository } from '../repositories/active-call.repository.js';
import { DirectoryRepository } from '../repositories/directory.repository.js';
import { ExtensionRepository } from '../repositories/extension.repository.js';
import { PbxSettingsRepository } from '../repositories/pbx-settings.repository.js';
import { PluginStateRepository } from '../repositories/plugin-state.repository.js';
import { RecordingPolicyRepository } from '../repositories/recording-policy.repository.js';
import { RegistrationRepository } from '../repositories/registration.repository.js';
import { RecordingFlagsCache } from '../recordings/recording-flags-cache.js';
import { recordingPlanOf, type RecordingPlan } from '../recordings/recording-policy.js';
import { CONFIG, LOGGER, PLUGIN_REGISTRY, WALL_CLOCK, type WallClock } from '../tokens.js';
import { LookupCache } from './lookup-cache.js';
import type { LivePluginRegistry } from './plugin-registry.factory.js';
import { encodeRoutingReply, type RoutingReplyTiming } from './routing-reply.js';
import { preciseWallMs } from '../calls/call-latency.js';
import { queueConnection } from '../jobs/queue-connection.js';
import { observeJobWait } from '../ops/queue-job-wait.js';

const RECORDING_FLAGS_TTL_MS = 2_000;

/** Runs the plugin chain for routing jobs; any number of these processes can share the queue. */
@Injectable()
export class RoutingWorkerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private worker: Worker | undefined;
  private publisher: Redis | undefined;
  private readonly lookups: {
    readonly extension: LookupCache<ExtensionInfo | undefined>;
    readonly ringGroup: LookupCache<RingGroupInfo | undefined>;
    readonly conferenceRoom: LookupCache<ConferenceRoomInfo | undefined>;
    readonly menu: LookupCache<MenuInfo | undefined>;
    readonly followMe: LookupCache<FollowMeInfo | undefined>;
    readonly timeZone: LookupCache<string>;
  };
  /** Calls this process routed (for metrics and the scale-out test). */
  processed = 0;
  /** Batch jobs this process ran (each counted in `processed` per call too). */
  batchesProcessed = 0;
  private readonly chainRun: Histogram<'plugin' | 'outcome'>;
  private readonly pluginRun: Histogram<'plugin' | 'outcome'>;
  /** Each chain entry's plugin API (see apiFor). */
  private readonly apis = new WeakMap<
    RegisteredPlugin,
    { readonly timeZone: string; readonly api: PluginApi<unknown> }
  >();
  /** Extensions and ring groups that record: a switch in the admin applies to calls within this. */
  private readonly recordingFlags: RecordingFlagsCache;

  constructor(
    @Inject(CONFIG) private readonly config: SwitchboardConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(PLUGIN_REGISTRY) private readonly plugins: LivePluginRegistry,
    @Inject(ExtensionRepository) private readonly extensions: ExtensionRepository,
    @Inject(RegistrationRepository) private readonly registrations: RegistrationRepository,
    @Inject(ActiveCallRepository) private readonly activeCalls: ActiveCallRepository,
    @Inject(PluginStateRepository) private readonly pluginState: PluginStateRepository,
    @Inject(DirectoryRepository) private readonly directory: DirectoryRepository,
    @Inject(RecordingPolicyRepository) recordingPolicy: RecordingPolicyRepository,
    @Inject(PbxSettingsRepository) private readonly pbxSettings: PbxSettingsRepository,
    @Inject(WALL_CLOCK) private readonly wallClock: WallClock,
    @Inject(METRICS) private readonly metrics: ProcessMetrics,
  ) {
    this.recordingFlags = new RecordingFlagsCache(
      () => recordingPolicy.flags(),
      RECORDING_FLAGS_TTL_MS,
      () => performance.now(),
      (err) => this.logger.warn({ err }, 'database unreachable: recording switches as last read'),
    );
    const buckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
    this.chainRun = metrics.histogram({
      name: 'switchboard_routing_chain_seconds',
      help: "The routing plugin chain's run time per call, by the plugin that decided (none: no plugin routed it)",
      labelNames: ['plugin', 'outcome'],
      buckets,
    });
    this.pluginRun = metrics.histogram({
      name: 'switchboard_plugin_run_seconds',
      help: "Each routing plugin's own run time per call, by how its turn ended (plan, pass, threw, timeout, invalid-plan)",
      labelNames: ['plugin', 'outcome'],
      buckets,
    });
    // SWITCHBOARD_ROUTING_CACHE_MS: the plugin chain's directory reads, reused for that long (0 = off);
    // SWITCHBOARD_DB_OUTAGE_CACHE_SECONDS: still used after it while PostgreSQL is unreachable.
    const options = (kind: string) => ({
      ttlMs: this.config.routing.cacheMs,
      staleMs: this.config.database.outageCacheSeconds * 1000,
      // A hanging database must not eat the plugin's time budget: the cached row after 500 ms.
      slowLoadMs: 500,
      maxEntries: 10_000,
      now: () => performance.now(),
      onStale: (key: string, err: unknown, ageMs: number) =>
        this.logger.warn(
          { err, kind, key, ageMs: Math.round(ageMs) },
          'database unreachable: routing with a cached directory row',
        ),
    });
    this.lookups = {
      extension: new LookupCache(options('extension'), (n) => this.extensions.findInfo(n)),
      ringGroup: new LookupCache(options('ring group'), (n) => this.directory.ringGroup(n)),
      followMe: new LookupCache(options('follow-me'), (n) => this.directory.followMe(n)),
      conferenceRoom: new LookupCache(options('conference room'), (n) => this.directory.conferenceRoom(n)),
      menu: new LookupCache(options('menu'), (n) => this.directory.menu(n)),
      timeZone: new LookupCache(options('time zone'), () => this.pbxSettings.timeZone()),
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    this.worker = new Worker(ROUTING_QUEUE, (job) => this.process(job), {
      connection: queueConnection(this.config.redisUrl, 'routing worker', this.logger),
      prefix: this.config.queuePrefix,
      concurrency: this.config.routing.concurrency,
    });
    logConnectionErrors(this.worker, this.logger, 'routing worker');
    observeJobWait(this.worker, this.metrics);
    // Replies go out on a connection of their own (the worker's blocks), batched per event-loop turn.
    this.publisher = queueConnection(this.config.redisUrl, 'routing replies', this.logger, {
      pipelined: true,
    });
    await this.worker.waitUntilReady();
    this.logger.info(
      { queue: ROUTING_QUEUE, concurrency: this.config.routing.concurrency },
      'routing worker ready',
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
    await this.publisher?.quit().catch(() => undefined);
  }

  /** A routing job: one call (`route`) or a batch of calls (`route-batch`). */
  async process(job: Job): Promise<RoutingResult | { routed: number }> {
    const pickedAt = preciseWallMs();
    if (job.name === ROUTING_BATCH_JOB) return this.processBatch(job, pickedAt);
    const parsed = routingJobSchema.safeParse(job.data);
    if (!parsed.success) {
      // A malformed job will not get better on retry.
      throw new UnrecoverableError(`invalid routing job: ${parsed.error.issues[0]?.message ?? 'unknown'}`);
    }
    return this.routeAndReply(job.id, parsed.data.call, parsed.data.replyTo, pickedAt);
  }

  /**
   * The calls of a batch are routed concurrently and each reply is published as soon as its plan
   * is ready (a slow plugin for one call delays no other). Entries are validated one by one: a
   * malformed one gets a worker-error reply when its job id is readable, the others go on.
   */
  private async processBatch(job: Job, pickedAt: number): Promise<{ routed: number }> {
    const batch = routingBatchJobSchema.safeParse(job.data);
    if (!batch.success) {
      throw new UnrecoverableError(`invalid routing batch: ${batch.error.issues[0]?.message ?? 'unknown'}`);
    }
    this.batchesProcessed += 1;
    const { calls, replyTo } = batch.data;
    const routed = await Promise.all(
      calls.map(async (raw) => {
        const entry = routingBatchEntrySchema.safeParse(raw);
        if (entry.success) {
          await this.routeAndReply(entry.data.jobId, entry.data.call, replyTo, pickedAt);
          return 1;
        }
        const jobId = (raw as { jobId?: unknown } | null)?.jobId;
        const message = `invalid routing batch entry: ${entry.error.issues[0]?.message ?? 'unknown'}`;
        this.logger.error({ jobId: job.id, entry: jobId }, message);
        if (typeof jobId === 'string') this.reply(replyTo, jobId, { kind: 'worker-error', message });
        return 0;
      }),
    );
    return { routed: routed.reduce<number>((a, b) => a + b, 0) };
  }

  /** Routes one call and publishes its result on the asking process's channel. Never rejects. */
  private async routeAndReply(
    jobId: string | undefined,
    call: RoutingJob['call'],
    replyTo: string | undefined,
    pickedAt: number,
  ): Promise<RoutingResult> {
    this.processed += 1;
    const started = performance.now();
    const result = await this.route(call).catch((err: unknown): RoutingResult => {
      // Not a plugin's failure (e.g. a database or Redis error): logged with the call id, and the
      // asking process hears at once so the call gets its fallback instead of waiting the timeout.
      this.logger.error({ err, callId: call.callId }, 'routing job failed');
      return { kind: 'worker-error', message: err instanceof Error ? err.message : String(err) };
    });
    this.chainRun.observe(
      {
        plugin: result.kind === 'plan' || result.kind === 'plugin-failed' ? result.pluginId : 'none',
        outcome: result.kind,
      },
      (performance.now() - started) / 1000,
    );
    // The asking process waits on its channel; a single job's return value stays for other readers.
    if (replyTo && jobId) this.reply(replyTo, jobId, result, { pickedAt, decidedAt: preciseWallMs() });
    return result;
  }

  private reply(replyTo: string, jobId: string, result: RoutingResult, timing?: RoutingReplyTiming): void {
    this.publisher
      ?.publish(replyTo, encodeRoutingReply(jobId, result, timing))
      .catch((err: unknown) => this.logger.error({ err, jobId }, 'routing reply not published'));
  }

  private async route(call: RoutingJob['call']): Promise<RoutingResult> {
    try {
      // One read (cached) per call: plugins get the PBX's zone, never the process's TZ.
      const timeZone = await this.lookups.timeZone.get('pbx');
      const result = await routeThroughChain(this.plugins.current, call, (e) => this.apiFor(e, timeZone), {
        timeoutMs: this.config.routing.pluginTimeoutMs,
        onPluginRun: (run) =>
          this.pluginRun.observe({ plugin: run.pluginId, outcome: run.outcome }, run.ms / 1000),
      });
      if (!result) return { kind: 'no-route' };
      const recording = await this.recordingPlan(call, result.plan);
      return {
        kind: 'plan',
        pluginId: result.pluginId,
        plan: result.plan,
        ...(recording ? { recording } : {}),
      };
    } catch (err) {
      if (err instanceof PluginFailureError) {
        this.logger.error(
          { err, callId: call.callId, pluginId: err.pluginId, failure: err.kind },
          'routing plugin failed',
        );
        // The error's text (a Prisma message names the database host and port) stays in this log;
        // the caller's call record gets a cause of our own wording.
        return {
          kind: 'plugin-failed',
          pluginId: err.pluginId,
          failure: err.kind,
          message: publicFailureMessage(err),
        };
      }
      throw err;
    }
  }

  /** Never rejects: without the switches the call goes on unrecorded (logged with the call id). */
  private async recordingPlan(
    call: RoutingJob['call'],
    plan: RoutingPlan,
  ): Promise<RecordingPlan | undefined> {
    try {
      const flags = await this.recordingFlags.get();
      return recordingPlanOf(call.caller.extension, call.destination, plan, flags);
    } catch (err) {
      this.logger.error({ err, callId: call.callId }, 'recording switches not readable: call not recorded');
      return undefined;
    }
  }

  /**
   * A plugin's API, built once per chain entry (a configuration change makes new entries) and time
   * zone, not per call and plugin: it holds no per-call state, and building it made a pino child
   * logger and a state accessor for every plugin of every call.
   */
  private apiFor(entry: RegisteredPlugin, timeZone: string): PluginApi<unknown> {
    const built = this.apis.get(entry);
    if (built?.timeZone === timeZone) return built.api;
    const api = this.buildApi(entry, timeZone);
    this.apis.set(entry, { timeZone, api });
    return api;
  }

  private buildApi(entry: RegisteredPlugin, timeZone: string): PluginApi<unknown> {
    const pluginId = entry.plugin.id;
    const log = this.logger.child({ pluginId });
    const lookups = this.lookups;
    return {
      config: entry.config,
      extensions: { get: (n) => lookups.extension.get(n) },
      registrations: { contacts: (key) => this.registrations.contacts(key) },
      directory: {
        ringGroup: (n) => lookups.ringGroup.get(n),
        followMe: (ext) => lookups.followMe.get(ext),
        conferenceRoom: (n) => lookups.conferenceRoom.get(n),
        menu: (n) => lookups.menu.get(n),
      },
      calls: {
        activeCount: (ext) => this.activeCalls.countFor(ext),
        activeExternalCount: (ext) => this.activeCalls.externalCountFor(ext),
      },
      state: this.pluginState.forPlugin(pluginId),
      log: {
        info: (msg, fields) => log.info(fields ?? {}, msg),
        warn: (msg, fields) => log.warn(fields ?? {}, msg),
        error: (msg, fields) => log.error(fields ?? {}, msg),
      },
      now: () => this.wallClock(),
      timeZone,
    };
  }
}

/** What a call record may say about a failed plugin: its id and how it failed, no error text. */
export function publicFailureMessage(err: PluginFailureError): string {
  switch (err.kind) {
    case 'threw':
      return `plugin "${err.pluginId}" threw an error`;
    case 'timeout':
      return `plugin "${err.pluginId}" timed out`;
    case 'invalid-plan':
      return `plugin "${err.pluginId}" returned an invalid plan`;
  }
}
