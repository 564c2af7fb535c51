import { pino, type DestinationStream, type Logger } from 'pino';
import { prettyFactory } from 'pino-pretty';
import type { SwitchboardConfig } from './load-config.js';

export type { Logger } from 'pino';

type LogConfig = Pick<SwitchboardConfig, 'logLevel'> & Partial<Pick<SwitchboardConfig, 'logFormat'>>;

/**
 * A pino destination printing each JSON line for a human (pino-pretty: local time, level,
 * name/pid, message, then the fields indented). Synchronous, like pino's own stdout: a process
 * that logs and then exits loses no line.
 */
function prettyDestination(out: NodeJS.WritableStream): DestinationStream {
  const prettify = prettyFactory({
    translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l',
    ignore: 'hostname',
    colorize: 'isTTY' in out && out.isTTY === true,
  });
  return { write: (line: string) => void out.write(prettify(line)) };
}

/**
 * Structured logs (pino); `name` tells which process role or component wrote the line. JSON lines
 * by default (for journald, Loki, jq); SWITCHBOARD_LOG_FORMAT=pretty is for a human at a terminal.
 * `out` (default stdout) is for tests.
 */
export function createLogger(name: string, config: LogConfig, out?: NodeJS.WritableStream): Logger {
  const options = { name, level: config.logLevel, base: { pid: process.pid } };
  if (config.logFormat === 'pretty') return pino(options, prettyDestination(out ?? process.stdout));
  return out === undefined ? pino(options) : pino(options, out);
}
