import type { Command } from 'commander';
import { PluginsService } from '../plugins/plugins.service.js';
import { CliError, cliActor, type CliContext } from './cli-context.js';
import { JSON_HELP, type Out } from './cli-options.js';
import { formatTable, safeText } from './table.js';

async function service(ctx: CliContext): Promise<PluginsService> {
  return new PluginsService(ctx.prisma, await ctx.redis(), ctx.audit, {
    queuePrefix: ctx.config.queuePrefix,
  });
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
      if (opts.json) {
        out(JSON.stringify(items, null, 2) + '\n');
        return;
      }
      out(
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

  for (const [name, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    plugin
      .command(`${name} <id>`)
      .description(`${name} a plugin in the routing chain (applied by running workers, no restart)`)
      .action(async (id: string) => {
        const plugins = await service(ctx());
        const current = (await plugins.list()).find((p) => p.id === id);
        if (!current) throw new CliError(`no plugin "${id}"`);
        const config =
          typeof current.config === 'object' && current.config !== null
            ? (current.config as Record<string, unknown>)
            : {};
        const saved = await plugins.update(cliActor, id, enabled, config);
        out(`plugin ${id} ${enabled ? 'enabled' : 'disabled'} (configuration revision ${saved.revision})\n`);
      });
  }
}
