import type { Command } from 'commander';
import { createRingGroupSchema } from '../ring-groups/ring-group.schemas.js';
import { RingGroupsService } from '../ring-groups/ring-groups.service.js';
import { cliActor, parseOrFail, type CliContext } from './cli-context.js';
import { formatTable, safeText } from './table.js';

export function registerRingGroupCommands(
  program: Command,
  ctx: () => CliContext,
  out: (t: string) => void,
): void {
  const rg = program.command('ring-group').description('manage ring groups');
  const service = () => new RingGroupsService(ctx().prisma, ctx().audit);

  rg.command('add <number> <name>')
    .description('create a ring group')
    .option('--members <numbers>', 'comma-separated extension numbers, in ring order', '')
    .option('--strategy <strategy>', 'ringall | hunt | roundrobin | random | memoryhunt', 'ringall')
    .option('--ring-time <seconds>', 'total ring time', '30')
    .action(
      async (number: string, name: string, opts: { members: string; strategy: string; ringTime: string }) => {
        const members = opts.members
          .split(',')
          .map((m) => m.trim())
          .filter((m) => m.length > 0)
          .map((extension) => ({ extension }));
        const input = parseOrFail(createRingGroupSchema, {
          number,
          name,
          strategy: opts.strategy,
          ringTimeSeconds: Number(opts.ringTime),
          members,
        });
        const group = await service().create(cliActor, input);
        out(
          `created ring group ${group.number} (${safeText(group.name)}) with ${group.members.length} member(s)\n`,
        );
      },
    );

  rg.command('list')
    .description('list ring groups')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const groups = await service().list();
      if (opts.json) return out(JSON.stringify(groups, null, 2) + '\n');
      if (groups.length === 0) return out('no ring groups\n');
      out(
        formatTable(
          ['NUMBER', 'NAME', 'STRATEGY', 'RING TIME', 'MEMBERS'],
          groups.map((g) => [
            g.number,
            safeText(g.name),
            g.strategy,
            `${g.ringTimeSeconds}s`,
            g.members.map((m) => m.number).join(','),
          ]),
        ),
      );
    });
}
