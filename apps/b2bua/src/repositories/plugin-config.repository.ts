import { Inject, Injectable } from '@nestjs/common';
import type { PrismaClient } from '@switchboard/db';
import { PRISMA } from '../tokens.js';

export interface StoredPluginConfig {
  pluginId: string;
  enabled: boolean;
  config: unknown;
}

/** Plugin configuration rows, edited in the admin app. */
@Injectable()
export class PluginConfigRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  async all(): Promise<StoredPluginConfig[]> {
    const rows = await this.prisma.pluginConfig.findMany();
    return rows.map((r) => ({ pluginId: r.pluginId, enabled: r.enabled, config: r.config }));
  }
}
