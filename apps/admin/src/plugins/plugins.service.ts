import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { AuditLogService, type AuditActor } from '../audit/audit-log.service.js';
import { notFound } from '../common/conflict.js';
import type { Prisma, PrismaClient } from '../common/db.js';
import type { AdminOptions } from '../common/admin-options.js';
import { ADMIN_OPTIONS, PRISMA, REDIS } from '../common/tokens.js';
import { issuesToFieldErrors, validationError } from '../common/zod-validation.pipe.js';
import { pluginStatusOf, readProcesses, redisKeys, type PluginWorkerStatus } from '@switchboard/live-state';
import { pluginManifestSchema, pluginManifestsKey, type PluginManifest } from './plugin-manifest.js';

export interface PluginView {
  id: string;
  name: string;
  version: string | null;
  description: string | null;
  /** Announced by a running routing worker (else only a stored configuration exists). */
  installed: boolean;
  enabled: boolean;
  config: unknown;
  configSchema: Record<string, unknown> | null;
}

export interface PluginRollout {
  /** The latest saved configuration revision. */
  revision: number;
  /** Routing workers alive now, and how many of them run that revision. */
  workers: number;
  applied: number;
  live: boolean;
  /** Why workers refused the latest configuration (they keep running the previous one). */
  errors: string[];
}

function parseManifest(text: string): PluginManifest | null {
  try {
    const parsed = pluginManifestSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

@Injectable()
export class PluginsService {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(AuditLogService) private readonly audit: AuditLogService,
    @Inject(ADMIN_OPTIONS) private readonly options: Pick<AdminOptions, 'queuePrefix'>,
  ) {}

  async list(): Promise<PluginView[]> {
    const [raw, rows] = await Promise.all([
      this.redis.hgetall(pluginManifestsKey),
      this.prisma.pluginConfig.findMany(),
    ]);
    const manifests = new Map<string, PluginManifest>();
    for (const text of Object.values(raw)) {
      const m = parseManifest(text);
      if (m) manifests.set(m.id, m);
    }
    const configs = new Map(rows.map((r) => [r.pluginId, r]));
    const ids = [...new Set([...manifests.keys(), ...configs.keys()])].sort();
    return ids.map((id) => {
      const m = manifests.get(id);
      const c = configs.get(id);
      return {
        id,
        name: id,
        version: m?.version ?? null,
        description: m?.description ?? null,
        installed: m !== undefined,
        // No stored row yet: the worker runs it with its default, enabled (plugin-sdk's PluginRegistry).
        enabled: c?.enabled ?? m?.enabled ?? true,
        config: c?.config ?? {},
        configSchema:
          m?.configJsonSchema && Object.keys(m.configJsonSchema).length > 0 ? m.configJsonSchema : null,
      };
    });
  }

  /** Saves enabled + config; config is checked against the plugin's announced JSON Schema. */
  async update(
    actor: AuditActor,
    id: string,
    enabled: boolean,
    config: Record<string, unknown>,
  ): Promise<PluginView & { revision: number }> {
    const plugin = (await this.list()).find((p) => p.id === id);
    if (!plugin) throw notFound(`plugin "${id}"`);
    if (plugin.configSchema) {
      const schema = z.fromJSONSchema(plugin.configSchema);
      const result = schema.safeParse(config);
      if (!result.success) {
        throw validationError(
          issuesToFieldErrors(result.error.issues).map((e) => ({ ...e, field: `config.${e.field}` })),
        );
      }
    }
    const json = config as Prisma.InputJsonValue;
    await this.prisma.pluginConfig.upsert({
      where: { pluginId: id },
      create: { pluginId: id, enabled, config: json },
      update: { enabled, config: json },
    });
    // Rows first, then the revision: a worker that reads the revision and then the rows sees this change.
    const revision = await this.redis.incr(redisKeys.pluginConfigRevision);
    await this.redis.publish(redisKeys.pluginConfigChanged, String(revision));
    await this.audit.record(actor, {
      action: 'update',
      entity: 'plugin_config',
      entityId: id,
      before: { enabled: plugin.enabled, config: plugin.config },
      after: { enabled, config },
    });
    return { ...plugin, enabled, config, revision };
  }

  /** How far the latest saved configuration has reached the live routing workers (their heartbeats). */
  async rollout(): Promise<PluginRollout> {
    const [rawRevision, processes] = await Promise.all([
      this.redis.get(redisKeys.pluginConfigRevision),
      readProcesses(this.redis, this.options.queuePrefix),
    ]);
    const revision = Number(rawRevision ?? 0);
    const workers = processes
      .filter((p) => p.role === 'worker' && p.alive)
      .map(pluginStatusOf)
      .filter((w): w is PluginWorkerStatus => w !== null);
    const applied = workers.filter((w) => w.revision >= revision).length;
    const errors = [...new Set(workers.flatMap((w) => (w.error === undefined ? [] : [w.error])))];
    return {
      revision,
      workers: workers.length,
      applied,
      live: workers.length > 0 && applied === workers.length,
      errors,
    };
  }
}
