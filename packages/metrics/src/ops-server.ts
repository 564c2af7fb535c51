import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger, SwitchboardConfig } from '@switchboard/config';
import type { ProcessMetrics } from './process-metrics.js';
import { runReadinessChecks, type ReadinessCheck } from './readiness.js';

export interface OpsServerOptions {
  host: string;
  /** 0 picks a free port (tests); callers skip the server entirely when it is configured off. */
  port: number;
  metrics: ProcessMetrics;
  readiness: readonly ReadinessCheck[];
  logger: Logger;
}

export interface RunningOpsServer {
  readonly url: string;
  close(): Promise<void>;
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}

/** Serves one request: the three operations paths, 404 JSON for anything else, 405 for non-GET/HEAD. */
export async function handleOpsRequest(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  options: Pick<OpsServerOptions, 'metrics' | 'readiness'>,
): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://ops').pathname;
  const known = path === '/metrics' || path === '/healthz' || path === '/readyz';
  if (!known) return sendJson(res, 404, { statusCode: 404, message: `no route ${path}` });
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return sendJson(res, 405, { statusCode: 405, message: `${req.method ?? ''} not allowed on ${path}` });
  }
  if (path === '/healthz') return sendJson(res, 200, { status: 'ok', role: options.metrics.role });
  if (path === '/readyz') {
    const result = await runReadinessChecks(options.readiness);
    return sendJson(res, result.ready ? 200 : 503, { role: options.metrics.role, ...result });
  }
  const { contentType, body } = await options.metrics.exposition();
  res.writeHead(200, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
  res.end(body);
}

/**
 * The operations listener of a process: `/metrics` (Prometheus), `/healthz` (the event loop
 * answers) and `/readyz` (its dependencies answer). It binds loopback by default since metrics
 * name extensions and peers; a failing handler answers 500 and is logged, never crashing the PBX.
 */
export async function startOpsServer(options: OpsServerOptions): Promise<RunningOpsServer> {
  const server = http.createServer((req, res) => {
    handleOpsRequest(req, res, options).catch((err: unknown) => {
      options.logger.error({ err, url: req.url }, 'operations endpoint failed');
      if (!res.headersSent) sendJson(res, 500, { statusCode: 500, message: 'internal error' });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * Starts the role's operations listener from the config: none when its port is 0, and a listen
 * failure (port taken) is logged as an error rather than stopping the PBX — calls matter more
 * than the scrape, and the missing /healthz shows the problem to whoever probes it.
 */
export async function startRoleOpsServer(
  config: Pick<SwitchboardConfig, 'metrics'>,
  options: Omit<OpsServerOptions, 'host' | 'port'>,
): Promise<RunningOpsServer | undefined> {
  const port = config.metrics.ports[options.metrics.role];
  if (port === 0) return undefined;
  try {
    const server = await startOpsServer({ ...options, host: config.metrics.host, port });
    options.logger.info({ url: server.url }, 'operations endpoints (/metrics, /healthz, /readyz) listening');
    return server;
  } catch (err) {
    options.logger.error({ err, host: config.metrics.host, port }, 'operations endpoints could not listen');
    return undefined;
  }
}
