import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { dialNumberSchema, updateExtensionSchema } from '../extensions/extension.schemas.js';
import { ExtensionsService } from '../extensions/extensions.service.js';
import { UuidParamPipe } from '../common/uuid-param.pipe.js';
import { voicemailBoxSchema } from '../voicemail/voicemail.schemas.js';
import { VoicemailService } from '../voicemail/voicemail.service.js';
import { CliError, cliActor, parseOrFail, type CliContext } from './cli-context.js';
import { JSON_HELP, isOn, onOffOption, printResult, type Out } from './cli-options.js';
import { formatTable, safeText } from './table.js';

interface BoxOptions {
  enabled?: string;
  pin?: string | false;
  email?: string;
  maxSeconds?: string;
  maxMessages?: string;
}

type BoxRow = Awaited<ReturnType<VoicemailService['boxes']>>[number];

function service(ctx: CliContext, redis: Awaited<ReturnType<CliContext['redis']>>): VoicemailService {
  return new VoicemailService(
    ctx.prisma,
    { dataDir: ctx.config.dataDir, sipRealm: ctx.config.sip.domain },
    ctx.audit,
    redis,
  );
}

function boxesTable(rows: readonly BoxRow[]): string {
  return formatTable(
    ['NUMBER', 'NAME', 'BOX', 'PIN', 'E-MAIL', 'MESSAGES', 'UNHEARD', 'MAX LENGTH', 'MAX MESSAGES'],
    rows.map((r) => [
      r.number,
      safeText(r.displayName),
      r.box ? (r.box.enabled ? 'on' : 'off') : 'none',
      r.hasPin ? 'set' : 'none',
      safeText(r.box?.email ?? '-'),
      String(r.box?.messages ?? 0),
      String(r.box?.unheard ?? 0),
      r.box ? `${r.box.maxMessageSeconds}s` : '-',
      r.box ? String(r.box.maxMessages) : '-',
    ]),
  );
}

/** `switchboard voicemail …`: the Voicemail page: boxes (on/off, PIN, e-mail, limits) and their messages. */
export function registerVoicemailCommands(program: Command, ctx: () => CliContext, out: Out): void {
  const vm = program.command('voicemail').description('voicemail boxes and messages');
  const voicemail = async () => service(ctx(), await ctx().redis());
  const boxOf = async (number: string): Promise<BoxRow> => {
    const wanted = parseOrFail(dialNumberSchema, number);
    const row = (await (await voicemail()).boxes()).find((b) => b.number === wanted);
    if (!row) throw new CliError(`no extension ${number}`);
    return row;
  };
  const messageId = (id: string) => new UuidParamPipe('message-id').transform(id);

  vm.command('list')
    .description('every extension with its box state, PIN, e-mail and message counts')
    .option('--json', JSON_HELP)
    .action(async (opts: { json?: boolean }) => {
      const rows = await (await voicemail()).boxes();
      printResult(out, opts.json, rows, () => (rows.length === 0 ? 'no extensions\n' : boxesTable(rows)));
    });

  vm.command('show <extension>')
    .description("one extension's box")
    .option('--json', JSON_HELP)
    .action(async (number: string, opts: { json?: boolean }) => {
      const row = await boxOf(number);
      printResult(out, opts.json, row, () => boxesTable([row]));
    });

  vm.command('set <extension>')
    .description('create or change the box (only the options given; a box is created when missing)')
    .addOption(onOffOption('--enabled <on|off>', 'off keeps the messages but takes no new ones'))
    .option('--pin <pin>', 'PIN for listening from a phone (4 to 12 digits)')
    .option('--no-pin', 'remove the PIN (no remote access)')
    .option('--email <address>', 'e-mail for new messages ("" = none)')
    .option('--max-seconds <n>', 'longest message in seconds (10-3600)')
    .option('--max-messages <n>', 'messages kept at most (1-10000)')
    .action(async (number: string, opts: BoxOptions) => {
      const row = await boxOf(number);
      const boxGiven = [opts.enabled, opts.email, opts.maxSeconds, opts.maxMessages].some(
        (o) => o !== undefined,
      );
      if (!boxGiven && opts.pin === undefined) {
        throw new CliError(
          'nothing to change: give --enabled, --pin/--no-pin, --email, --max-seconds or --max-messages',
        );
      }
      // Validate everything before changing anything.
      const pin =
        opts.pin === undefined
          ? undefined
          : parseOrFail(updateExtensionSchema, { voicemailPin: opts.pin === false ? null : opts.pin });
      const box = parseOrFail(voicemailBoxSchema, {
        enabled: isOn(opts.enabled) ?? row.box?.enabled,
        email: opts.email === undefined ? row.box?.email : opts.email || null,
        maxMessageSeconds:
          opts.maxSeconds === undefined ? row.box?.maxMessageSeconds : Number(opts.maxSeconds),
        maxMessages: opts.maxMessages === undefined ? row.box?.maxMessages : Number(opts.maxMessages),
      });
      if (pin !== undefined) {
        const extensions = new ExtensionsService(
          ctx().prisma,
          { sipRealm: ctx().config.sip.domain, dataDir: ctx().config.dataDir },
          ctx().audit,
        );
        // The extension keeps the PIN (and creates an enabled box for a first PIN, as its form does).
        await extensions.update(cliActor, row.extensionId, pin);
      }
      if (boxGiven) await (await voicemail()).upsertBox(cliActor, row.extensionId, box);
      out(boxesTable([await boxOf(number)]));
    });

  vm.command('messages <extension>')
    .description('messages in the box, newest first (ids for delete, export, mark-heard)')
    .option('--json', JSON_HELP)
    .action(async (number: string, opts: { json?: boolean }) => {
      const row = await boxOf(number);
      const messages = row.box ? await (await voicemail()).messages(row.box.id) : [];
      printResult(out, opts.json, messages, () =>
        messages.length === 0
          ? `no messages for ${number}\n`
          : formatTable(
              ['RECEIVED', 'FROM', 'LENGTH', 'HEARD', 'ID'],
              messages.map((m) => [
                m.createdAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
                safeText(m.callerName ? `${m.callerName} <${m.callerNumber}>` : m.callerNumber),
                `${m.durationSeconds}s`,
                m.heard ? 'yes' : 'no',
                m.id,
              ]),
            ),
      );
    });

  vm.command('mark-heard <message-id>')
    .description("mark a message heard (or unheard), updating the phone's message-waiting light")
    .option('--unheard', 'mark it unheard instead')
    .action(async (id: string, opts: { unheard?: boolean }) => {
      await (await voicemail()).markHeard(cliActor, messageId(id), !opts.unheard);
      out(`message ${id} marked ${opts.unheard ? 'unheard' : 'heard'}\n`);
    });

  vm.command('delete <message-id>')
    .description('delete a message and its recording')
    .action(async (id: string) => {
      await (await voicemail()).remove(cliActor, messageId(id));
      out(`deleted message ${id}\n`);
    });

  vm.command('export <message-id> <file>')
    .description("write a message's recording (WAV) to a file")
    .action(async (id: string, file: string) => {
      const { stream, size } = await (await voicemail()).audio(messageId(id));
      await pipeline(stream, createWriteStream(file, { flags: 'wx' })).catch((error: unknown) => {
        throw new CliError(
          error instanceof Error && 'code' in error && error.code === 'EEXIST'
            ? `${file} exists already`
            : `cannot write ${file}: ${error instanceof Error ? error.message : String(error)}`,
        );
      });
      out(`wrote ${size} bytes to ${file}\n`);
    });
}
