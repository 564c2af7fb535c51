import fs from 'node:fs';
import type { Command } from 'commander';
import { PluginsService, type PluginView } from '../plugins/plugins.service.js';
import { CliError, cliActor, type CliContext } from './cli-context.js';
import { JSON_HELP, printResult, type Out } from './cli-options.js';
import { formatTable, safeText } from './table.js';

interface ConfigOptions {
  json?: string;
  file?: string;
  set: string[];
  unset: string[];
}

async function service(ctx: CliContext): Promise<PluginsService> {
  return new PluginsService(ctx.prisma, await ctx.redis(), ctx.audit, {
    queuePrefix: ctx.config.queuePrefix,
  });
}

async function pluginOf(plugins: PluginsService, id: string): Promise<PluginView> {
  const plugin = (await plugins.list()).find((p) => p.id === id);
  if (!plugin) throw new CliError(`no plugin "${id}"`);
  return plugin;
}

function objectOf(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function parseJsonObject(text: string, source: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${source}: not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CliError(`${source}: must be a JSON object`);
  }
  return value as Record<string, unknown>;
}

/** `key=value`: the value is JSON when it parses as JSON (numbers, true, lists), else a string. */
function parseAssignment(text: string): [string, unknown] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new CliError(`--set ${text}: must be key=value`);
  const raw = text.slice(eq + 1);
  try {
    return [text.slice(0, eq), JSON.parse(raw) as unknown];
  } catch {
    return [text.slice(0, eq), raw];
  }
}

/** The new configuration: the whole object from --json/--file, or the current one with --set/--unset applied. */
function newConfig(current: unknown, opts: ConfigOptions): Record<string, unknown> {
  const sources = [opts.json, opts.file].filter((s) => s !== undefined).length;
  if (sources > 1) throw new CliError('give either --json or --file');
  if (sources === 0 && opts.set.length === 0 && opts.unset.length === 0) {
    throw new CliError('nothing to change: give --json, --file, --set key=value or --unset key');
  }
  const base =
    opts.json !== undefined
      ? parseJsonObject(opts.json, '--json')
      : opts.file !== undefined
        ? parseJsonObject(readFile(opts.file), opts.file)
        : { ...objectOf(current) };
  for (const assignment of opts.set) {
    const [key, value] = parseAssignment(assignment);
    base[key] = value;
  }
  for (const key of opts.unset) delete base[key];
  return base;
}

function readFile(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Saves, then says whether the running routing workers already applied it (as the Plugins page does). */
async function save(
  plugins: PluginsService,
  out: Out,
  id: string,
  enabled: boolean,
  config: Record<string, unknown>,
  what: string,
): Promise<void> {
  const saved = await plugins.update(cliActor, id, enabled, config);
  const rollout = await plugins.rollout();
  const state =
    rollout.workers === 0
      ? 'no routing worker is running; it applies when one starts'
      : `live on ${rollout.applied} of ${rollout.workers} routing worker(s)` +
        (rollout.live ? '' : '; the others apply it within seconds (`switchboard plugin status`)');
  out(`plugin ${id} ${what} (configuration revision ${saved.revision}): ${state}\n`);
}

function describe(p: PluginView): string {
  return (
    formatTable(
      ['FIELD', 'VALUE'],
      [
        ['id', safeText(p.id)],
        ['version', safeText(p.version ?? '-')],
        ['description', safeText(p.description ?? '-')],
        ['enabled', p.enabled ? 'yes' : 'no'],
        ['running', p.installed ? 'yes (announced by a routing worker)' : 'no (configuration only)'],
      ],
    ) +
    `config:\n${safeText(JSON.stringify(p.config, null, 2))}\n` +
    `config schema:\n${p.configSchema ? safeText(JSON.stringify(p.configSchema, null, 2)) : 'none announced'}\n`
  );
}

/** `switchboard plugin …`: the Plugins page from the console; changes apply without a restart. */
export function registerPluginCommands(program: Command, ctx: () => CliContext, out: Out): void {
  const plugin = program.command('plugin').description('routing plugins');

  plugin
    .command('list')
    .description('plugins announced by routing workers or configured, with their state')
    .option('--json', JSON_HELP)
    .action(async (opts: { json?: boolean }) => {
      const items = await (await service(ctx())).list();
      printResult(out, opts.json, items, () =>
        formatTable(
          ['id', 'version', 'enabled', 'running', 'config'],
          items.map((p) => [
            safeText(p.id),
            safeText(p.version ?? '-'),
            p.enabled ? 'yes' : 'no',
            p.installed ? 'yes' : 'no',
            safeText(JSON.stringify(p.config)),
          ]),
        ),
      );
    });

  plugin
    .command('show <id>')
    .description('a plugin with its configuration and the JSON Schema that configuration must match')
    .option('--json', JSON_HELP)
    .action(async (id: string, opts: { json?: boolean }) => {
      const p = await pluginOf(await service(ctx()), id);
      printResult(out, opts.json, p, () => describe(p));
    });

  for (const [name, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    plugin
      .command(`${name} <id>`)
      .description(`${name} a plugin in the routing chain (applied by running workers, no restart)`)
      .action(async (id: string) => {
        const plugins = await service(ctx());
        const current = await pluginOf(plugins, id);
        await save(plugins, out, id, enabled, objectOf(current.config), enabled ? 'enabled' : 'disabled');
      });
  }

  const repeat = (value: string, previous: string[]) => [...previous, value];
  plugin
    .command('set-config <id>')
    .description(
      "change a plugin's configuration, checked against its JSON Schema (applied by running workers, no restart)",
    )
    .option('--json <object>', 'the whole configuration as a JSON object')
    .option('--file <path>', 'the whole configuration from a JSON file')
    .option(
      '--set <key=value>',
      'set one key (value as JSON if it parses, else text); repeatable',
      repeat,
      [],
    )
    .option('--unset <key>', 'remove one key; repeatable', repeat, [])
    .action(async (id: string, opts: ConfigOptions) => {
      const plugins = await service(ctx());
      const current = await pluginOf(plugins, id);
      await save(plugins, out, id, current.enabled, newConfig(current.config, opts), 'configuration saved');
    });

  plugin
    .command('status')
    .description('whether the latest saved plugin configuration runs on every routing worker yet')
    .option('--json', JSON_HELP)
    .action(async (opts: { json?: boolean }) => {
      const rollout = await (await service(ctx())).rollout();
      printResult(
        out,
        opts.json,
        rollout,
        () =>
          `configuration revision ${rollout.revision}: ${rollout.live ? 'live' : 'not yet live'} ` +
          `(${rollout.applied} of ${rollout.workers} routing worker(s))\n` +
          rollout.errors.map((e) => `refused by a worker: ${safeText(e)}\n`).join(''),
      );
    });
}
