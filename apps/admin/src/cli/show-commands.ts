import type { Command } from 'commander';
import { printLiveCalls } from './call-commands.js';
import type { CliContext } from './cli-context.js';
import { JSON_HELP, type Out } from './cli-options.js';
import { printRegistrations } from './registration-commands.js';

/** `switchboard show …`: short forms of `registration list` and `call live`. */
export function registerShowCommands(program: Command, ctx: () => CliContext, out: Out): void {
  const show = program
    .command('show')
    .description('live state from Redis (same as `registration list` and `call live`)');

  show
    .command('registrations')
    .description('registered phones (same as `registration list`)')
    .option('--json', JSON_HELP)
    .action((opts: { json?: boolean }) => printRegistrations(ctx(), out, opts.json));

  show
    .command('calls')
    .description('active calls (same as `call live`)')
    .option('--json', JSON_HELP)
    .action((opts: { json?: boolean }) => printLiveCalls(ctx(), out, opts.json));
}
