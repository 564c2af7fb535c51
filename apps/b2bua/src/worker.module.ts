import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger, SwitchboardConfig } from '@switchboard/config';
import { ProcessMetrics } from '@switchboard/metrics';
import type { Redis } from 'ioredis';
import { ConfigModule } from './config.module.js';
import { InfrastructureModule } from './infrastructure.module.js';
import { QueueMetricsService } from './ops/queue-metrics.service.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { ActiveCallRepository } from './repositories/active-call.repository.js';
import { CallRecordRepository } from './repositories/call-record.repository.js';
import { DirectoryRepository } from './repositories/directory.repository.js';
import { ExtensionRepository } from './repositories/extension.repository.js';
import { PbxSettingsRepository } from './repositories/pbx-settings.repository.js';
import { PluginConfigRepository } from './repositories/plugin-config.repository.js';
import { PluginStateRepository } from './repositories/plugin-state.repository.js';
import { CallRecordingRepository } from './repositories/call-recording.repository.js';
import { RecordingPolicyRepository } from './repositories/recording-policy.repository.js';
import { RecordingWorkerService } from './recordings/recording.services.js';
import { RegistrationRepository } from './repositories/registration.repository.js';
import { CallRecordWorkerService } from './calls/records/call-record.services.js';
import { ProcessHeartbeatService } from './ops/process-heartbeat.service.js';
import { PluginConfigReloaderService } from './routing/plugin-config-reloader.service.js';
import { buildPluginRegistry } from './routing/plugin-registry.factory.js';
import { RoutingWorkerService } from './routing/routing-worker.service.js';
import { CONFIG, LOGGER, PLUGIN_REGISTRY, REDIS, WALL_CLOCK, type WallClock } from './tokens.js';
import { VoicemailWorkerService } from './voicemail/voicemail-queue.services.js';

/** Root module of the routing worker process role (BullMQ workers running routing plugins). */
@Module({})
export class WorkerModule {
  /**
   * `metrics`: the process registry main.ts serves on /metrics (tests get a private one);
   * `wallClock`: the time plugins see (tests route on a fixed instant).
   */
  static forRoot(
    config: SwitchboardConfig,
    logger: Logger,
    metrics = new ProcessMetrics('worker'),
    wallClock: WallClock = () => new Date(),
  ): DynamicModule {
    return {
      module: WorkerModule,
      // NotificationsModule: the global MESSAGE_WAITING_NOTIFIER (to signalling's MWI) and the voicemail e-mail worker.
      imports: [
        ConfigModule.forRoot(config, logger, metrics),
        InfrastructureModule,
        NotificationsModule.forWorker(),
      ],
      providers: [
        { provide: WALL_CLOCK, useValue: wallClock },
        ExtensionRepository,
        DirectoryRepository,
        RegistrationRepository,
        ActiveCallRepository,
        PluginStateRepository,
        PluginConfigRepository,
        PbxSettingsRepository,
        CallRecordRepository,
        RecordingPolicyRepository,
        CallRecordingRepository,
        {
          provide: PLUGIN_REGISTRY,
          inject: [CONFIG, PluginConfigRepository, REDIS, LOGGER],
          useFactory: (c: SwitchboardConfig, stored: PluginConfigRepository, redis: Redis, log: Logger) =>
            buildPluginRegistry(c, stored, redis, log),
        },
        ProcessHeartbeatService,
        PluginConfigReloaderService,
        RoutingWorkerService,
        CallRecordWorkerService,
        RecordingWorkerService,
        VoicemailWorkerService,
        QueueMetricsService,
      ],
    };
  }
}
