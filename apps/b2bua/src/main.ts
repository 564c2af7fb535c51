import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { PluginRegistryError } from '@switchboard/plugin-sdk';
import {
  ConfigError,
  createLogger,
  loadConfig,
  redactConfig,
  type SwitchboardConfig,
} from '@switchboard/config';
import { ProcessMetrics, startRoleOpsServer, type RunningOpsServer } from '@switchboard/metrics';
import { processReadiness } from './ops/process-readiness.js';
import { SignallingModule } from './signalling.module.js';
import { unhandledRejections } from './unhandled-rejections.js';
import { WorkerModule } from './worker.module.js';

const roles = ['signalling', 'worker'] as const;
type Role = (typeof roles)[number];

function parseRole(value: string | undefined): Role {
  const role = value ?? 'signalling';
  if ((roles as readonly string[]).includes(role)) return role as Role;
  throw new Error(`unknown role "${role}": expected one of ${roles.join(', ')}`);
}

function readConfig(): SwitchboardConfig {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`switchboard-b2bua: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

async function main(): Promise<void> {
  const role = parseRole(process.argv[2] ?? process.env.SWITCHBOARD_ROLE);
  const config = readConfig();
  const logger = createLogger(`b2bua-${role}`, config);
  logger.info({ role, config: redactConfig(config) }, 'starting');
  unhandledRejections.install(process, logger, { role });

  const metrics = new ProcessMetrics(role);
  const root =
    role === 'signalling'
      ? SignallingModule.forRoot(config, logger, metrics)
      : WorkerModule.forRoot(config, logger, metrics);
  const app = await NestFactory.createApplicationContext(root, { logger: false, abortOnError: false });

  // Filled once the app is up; a signal during start-up closes what exists by then.
  const ops: { server?: RunningOpsServer } = {};
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    Promise.all([ops.server?.close(), app.close()])
      .then(() => {
        logger.info('stopped');
        process.exit(0);
      })
      .catch((err: unknown) => {
        logger.error({ err }, 'error while stopping');
        process.exit(1);
      });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  await app.init();
  ops.server = await startRoleOpsServer(config, { metrics, readiness: processReadiness(app), logger });
  logger.info({ role }, 'ready');
  // `npm start` waits for this (an IPC channel it opened) before printing where everything runs.
  process.send?.({ type: 'ready', role });
}

main().catch((err: unknown) => {
  if (err instanceof PluginRegistryError) {
    process.stderr.write(`switchboard-b2bua: ${err.message}\n`);
    process.exit(1);
  }
  process.stderr.write(
    `switchboard-b2bua: failed to start: ${err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exit(1);
});
