import type { Command } from 'commander';
import type { z } from 'zod';
import { dialNumberSchema } from '../extensions/extension.schemas.js';
import {
  finalDestinationKinds,
  followMeSchema,
  type FollowMeInput,
  type FollowMeView,
} from '../follow-me/follow-me.schemas.js';
import { FollowMeService } from '../follow-me/follow-me.service.js';
import { CliError, cliActor, parseOrFail, type CliContext } from './cli-context.js';
import { JSON_HELP, isOn, onOffOption, printResult, splitList, type Out } from './cli-options.js';
import { formatTable, safeText } from './table.js';

/** A new step's ring time when `--step` names none (the admin page's default too). */
const DEFAULT_RING_SECONDS = 20;

/** `[seconds:]target,target…` (a target is a number or a sip: URI, so a leading `digits:` is the time). */
function parseStep(text: string): { targets: string[]; ringSeconds: number } {
  const timed = /^(\d+):(.*)$/.exec(text);
  return timed
    ? { ringSeconds: Number(timed[1]), targets: splitList(timed[2] ?? '') }
    : { ringSeconds: DEFAULT_RING_SECONDS, targets: splitList(text) };
}

/** Field paths in the words the admin page uses: steps count from 1 (`step 2, target 1`). */
function issueWhere(path: readonly PropertyKey[]): string {
  const [root, step, field, target] = path;
  if (root === 'finalDestination') return 'final destination';
  if (root !== 'steps' || typeof step !== 'number') return path.map(String).join('.') || 'follow-me';
  const where = [`step ${step + 1}`];
  if (field === 'targets') where.push(typeof target === 'number' ? `target ${target + 1}` : 'targets');
  if (field === 'ringSeconds') where.push('ring time');
  return where.join(', ');
}

function parseFollowMe(input: unknown): FollowMeInput {
  const result = followMeSchema.safeParse(input);
  if (result.success) return result.data;
  const issues: readonly z.core.$ZodIssue[] = result.error.issues;
  throw new CliError(issues.map((i) => `${issueWhere(i.path)}: ${i.message}`).join('\n'));
}

/** Where the caller ends after the last step, in the admin page's words. */
function finalWords(
  { kind, target }: FollowMeView['finalDestination'],
  number: string,
  voicemailOn: boolean,
) {
  switch (kind) {
    case 'voicemail':
      if (target && target !== number) return `the voicemail box of ${target}`;
      return voicemailOn
        ? `the voicemail box of ${number}`
        : 'nobody (480 Temporarily Unavailable: no voicemail box)';
    case 'extension':
      return `extension ${target ?? '?'}`;
    case 'ring_group':
      return `ring group ${target ?? '?'}`;
    case 'external':
      return `the external number ${safeText(target)}`;
    case 'busy':
      return 'busy (486)';
    case 'hangup':
      return 'hang up (480 Temporarily Unavailable)';
  }
}

function describe(number: string, followMe: FollowMeView, voicemailOn: boolean): string {
  const header = `follow-me of ${number}: ${followMe.enabled ? 'enabled' : 'disabled'}\n`;
  const final = `after the last step: ${finalWords(followMe.finalDestination, number, voicemailOn)}\n`;
  if (followMe.steps.length === 0) return header + 'no steps\n' + final;
  return (
    header +
    formatTable(
      ['STEP', 'RING', 'TARGETS'],
      followMe.steps.map((s, i) => [String(i + 1), `${s.ringSeconds}s`, s.targets.map(safeText).join(', ')]),
    ) +
    final
  );
}

/** `switchboard follow-me …`: the Follow-me page: steps rung one after the other when the extension does not answer. */
export function registerFollowMeCommands(program: Command, ctx: () => CliContext, out: Out): void {
  const fm = program
    .command('follow-me')
    .description('follow-me steps of an extension (rung in turn when it does not answer)');
  const service = () => new FollowMeService(ctx().prisma, ctx().audit);
  const extensionOf = async (number: string) => {
    const ext = await ctx().prisma.extension.findUnique({
      where: { number: parseOrFail(dialNumberSchema, number) },
      select: { id: true, voicemailBox: { select: { enabled: true } } },
    });
    if (!ext) throw new CliError(`no extension ${number}`);
    return { id: ext.id, voicemailOn: ext.voicemailBox?.enabled ?? false };
  };

  fm.command('show <extension>')
    .description('the steps, their ring times and where the caller ends after the last one')
    .option('--json', JSON_HELP)
    .action(async (number: string, opts: { json?: boolean }) => {
      const ext = await extensionOf(number);
      const followMe = await service().get(ext.id);
      printResult(out, opts.json, followMe, () => describe(number, followMe, ext.voicemailOn));
    });

  fm.command('set <extension>')
    .description('replace the steps (in the order given) and/or turn follow-me on or off')
    .option(
      '--step <[seconds:]targets>',
      `one step, repeat for more: ring time (5-300, default ${DEFAULT_RING_SECONDS}) and the targets rung together (numbers or sip: URIs), e.g. 25:1002,+15551234`,
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .addOption(onOffOption('--enabled <on|off>', 'follow-me on or off (default: on when steps are given)'))
    .option('--final <kind>', `where the call goes after the last step: ${finalDestinationKinds.join(' | ')}`)
    .option(
      '--final-target <target>',
      "its extension, ring group, voicemail box (default: this extension's) or external number",
    )
    .action(
      async (
        number: string,
        opts: { step: string[]; enabled?: string; final?: string; finalTarget?: string },
      ) => {
        if (opts.finalTarget !== undefined && opts.final === undefined) {
          throw new CliError('--final-target needs --final');
        }
        if (opts.step.length === 0 && opts.enabled === undefined && opts.final === undefined) {
          throw new CliError(
            'nothing to change: give --step (one per step), --enabled on|off and/or --final',
          );
        }
        const ext = await extensionOf(number);
        const current = await service().get(ext.id);
        const input = parseFollowMe({
          enabled: isOn(opts.enabled) ?? (opts.step.length > 0 ? true : current.enabled),
          steps: opts.step.length > 0 ? opts.step.map(parseStep) : current.steps,
          ...(opts.final !== undefined
            ? { finalDestination: { kind: opts.final, target: opts.finalTarget ?? null } }
            : {}),
        });
        const saved = await service().replace(cliActor, ext.id, input);
        out(describe(number, saved, ext.voicemailOn));
      },
    );

  fm.command('clear <extension>')
    .description('remove every step and turn follow-me off (the final destination stays)')
    .action(async (number: string) => {
      const ext = await extensionOf(number);
      await service().replace(cliActor, ext.id, { enabled: false, steps: [] });
      out(`follow-me of ${number} cleared\n`);
    });
}
