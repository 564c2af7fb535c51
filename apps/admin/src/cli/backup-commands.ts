import path from 'node:path';
import type { Command } from 'commander';
import { createBackup } from '../backup/backup-creator.js';
import { restoreBackup } from '../backup/backup-restorer.js';
import { BackupError } from '../backup/postgres-tools.js';
import { CliError, type CliContext } from './cli-context.js';

/** The settings file in use (withSettingsFile names it in the CLI's environment), if any. */
function settingsFileOf(env: NodeJS.ProcessEnv): string | undefined {
  return env.SWITCHBOARD_SETTINGS ? path.resolve(env.SWITCHBOARD_SETTINGS) : undefined;
}

const asCliError = (error: unknown): never => {
  if (error instanceof BackupError) throw new CliError(error.message);
  throw error;
};

export function registerBackupCommands(
  program: Command,
  ctx: () => CliContext,
  out: (t: string) => void,
): void {
  program
    .command('backup <archive>')
    .description(
      'write a .tar.gz with a PostgreSQL dump, the WAV files of the data directory (recordings, voicemail) and the settings',
    )
    .action(async (archive: string) => {
      const { config, env } = ctx();
      const manifest = await createBackup(
        {
          databaseUrl: config.databaseUrl,
          dataDir: config.dataDir,
          settingsFile: settingsFileOf(env),
          switchboardVersion: program.version() ?? 'unknown',
          env,
        },
        archive,
      ).catch(asCliError);
      const files = manifest.files.filter((f) => f.path.startsWith('files/')).length;
      out(
        `wrote ${archive}: database at ${manifest.schemaMigration ?? '(no migration)'}, ${files} data file(s)` +
          `${manifest.files.some((f) => f.path.startsWith('settings/')) ? ', settings' : ''}\n`,
      );
    });

  program
    .command('restore <archive>')
    .description('restore a backup: database, data files and SIP domain, then apply newer migrations')
    .option('--force', 'replace a database that already holds data')
    .action(async (archive: string, opts: { force?: boolean }) => {
      const { config, env } = ctx();
      const result = await restoreBackup(archive, {
        databaseUrl: config.databaseUrl,
        dataDir: config.dataDir,
        settingsFile: settingsFileOf(env),
        force: opts.force === true,
        env,
      }).catch(asCliError);
      const m = result.manifest;
      out(
        `restored ${archive} (made ${m.createdAt} by Switchboard ${m.switchboardVersion}): database at ` +
          `${m.schemaMigration ?? '(no migration)'}, ${result.filesRestored} data file(s)\n`,
      );
      if (result.migrationsApplied.length > 0)
        out(`applied newer migrations: ${result.migrationsApplied.join(', ')}\n`);
      if (result.sipDomain !== undefined) {
        out(
          result.settingsWritten
            ? `SIP domain (digest realm) ${result.sipDomain} written to the settings file\n`
            : `set SWITCHBOARD_SIP_DOMAIN=${result.sipDomain}: the restored SIP passwords are hashed for it\n`,
        );
      }
      out('restart Switchboard to use the restored data\n');
    });
}
