import { z } from 'zod';
import { isPlugin, type SwitchboardPlugin } from './define-plugin.js';

export interface PluginEntry {
  readonly plugin: SwitchboardPlugin;
  /** Raw configuration (from PostgreSQL or a config file); validated here. */
  readonly config?: unknown;
  readonly enabled?: boolean;
}

export interface RegisteredPlugin {
  readonly plugin: SwitchboardPlugin;
  readonly config: unknown;
}

export interface PluginDescription {
  readonly id: string;
  readonly version: string;
  readonly description?: string;
  readonly enabled: boolean;
  /** JSON Schema of the configuration, for forms in the admin UI. */
  readonly configJsonSchema: unknown;
}

/** Start-up must stop on these: the message lists every problem at once. */
export class PluginRegistryError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid plugin registry:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'PluginRegistryError';
  }
}

const ID_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** The static, validated set of plugins of a process, in chain order. */
export class PluginRegistry {
  private constructor(
    private readonly enabledChain: readonly RegisteredPlugin[],
    private readonly descriptions: readonly PluginDescription[],
  ) {}

  static create(entries: readonly PluginEntry[]): PluginRegistry {
    const problems: string[] = [];
    const seen = new Set<string>();
    const chain: RegisteredPlugin[] = [];
    const descriptions: PluginDescription[] = [];
    entries.forEach((entry, index) => {
      if (!isPlugin(entry.plugin)) {
        problems.push(`entry ${index} is not a plugin made with definePlugin()`);
        return;
      }
      const { id } = entry.plugin;
      if (!ID_PATTERN.test(id)) problems.push(`plugin id "${id}" must be kebab-case (a-z, 0-9, -)`);
      if (seen.has(id)) problems.push(`plugin id "${id}" is registered twice`);
      seen.add(id);
      const parsed = entry.plugin.configSchema.safeParse(entry.config ?? {});
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          problems.push(`plugin "${id}" config ${issue.path.join('.') || '(root)'}: ${issue.message}`);
        }
        return;
      }
      const enabled = entry.enabled ?? true;
      if (enabled) chain.push({ plugin: entry.plugin, config: parsed.data });
      descriptions.push({
        id,
        version: entry.plugin.version,
        ...(entry.plugin.description === undefined ? {} : { description: entry.plugin.description }),
        enabled,
        configJsonSchema: jsonSchemaOf(entry.plugin),
      });
    });
    if (problems.length > 0) throw new PluginRegistryError(problems);
    return new PluginRegistry(chain, descriptions);
  }

  /** Enabled plugins in the order they are asked. */
  get chain(): readonly RegisteredPlugin[] {
    return this.enabledChain;
  }

  get(id: string): RegisteredPlugin | undefined {
    return this.enabledChain.find((p) => p.plugin.id === id);
  }

  describe(): readonly PluginDescription[] {
    return this.descriptions;
  }
}

function jsonSchemaOf(plugin: SwitchboardPlugin): unknown {
  try {
    return z.toJSONSchema(plugin.configSchema, { io: 'input', unrepresentable: 'any' });
  } catch {
    return {};
  }
}

export interface PluginModuleSpec {
  /** npm package name or absolute path of a module whose default export is a plugin. */
  readonly module: string;
  readonly config?: unknown;
  readonly enabled?: boolean;
}

/**
 * Loads plugins by module name from configuration, so third-party plugins are never imported
 * by the app's code. `importer` is injectable for tests and for resolving from another base path.
 */
export async function loadPluginModules(
  specs: readonly PluginModuleSpec[],
  importer: (specifier: string) => Promise<unknown> = (s) => import(s),
): Promise<PluginEntry[]> {
  const problems: string[] = [];
  const entries: PluginEntry[] = [];
  for (const spec of specs) {
    let mod: unknown;
    try {
      mod = await importer(spec.module);
    } catch (err) {
      problems.push(
        `cannot load plugin module "${spec.module}": ${err instanceof Error ? err.message : String(err)}`,
      );
      continue;
    }
    const candidate =
      typeof mod === 'object' && mod !== null
        ? ((mod as { default?: unknown; plugin?: unknown }).default ?? (mod as { plugin?: unknown }).plugin)
        : undefined;
    if (!isPlugin(candidate)) {
      problems.push(`module "${spec.module}" has no plugin as its default export (use definePlugin())`);
      continue;
    }
    entries.push({
      plugin: candidate,
      ...(spec.config === undefined ? {} : { config: spec.config }),
      ...(spec.enabled === undefined ? {} : { enabled: spec.enabled }),
    });
  }
  if (problems.length > 0) throw new PluginRegistryError(problems);
  return entries;
}
