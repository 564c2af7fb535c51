import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger, SwitchboardConfig } from '@switchboard/config';
import { ConfigModule } from './config.module.js';
import { RedisConnectionService } from './services/redis-connection.service.js';

/** Root module of the routing worker process role (BullMQ workers running routing plugins). */
@Module({})
export class WorkerModule {
  static forRoot(config: SwitchboardConfig, logger: Logger): DynamicModule {
    return {
      module: WorkerModule,
      imports: [ConfigModule.forRoot(config, logger)],
      providers: [RedisConnectionService],
    };
  }
}
