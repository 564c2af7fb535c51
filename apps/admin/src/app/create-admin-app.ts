import 'reflect-metadata';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Logger } from '@switchboard/config';
import express, { type NextFunction, type Request, type Response } from 'express';
import { AdminAppModule, type AdminAppDependencies } from './admin-app.module.js';
import { PinoNestLogger } from './pino-nest-logger.js';
import { securityHeaders } from './security-headers.js';

const require = createRequire(import.meta.url);

function swaggerUiDir(): string {
  return path.dirname(require.resolve('swagger-ui-dist/package.json'));
}

/**
 * Paths that are never a client-side route: the API and the probes a monitor calls. They get the
 * API's 404 JSON when nothing serves them, so a monitor never reads the SPA's 200 as "up".
 */
const NON_SPA_PATHS = /^\/(api|healthz|readyz|metrics)(\/|$)/;

/** index.html for every other GET, so the client-side routes survive a reload. */
function spaFallback(webDistDir: string) {
  const index = path.join(webDistDir, 'index.html');
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method !== 'GET' || NON_SPA_PATHS.test(req.path)) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  };
}

/** Builds the admin HTTP app (not yet listening) around an existing Prisma client and Redis connection. */
export async function createAdminApp(
  deps: AdminAppDependencies,
  logger?: Logger,
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AdminAppModule.forRoot(deps), {
    logger: logger ? new PinoNestLogger(logger) : false,
    abortOnError: false,
  });
  app.disable('x-powered-by');
  // A client (browser, reverse proxy, undici) reuses an idle keep-alive connection until its own idle
  // timer fires; Node's 5 s server default closes it first under load, and the reused request then
  // fails with ECONNRESET. The server must outlive its clients' idle timeouts (60 s is the common proxy
  // default); headersTimeout stays above it as Node requires.
  const server = app.getHttpServer();
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  app.use(securityHeaders);
  app.use('/api/docs/assets', express.static(swaggerUiDir(), { index: false }));
  const web = deps.options.webDistDir;
  if (web && fs.existsSync(path.join(web, 'index.html'))) {
    app.use(express.static(web, { index: false }));
    app.use(spaFallback(web));
  }
  return app;
}
