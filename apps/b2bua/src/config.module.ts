import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { Logger, SwitchboardConfig } from '@switchboard/config';
import { METRICS, type ProcessMetrics } from '@switchboard/metrics';
import { CONFIG, LOGGER, PROCESS_ROLE } from './tokens.js';

/** Provides the already-validated config, the process logger, its metrics registry and role to every module. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: SwitchboardConfig, logger: Logger, metrics: ProcessMetrics): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: METRICS, useValue: metrics },
        { provide: PROCESS_ROLE, useValue: metrics.role },
      ],
      exports: [CONFIG, LOGGER, METRICS, PROCESS_ROLE],
    };
  }
}
