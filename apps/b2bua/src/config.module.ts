import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { Logger, SwitchboardConfig } from '@switchboard/config';
import { CONFIG, LOGGER } from './tokens.js';

/** Provides the already-validated config and the process logger to every module. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: SwitchboardConfig, logger: Logger): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
      ],
      exports: [CONFIG, LOGGER],
    };
  }
}
