import { HttpException } from '@nestjs/common';
import { loadConfig, type SwitchboardConfig } from '@switchboard/config';
import { Redis } from 'ioredis';
import type { z } from 'zod';
import { AuditLogService, type AuditActor } from '../audit/audit-log.service.js';
import { createPrismaClient, type PrismaClient } from '../common/db.js';
import { issuesToFieldErrors } from '../common/zod-validation.pipe.js';

/** A user-facing CLI failure: printed without a stack trace, exit status 1. */
export class CliError extends Error {}

export const cliActor: AuditActor = { id: null, name: 'cli' };

/** Lazily opened connections shared by one CLI invocation. */
export class CliContext {
  private prismaClient: PrismaClient | null = null;
  private redisClient: Redis | null = null;
  readonly config: SwitchboardConfig;

  /** @param env the CLI's environment (withSettingsFile: SWITCHBOARD_SETTINGS names the file in use) */
  constructor(readonly env: NodeJS.ProcessEnv = process.env) {
    this.config = loadConfig(env);
  }

  get prisma(): PrismaClient {
    this.prismaClient ??= createPrismaClient(this.config.databaseUrl);
    return this.prismaClient;
  }

  get audit(): AuditLogService {
    return new AuditLogService(this.prisma);
  }

  async redis(): Promise<Redis> {
    if (!this.redisClient) {
      this.redisClient = new Redis(this.config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
      // The failing command reports it (CliError); without a listener ioredis would also print each
      // reconnect failure as an unhandled error event.
      this.redisClient.on('error', () => undefined);
      await this.redisClient.connect();
    }
    return this.redisClient;
  }

  async close(): Promise<void> {
    await this.prismaClient?.$disconnect();
    this.redisClient?.disconnect();
  }
}

export function parseOrFail<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new CliError(
      issuesToFieldErrors(result.error.issues)
        .map((e) => `${e.field}: ${e.message}`)
        .join('\n'),
    );
  }
  return result.data;
}

/** The message of a service's HTTP error (409, 404, 400 with field errors) as CLI text. */
export function describeError(error: unknown): string {
  if (error instanceof HttpException) {
    const body = error.getResponse();
    if (typeof body === 'object' && body !== null && 'message' in body) return String(body.message);
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
