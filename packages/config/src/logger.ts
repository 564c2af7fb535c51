import { pino, type Logger } from 'pino';
import type { SwitchboardConfig } from './load-config.js';

export type { Logger } from 'pino';

/** Structured JSON logs (pino); `name` tells which process role or component wrote the line. */
export function createLogger(name: string, config: Pick<SwitchboardConfig, 'logLevel'>): Logger {
  return pino({ name, level: config.logLevel, base: { pid: process.pid } });
}
