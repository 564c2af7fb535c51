import type { Command } from 'commander';
import { LiveStateReader } from '../live/live-state.reader.js';
import type { CliContext } from './cli-context.js';
import { formatTable, safeText } from './table.js';

function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

export function registerShowCommands(
  program: Command,
  ctx: () => CliContext,
  out: (t: string) => void,
): void {
  const show = program.command('show').description('live state from Redis');
  const reader = async () => new LiveStateReader(await ctx().redis());

  show
    .command('registrations')
    .description('registered phones')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const regs = await (await reader()).registrations();
      if (opts.json) return out(JSON.stringify(regs, null, 2) + '\n');
      if (regs.length === 0) return out('no registrations\n');
      const now = Date.now();
      out(
        formatTable(
          ['AOR', 'CONTACT', 'USER AGENT', 'SOURCE', 'EXPIRES IN'],
          regs.map((r) => [
            safeText(r.aor),
            safeText(r.contact),
            safeText(r.userAgent),
            safeText(r.sourceAddress),
            ago(r.expiresAt - now),
          ]),
        ),
      );
    });

  show
    .command('calls')
    .description('active calls')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const calls = await (await reader()).activeCalls();
      if (opts.json) return out(JSON.stringify(calls, null, 2) + '\n');
      if (calls.length === 0) return out('no active calls\n');
      const now = Date.now();
      out(
        formatTable(
          ['FROM', 'TO', 'STATE', 'DURATION'],
          calls.map((c) => [
            safeText(c.fromDisplayName ? `${c.fromDisplayName} <${c.from}>` : c.from),
            safeText(c.toDisplayName ? `${c.toDisplayName} <${c.to}>` : c.to),
            safeText(c.state),
            ago(now - c.startedAt),
          ]),
        ),
      );
    });
}
