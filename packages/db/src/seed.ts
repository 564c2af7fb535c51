import type { Prisma, PrismaClient } from './generated/prisma/client.js';

/** A first-party plugin's row as created on first run. */
export interface DefaultPluginConfig {
  readonly pluginId: string;
  readonly enabled: boolean;
  readonly config: Prisma.InputJsonObject;
}

/**
 * First-party routing plugins and their starting configuration. Seeding only creates missing rows, so
 * what an operator changed later is never overwritten. No credentials and no users are seeded: the
 * first admin comes from the run command or the CLI.
 */
export const DEFAULT_PLUGIN_CONFIGS: readonly DefaultPluginConfig[] = [
  {
    pluginId: 'extensions',
    enabled: true,
    config: { ringSeconds: 30, onNoAnswer: 'voicemail', onBusy: 'voicemail', onDecline: 'voicemail' },
  },
  {
    // Ring groups themselves are rows of their own; this is how the plugin treats them.
    pluginId: 'ring-group',
    enabled: true,
    config: {
      disabledGroup: 'reject',
      skipBusyMembers: true,
      skipUnregisteredMembers: true,
      externalRingSeconds: 30,
      externalScheme: 'sip',
    },
  },
  {
    pluginId: 'find-me',
    enabled: true,
    config: { skipBusyExtensions: true, skipUnregisteredExtensions: true, externalScheme: 'sip' },
  },
];

export interface SeedResult {
  /** Plugin ids whose rows this run created. */
  readonly created: readonly string[];
  /** Plugin ids that already had a row (left untouched). */
  readonly existing: readonly string[];
}

/** Idempotent: running it again creates nothing and changes nothing. */
export async function seed(prisma: PrismaClient): Promise<SeedResult> {
  const ids = DEFAULT_PLUGIN_CONFIGS.map((p) => p.pluginId);
  const found = await prisma.pluginConfig.findMany({
    where: { pluginId: { in: ids } },
    select: { pluginId: true },
  });
  const existing = new Set(found.map((row) => row.pluginId));
  const missing = DEFAULT_PLUGIN_CONFIGS.filter((p) => !existing.has(p.pluginId));
  // skipDuplicates: a concurrent seed that got there first is not an error.
  await prisma.pluginConfig.createMany({
    data: missing.map((p) => ({ pluginId: p.pluginId, enabled: p.enabled, config: p.config })),
    skipDuplicates: true,
  });
  return { created: missing.map((p) => p.pluginId), existing: ids.filter((id) => existing.has(id)) };
}
