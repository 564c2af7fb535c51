import type { Command } from 'commander';
import { usernameSchema } from '../auth/admin-user.schemas.js';
import { AdminUsersService } from '../auth/admin-users.service.js';
import { cliActor, parseOrFail, type CliContext } from './cli-context.js';

export function registerAdminCommands(
  program: Command,
  ctx: () => CliContext,
  out: (t: string) => void,
): void {
  const admin = program.command('admin').description('manage admin app users');
  const service = () => new AdminUsersService(ctx().prisma, ctx().audit);

  admin
    .command('create <username>')
    .description('create an admin user with a one-time password (changed at first login)')
    .action(async (username: string) => {
      const created = await service().create(cliActor, parseOrFail(usernameSchema, username));
      out(`created admin user "${created.username}"\none-time password: ${created.oneTimePassword ?? ''}\n`);
    });

  admin
    .command('reset-password <username>')
    .description('replace the password with a one-time password, unlock and log out the user')
    .action(async (username: string) => {
      const password = await service().resetPassword(cliActor, parseOrFail(usernameSchema, username));
      out(`one-time password for "${username}": ${password}\n`);
    });

  admin
    .command('bootstrap')
    .description('create the first admin user "admin" if there is none (run on start)')
    .action(async () => {
      const result = await service().bootstrap();
      if (result.created) {
        out(
          `created the first admin user "${result.username}"\n` +
            `one-time password: ${result.oneTimePassword}\n` +
            'log in to the admin UI with it; you will be asked to choose a new password\n',
        );
      } else {
        out(
          'an admin user exists already; to reset a password run: switchboard admin reset-password <username>\n',
        );
      }
    });

  admin
    .command('list')
    .description('list admin users')
    .action(async () => {
      for (const u of await service().list()) {
        const flags = [
          u.mustChangePassword ? 'must change password' : '',
          u.lockedUntil && u.lockedUntil > new Date() ? 'locked' : '',
        ]
          .filter(Boolean)
          .join(', ');
        out(`${u.username}${flags ? ` (${flags})` : ''}\n`);
      }
    });
}
