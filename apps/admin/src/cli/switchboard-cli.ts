import fs from 'node:fs';
import { Command, CommanderError } from 'commander';
import { ConfigError } from '@switchboard/config';
import { registerAdminCommands } from './admin-commands.js';
import { CliContext, CliError, describeError } from './cli-context.js';
import { registerExtensionCommands } from './extension-commands.js';
import { registerPluginCommands } from './plugin-commands.js';
import { registerRingGroupCommands } from './ring-group-commands.js';
import { registerShowCommands } from './show-commands.js';
import { registerTraceCommands } from './trace-commands.js';
import { withSettingsFile } from './settings-file.js';

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env?: NodeJS.ProcessEnv;
}

/** The package version (apps/admin/package.json, two folders up from src/cli and dist/cli). */
function packageVersion(): string {
  const file = new URL('../../package.json', import.meta.url);
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
}

/** Runs one `switchboard` command line; returns the exit status (0 ok, 1 error). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let context: CliContext | null = null;
  const ctx = (): CliContext => (context ??= new CliContext(withSettingsFile(io.env ?? process.env)));
  const program = new Command('switchboard')
    .description('Switchboard PBX administration from the console')
    .version(packageVersion(), '-V, --version', 'print the version')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });
  registerExtensionCommands(program, ctx, io.out);
  registerRingGroupCommands(program, ctx, io.out);
  registerAdminCommands(program, ctx, io.out);
  registerShowCommands(program, ctx, io.out);
  registerPluginCommands(program, ctx, io.out);
  registerTraceCommands(program, ctx, io.out);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 1;
    if (error instanceof CliError || error instanceof ConfigError) io.err(`switchboard: ${error.message}\n`);
    else io.err(`switchboard: ${describeError(error)}\n`);
    return 1;
  } finally {
    await (context as CliContext | null)?.close();
  }
}
