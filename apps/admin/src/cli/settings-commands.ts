import type { Command } from 'commander';
import { settingsSchema, type SettingsView } from '../settings/settings.schemas.js';
import { SettingsService } from '../settings/settings.service.js';
import { CliError, cliActor, parseOrFail, type CliContext } from './cli-context.js';
import { JSON_HELP, printResult, type Out } from './cli-options.js';

function describe(settings: SettingsView): string {
  return `time zone: ${settings.timeZone}\n`;
}

/** `switchboard settings …`: the Settings page: PBX-wide settings (the time zone). */
export function registerSettingsCommands(program: Command, ctx: () => CliContext, out: Out): void {
  const settings = program.command('settings').description('PBX-wide settings (time zone)');
  const service = () => new SettingsService(ctx().prisma, ctx().audit);

  settings
    .command('show')
    .description('the PBX settings')
    .option('--json', JSON_HELP)
    .action(async (opts: { json?: boolean }) => {
      const current = await service().get();
      printResult(out, opts.json, current, () => describe(current));
    });

  settings
    .command('set')
    .description('change PBX settings')
    .option('--time-zone <zone>', 'IANA time zone for time-of-day routing, e.g. Europe/Berlin')
    .action(async (opts: { timeZone?: string }) => {
      if (opts.timeZone === undefined) throw new CliError('nothing to change: give --time-zone <zone>');
      const saved = await service().update(
        cliActor,
        parseOrFail(settingsSchema, { timeZone: opts.timeZone }),
      );
      out(describe(saved));
    });
}
