import type { Command } from 'commander';
import type { RegistrationBinding } from '@switchboard/live-state';
import { LiveStateReader } from '../live/live-state.reader.js';
import type { CliContext } from './cli-context.js';
import { JSON_HELP, printResult, type Out } from './cli-options.js';
import { formatTable, safeText } from './table.js';

/** `1m05s` from milliseconds (negative counts as 0). */
export function shortDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/** A binding with the name to show: the phone's own (From display name), else its extension's. */
export type NamedRegistration = RegistrationBinding & { name: string | null };

/** The extension number of an address-of-record `sip:1001@domain`. */
function userOf(aor: string): string | null {
  return /^sips?:([^@;]+)@/i.exec(aor)?.[1] ?? null;
}

async function liveRegistrations(ctx: CliContext): Promise<NamedRegistration[]> {
  const regs = await new LiveStateReader(await ctx.redis()).registrations();
  if (regs.length === 0) return [];
  const numbers = [...new Set(regs.map((r) => userOf(r.aor)).filter((n): n is string => n !== null))];
  const extensions = await ctx.prisma.extension.findMany({
    where: { number: { in: numbers } },
    select: { number: true, displayName: true },
  });
  const names = new Map(extensions.map((e) => [e.number, e.displayName]));
  return regs.map((r) => ({ ...r, name: r.displayName ?? names.get(userOf(r.aor) ?? '') ?? null }));
}

/** Prints the live registrations (`registration list`, `show registrations`). */
export async function printRegistrations(ctx: CliContext, out: Out, json?: boolean): Promise<void> {
  const regs = await liveRegistrations(ctx);
  printResult(out, json, regs, () => registrationsTable(regs));
}

export function registrationsTable(regs: readonly NamedRegistration[], now = Date.now()): string {
  if (regs.length === 0) return 'no registrations\n';
  return formatTable(
    ['AOR', 'NAME', 'CONTACT', 'USER AGENT', 'SOURCE', 'EXPIRES IN'],
    regs.map((r) => [
      safeText(r.aor),
      safeText(r.name),
      safeText(r.contact),
      safeText(r.userAgent),
      safeText(r.sourceAddress) + (r.transport ? ` (${safeText(r.transport)})` : ''),
      shortDuration(r.expiresAt - now),
    ]),
  );
}

/** `switchboard registration list`: the Live page's registrations. */
export function registerRegistrationCommands(program: Command, ctx: () => CliContext, out: Out): void {
  const registration = program
    .command('registration')
    .alias('registrations')
    .description('live registrations of phones (from Redis)');

  registration
    .command('list')
    .description('registered phones with their extension name, contact, user agent and expiry')
    .option('--json', JSON_HELP)
    .action((opts: { json?: boolean }) => printRegistrations(ctx(), out, opts.json));
}
