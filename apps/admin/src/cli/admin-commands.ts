import type { Command } from 'commander';
import { adminRoleSchema, usernameSchema } from '../auth/admin-user.schemas.js';
import { AdminUsersService } from '../auth/admin-users.service.js';
import { cliActor, parseOrFail, type CliContext } from './cli-context.js';

export function registerAdminCommands(
  program: Command,
  ctx: () => CliContext,
  out: (t: string) => void,
): void {
  const admin = program.command('admin').description('manage admin app users');
  const service = () => new AdminUsersService(ctx().prisma, ctx().audit);
  const idOf = (username: string) => service().idOf(parseOrFail(usernameSchema, username));

  admin
    .command('create <username>')
    .description('create a user with a one-time password (changed at first login)')
    .option('--role <role>', 'admin (everything) or read-only (sees everything, changes nothing)', 'admin')
    .action(async (username: string, opts: { role: string }) => {
      const created = await service().create(
        cliActor,
        parseOrFail(usernameSchema, username),
        undefined,
        parseOrFail(adminRoleSchema, opts.role),
      );
      out(
        `created ${roleText(created.role)} user "${created.username}"\n` +
          `one-time password: ${created.oneTimePassword ?? ''}\n`,
      );
    });

  admin
    .command('reset-password <username>')
    .description('replace the password with a one-time password, unlock and log out the user')
    .action(async (username: string) => {
      const password = await service().resetPassword(cliActor, await idOf(username));
      out(`one-time password for "${username}": ${password}\n`);
    });

  admin
    .command('set-role <username> <role>')
    .description('admin or read-only (the last enabled admin stays admin)')
    .action(async (username: string, role: string) => {
      const user = await service().update(cliActor, await idOf(username), {
        role: parseOrFail(adminRoleSchema, role),
      });
      out(`"${user.username}" is now ${roleText(user.role)}\n`);
    });

  for (const [name, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    admin
      .command(`${name} <username>`)
      .description(
        disabled
          ? 'refuse logins, end sessions, stop API tokens (not the last enabled admin)'
          : 'allow logins again',
      )
      .action(async (username: string) => {
        const user = await service().update(cliActor, await idOf(username), { disabled });
        out(`"${user.username}" ${user.disabled ? 'disabled' : 'enabled'}\n`);
      });
  }

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
    .description('list admin app users with their role and state')
    .action(async () => {
      for (const u of await service().list()) {
        const flags = [
          roleText(u.role),
          u.disabled ? 'disabled' : '',
          u.mustChangePassword ? 'must change password' : '',
          u.locked ? 'locked' : '',
        ]
          .filter(Boolean)
          .join(', ');
        out(`${u.username} (${flags})\n`);
      }
    });
}

function roleText(role: 'admin' | 'read_only'): string {
  return role === 'read_only' ? 'read-only' : 'admin';
}
