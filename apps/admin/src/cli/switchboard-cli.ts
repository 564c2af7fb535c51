import fs from 'node:fs';
import { Command, CommanderError } from 'commander';
import { ConfigError } from '@switchboard/config';
import { registerAdminCommands } from './admin-commands.js';
import { registerBackupCommands } from './backup-commands.js';
import { CliContext, CliError, describeError } from './cli-context.js';
import type { Out } from './cli-options.js';
import { registerCallCommands } from './call-commands.js';
import { registerExtensionCommands } from './extension-commands.js';
import { registerFollowMeCommands } from './follow-me-commands.js';
import { registerPluginCommands } from './plugin-commands.js';
import { registerPluginScaffoldCommands } from './plugin-scaffold-commands.js';
import { registerRegistrationCommands } from './registration-commands.js';
import { registerRingGroupCommands } from './ring-group-commands.js';
import { registerSettingsCommands } from './settings-commands.js';
import { registerShowCommands } from './show-commands.js';
import { registerTraceCommands } from './trace-commands.js';
import { registerTrunkCommands } from './trunk-commands.js';
import { registerConferenceCommands } from './conference-commands.js';
import { registerMenuCommands } from './menu-commands.js';
import { registerVoicemailCommands } from './voicemail-commands.js';
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

type RegisterCommands = (program: Command, ctx: () => CliContext, out: Out) => void;

/** One file per command group (`<group>-commands.ts`); `switchboard --help` lists them in this order. */
const commandGroups: readonly RegisterCommands[] = [
  registerExtensionCommands,
  registerRingGroupCommands,
  registerFollowMeCommands,
  registerVoicemailCommands,
  registerCallCommands,
  registerRegistrationCommands,
  registerTrunkCommands,
  registerConferenceCommands,
  registerMenuCommands,
  registerPluginCommands,
  registerPluginScaffoldCommands,
  registerSettingsCommands,
  registerAdminCommands,
  registerShowCommands,
  registerTraceCommands,
  registerBackupCommands,
];

/** The whole command tree; every command ends through `exitOverride` (never process.exit). */
export function buildProgram(ctx: () => CliContext, io: Pick<CliIo, 'out' | 'err'>): Command {
  const program = new Command('switchboard')
    .description('Switchboard PBX administration from the console')
    .version(packageVersion(), '-V, --version', 'print the version')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError('(add --help for usage)');
  // Subcommands inherit the settings above (commander copies them when a command is added).
  for (const register of commandGroups) register(program, ctx, io.out);
  return program;
}

/** Runs one `switchboard` command line; returns the exit status (0 ok, 1 error). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let context: CliContext | null = null;
  const ctx = (): CliContext => (context ??= new CliContext(withSettingsFile(io.env ?? process.env)));
  const program = buildProgram(ctx, io);
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
