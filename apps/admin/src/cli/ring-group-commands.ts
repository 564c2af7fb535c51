import type { Command } from 'commander';
import { dialNumberSchema } from '../extensions/extension.schemas.js';
import {
  createRingGroupSchema,
  fallbackKinds,
  ringStrategies,
  updateRingGroupSchema,
  type RingGroupView,
} from '../ring-groups/ring-group.schemas.js';
import { RingGroupsService } from '../ring-groups/ring-groups.service.js';
import { CliError, cliActor, parseOrFail, type CliContext } from './cli-context.js';
import { JSON_HELP, isOn, onOffOption, printResult, splitList, type Out } from './cli-options.js';
import { formatTable, safeText } from './table.js';

/** The options `add` and `edit` share; `edit` changes only those given. */
interface RingGroupOptions {
  name?: string;
  number?: string;
  members?: string;
  strategy?: string;
  ringTime?: string;
  memberRingTime?: string;
  fallback?: string;
  fallbackTarget?: string;
  callerIdPrefix?: string;
  record?: string;
  enabled?: string;
}

function withFieldOptions(command: Command): Command {
  return command
    .option(
      '--members <numbers>',
      'extension numbers in ring order, each optionally with its ring time: 1001,1002:20',
    )
    .option('--strategy <strategy>', ringStrategies.join(' | '))
    .option('--ring-time <seconds>', 'total ring time (5-600)')
    .option('--member-ring-time <seconds>', 'ring time of each member in hunt strategies (5-300)')
    .option('--fallback <kind>', `when nobody answers: ${fallbackKinds.join(' | ')}`)
    .option(
      '--fallback-target <target>',
      'the extension, ring group, voicemail box or number of the fallback',
    )
    .option('--caller-id-prefix <text>', 'shown before the caller name on the members\' phones ("" = none)')
    .addOption(onOffOption('--record <on|off>', 'record calls to the group'))
    .addOption(onOffOption('--enabled <on|off>', 'a disabled group is not reachable'));
}

/** `1001,1002:20` → members; the service resolves the numbers (unknown → a message naming the member). */
function parseMembers(text: string): { extension: string; ringSeconds?: number }[] {
  return splitList(text).map((item) => {
    const [extension = '', seconds] = item.split(':');
    return seconds === undefined ? { extension } : { extension, ringSeconds: Number(seconds) };
  });
}

/** The API body of the options given (left to the API's schema to validate). */
function inputOf(opts: RingGroupOptions): Record<string, unknown> {
  const given = <T>(value: string | undefined, map: (v: string) => T) =>
    value === undefined ? undefined : map(value);
  const fields: Record<string, unknown> = {
    name: opts.name,
    number: opts.number,
    members: given(opts.members, parseMembers),
    strategy: opts.strategy,
    ringTimeSeconds: given(opts.ringTime, Number),
    memberRingSeconds: given(opts.memberRingTime, Number),
    fallbackKind: opts.fallback,
    fallbackTarget: given(opts.fallbackTarget, (t) => t || null),
    callerIdPrefix: given(opts.callerIdPrefix, (t) => t || null),
    recordCalls: isOn(opts.record),
    enabled: isOn(opts.enabled),
  };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}

function describeGroup(g: RingGroupView): string {
  const members = g.members.map(
    (m) => `${m.number} (${safeText(m.displayName)})${m.ringSeconds ? ` ${m.ringSeconds}s` : ''}`,
  );
  const fallback =
    g.fallbackKind === 'none' || g.fallbackKind === 'hangup'
      ? g.fallbackKind
      : `${g.fallbackKind} ${safeText(g.fallbackTarget)}`;
  return formatTable(
    ['FIELD', 'VALUE'],
    [
      ['number', g.number],
      ['name', safeText(g.name)],
      ['enabled', g.enabled ? 'yes' : 'no'],
      ['strategy', g.strategy],
      ['ring time', `${g.ringTimeSeconds}s`],
      ['member ring time', `${g.memberRingSeconds}s`],
      ['fallback', fallback],
      ['caller id prefix', safeText(g.callerIdPrefix ?? '')],
      ['record calls', g.recordCalls ? 'yes' : 'no'],
      ['members', members.join(', ') || 'none'],
    ],
  );
}

export function registerRingGroupCommands(program: Command, ctx: () => CliContext, out: Out): void {
  const rg = program.command('ring-group').description('manage ring groups');
  const service = () => new RingGroupsService(ctx().prisma, ctx().audit);
  const idOf = async (number: string): Promise<string> => {
    const row = await ctx().prisma.ringGroup.findUnique({
      where: { number: parseOrFail(dialNumberSchema, number) },
      select: { id: true },
    });
    if (!row) throw new CliError(`no ring group ${number}`);
    return row.id;
  };

  withFieldOptions(rg.command('add <number> <name>').description('create a ring group')).action(
    async (number: string, name: string, opts: RingGroupOptions) => {
      const input = parseOrFail(createRingGroupSchema, { ...inputOf(opts), number, name });
      const group = await service().create(cliActor, input);
      out(
        `created ring group ${group.number} (${safeText(group.name)}) with ${group.members.length} member(s)\n`,
      );
    },
  );

  withFieldOptions(
    rg
      .command('edit <number>')
      .description('change a ring group (only the options given; --members replaces the list)')
      .option('--name <name>', 'name')
      .option('--number <newNumber>', 'new number'),
  ).action(async (number: string, opts: RingGroupOptions) => {
    const id = await idOf(number);
    const input = parseOrFail(updateRingGroupSchema, inputOf(opts));
    if (Object.keys(input).length === 0) throw new CliError('nothing to change: give at least one option');
    const group = await service().update(cliActor, id, input);
    out(`updated ring group ${group.number} (${safeText(group.name)})\n`);
  });

  rg.command('show <number>')
    .description('one ring group with its members and fallback')
    .option('--json', JSON_HELP)
    .action(async (number: string, opts: { json?: boolean }) => {
      const group = await service().get(await idOf(number));
      printResult(out, opts.json, group, () => describeGroup(group));
    });

  rg.command('remove <number>')
    .description('delete a ring group (its members stay as extensions)')
    .action(async (number: string) => {
      await service().remove(cliActor, await idOf(number));
      out(`removed ring group ${number}\n`);
    });

  rg.command('list')
    .description('list ring groups')
    .option('--json', JSON_HELP)
    .action(async (opts: { json?: boolean }) => {
      const groups = await service().list();
      printResult(out, opts.json, groups, () =>
        groups.length === 0
          ? 'no ring groups\n'
          : formatTable(
              ['NUMBER', 'NAME', 'ENABLED', 'STRATEGY', 'RING TIME', 'MEMBERS'],
              groups.map((g) => [
                g.number,
                safeText(g.name),
                g.enabled ? 'yes' : 'no',
                g.strategy,
                `${g.ringTimeSeconds}s`,
                g.members.map((m) => m.number).join(','),
              ]),
            ),
      );
    });
}
