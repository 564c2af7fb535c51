import type { Command } from 'commander';
import type { ActiveCall } from '@switchboard/live-state';
import {
  callFilterSchema,
  callHistoryQuerySchema,
  directions,
  dispositions,
} from '../calls/call-history.schemas.js';
import { CallHistoryService, type CallRecordView } from '../calls/call-history.service.js';
import { UuidParamPipe } from '../common/uuid-param.pipe.js';
import { CallHangupService } from '../live/call-hangup.service.js';
import { LiveStateReader } from '../live/live-state.reader.js';
import { cliActor, parseOrFail, type CliContext } from './cli-context.js';
import { JSON_HELP, printResult, type Out } from './cli-options.js';
import { shortDuration } from './registration-commands.js';
import { formatTable, safeText } from './table.js';

interface HistoryOptions {
  from?: string;
  to?: string;
  number?: string;
  disposition?: string;
  direction?: string;
  page: string;
  pageSize: string;
  json?: boolean;
  csv?: boolean;
}

const party = (uri: string, name?: string | null) => safeText(name ? `${name} <${uri}>` : uri);

function activeCallsTable(calls: readonly ActiveCall[], now = Date.now()): string {
  if (calls.length === 0) return 'no active calls\n';
  return formatTable(
    ['ID', 'FROM', 'TO', 'STATE', 'DURATION'],
    calls.map((c) => [
      safeText(c.id),
      party(c.from, c.fromDisplayName),
      party(c.to, c.toDisplayName),
      safeText(c.state),
      shortDuration(now - c.startedAt),
    ]),
  );
}

/** Prints the calls in progress (`call live`, `show calls`). */
export async function printLiveCalls(ctx: CliContext, out: Out, json?: boolean): Promise<void> {
  const calls = await new LiveStateReader(await ctx.redis()).activeCalls();
  printResult(out, json, calls, () => activeCallsTable(calls));
}

function historyTable(page: { items: CallRecordView[]; total: number; page: number; pageSize: number }) {
  if (page.items.length === 0) return 'no calls\n';
  const pages = Math.max(1, Math.ceil(page.total / page.pageSize));
  return (
    formatTable(
      ['STARTED', 'FROM', 'TO', 'ANSWERED BY', 'DURATION', 'DISPOSITION', 'ID'],
      page.items.map((c) => [
        c.startedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
        party(c.callerNumber, c.callerName),
        safeText(c.calleeNumber),
        safeText(c.answeredBy ?? '-'),
        c.durationSeconds === null ? '-' : `${c.durationSeconds}s`,
        c.disposition + (c.hangupCause ? ` (${safeText(c.hangupCause)})` : ''),
        c.id,
      ]),
    ) + `page ${page.page} of ${pages} (${page.total} calls)\n`
  );
}

/** `switchboard call …`: call history (the Calls page) and live calls (the Live page). */
export function registerCallCommands(program: Command, ctx: () => CliContext, out: Out): void {
  const call = program.command('call').alias('calls').description('call history and live calls');

  call
    .command('list')
    .description("call history, newest first (`switchboard trace <id>` shows one call's SIP ladder)")
    .option('--from <date>', 'calls started at or after this date (YYYY-MM-DD) or ISO 8601 time')
    .option('--to <date>', 'calls started before this time (a bare date: up to the end of that day)')
    .option('--number <digits>', 'caller or callee number contains this')
    .option('--disposition <d>', dispositions.join(' | '))
    .option('--direction <d>', directions.join(' | '))
    .option('--page <n>', 'page number', '1')
    .option('--page-size <n>', 'calls per page (1-200)', '25')
    .option('--json', JSON_HELP)
    .option('--csv', 'print every matching call as CSV (the Calls page export), ignoring --page')
    .action(async (opts: HistoryOptions) => {
      const history = new CallHistoryService(ctx().prisma);
      const filter = {
        from: opts.from,
        to: opts.to,
        number: opts.number,
        disposition: opts.disposition,
        direction: opts.direction,
      };
      if (opts.csv) {
        for await (const chunk of history.csv(parseOrFail(callFilterSchema, filter))) out(chunk);
        return;
      }
      const query = parseOrFail(callHistoryQuerySchema, {
        ...filter,
        page: opts.page,
        pageSize: opts.pageSize,
      });
      const page = await history.page(query);
      printResult(out, opts.json, page, () => historyTable(page));
    });

  call
    .command('live')
    .description('calls in progress (the id is what `call hangup` takes)')
    .option('--json', JSON_HELP)
    .action((opts: { json?: boolean }) => printLiveCalls(ctx(), out, opts.json));

  call
    .command('hangup <call-id>')
    .description('end a live call: the signalling process holding it sends BYE/CANCEL on every leg')
    .action(async (id: string) => {
      const callId = new UuidParamPipe('call-id').transform(id);
      const redis = await ctx().redis();
      const hangups = new CallHangupService(redis, new LiveStateReader(redis), ctx().audit);
      try {
        const result = await hangups.hangUp(cliActor, callId);
        out(`call ${result.callId} ended${result.node ? ` by ${safeText(result.node)}` : ''}\n`);
      } finally {
        await hangups.onApplicationShutdown();
      }
    });
}
