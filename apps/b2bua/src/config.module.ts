import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { Logger, SwitchboardConfig } from '@switchboard/config';
import { METRICS, type ProcessMetrics } from '@switchboard/metrics';
import { CONFIG, LOGGER } from './tokens.js';

/** Provides the already-validated config, the process logger and its metrics registry to every module. */
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
      ],
      exports: [CONFIG, LOGGER, METRICS],
    };
  }
}
