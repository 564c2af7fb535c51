import { ConfigError, createLogger, loadConfig, redactConfig } from '@switchboard/config';
import { startAdminServer } from './app/admin-server.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`switchboard-admin: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger('admin', config);
  logger.info({ config: redactConfig(config) }, 'starting');
  const server = await startAdminServer(config, logger);
  logger.info({ url: server.url }, 'listening');
  process.stdout.write(`Switchboard admin listening on ${server.url}\n`);
  // `npm start` waits for this (an IPC channel it opened) before printing where everything runs.
  process.send?.({ type: 'ready', role: 'admin', url: server.url });

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(
    `switchboard-admin: failed to start: ${err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exit(1);
});
