import type { Command } from 'commander';
import {
  createExtensionSchema,
  dialNumberSchema,
  digestAlgorithmsTextSchema,
  sipPasswordSchema,
  updateExtensionSchema,
} from '../extensions/extension.schemas.js';
import { ExtensionsService } from '../extensions/extensions.service.js';
import { CliError, cliActor, parseOrFail, type CliContext } from './cli-context.js';
import { JSON_HELP, isOn, onOffOption, printResult, splitList, type Out } from './cli-options.js';
import { formatTable, safeText } from './table.js';

const MEDIA_HELP = 'media mode of its calls: inherit (global setting), relay, direct or auto';
const SRTP_HELP = 'SDES-SRTP policy: required (plain RTP refused), optional or off';

const CLASS_HELP = 'widest outside numbers it may dial: internal, local, national or international';
const EXTERNAL_HELP = 'caller ID on its outside calls, E.164 (e.g. +493012345100; "" = none)';
const OUTSIDE_HELP = 'most outside calls at once (0 = no limit)';
const PICKUP_GROUPS_HELP = 'call pickup groups, e.g. sales,support ("" or none = no group)';
const MOH_CLASS_HELP =
  'music-on-hold class the parties it holds or parks hear: a directory under <data dir>/moh (default = the default class)';
const DIRECTED_PICKUP_HELP =
  'others may pick up its ringing calls with **<number> (off: its pickup groups only)';

interface MediaOptions {
  media?: string;
  srtp?: string;
  dialClass?: string;
  externalNumber?: string;
  maxOutsideCalls?: string;
  pickupGroups?: string;
  directedPickup?: string;
  mohClass?: string;
}

/** The media, outside-call, pickup and music-on-hold options given, left for the schema to validate (its message names the field). */
function mediaInput(opts: MediaOptions): Record<string, unknown> {
  return {
    ...(opts.media !== undefined ? { mediaMode: opts.media } : {}),
    ...(opts.srtp !== undefined ? { srtpPolicy: opts.srtp } : {}),
    ...(opts.dialClass !== undefined ? { dialClass: opts.dialClass } : {}),
    ...(opts.externalNumber !== undefined ? { externalNumber: opts.externalNumber || null } : {}),
    ...(opts.maxOutsideCalls !== undefined ? { maxExternalCalls: Number(opts.maxOutsideCalls) } : {}),
    ...(opts.pickupGroups !== undefined
      ? {
          pickupGroups: opts.pickupGroups.trim().toLowerCase() === 'none' ? [] : splitList(opts.pickupGroups),
        }
      : {}),
    ...(opts.directedPickup !== undefined ? { directedPickup: isOn(opts.directedPickup) } : {}),
    ...(opts.mohClass !== undefined ? { mohClass: opts.mohClass } : {}),
  };
}

function service(ctx: CliContext): ExtensionsService {
  return new ExtensionsService(
    ctx.prisma,
    { sipRealm: ctx.config.sip.domain, dataDir: ctx.config.dataDir },
    ctx.audit,
  );
}

async function idOf(ctx: CliContext, number: string): Promise<string> {
  const ext = await service(ctx).findByNumber(parseOrFail(dialNumberSchema, number));
  if (!ext) throw new CliError(`no extension ${number}`);
  return ext.id;
}

export function registerExtensionCommands(program: Command, ctx: () => CliContext, out: Out): void {
  const ext = program.command('extension').description('manage extensions (phone lines)');

  ext
    .command('add <number> <displayName>')
    .description('create an extension; prints the generated SIP password once')
    .option('--password <password>', 'use this SIP password instead of a generated one')
    .option('--max-calls <n>', 'maximum concurrent calls', '2')
    .option('--disabled', 'create it disabled')
    .option('--digest <algorithms>', 'digest algorithms offered, e.g. MD5 or SHA-256,MD5 (default: global)')
    .option('--media <mode>', MEDIA_HELP)
    .option('--srtp <policy>', SRTP_HELP)
    .option('--dial-class <class>', CLASS_HELP)
    .option('--external-number <number>', EXTERNAL_HELP)
    .option('--max-outside-calls <n>', OUTSIDE_HELP)
    .option('--pickup-groups <names>', PICKUP_GROUPS_HELP)
    .addOption(onOffOption('--directed-pickup <on|off>', DIRECTED_PICKUP_HELP))
    .option('--moh-class <class>', MOH_CLASS_HELP)
    .action(
      async (
        number: string,
        displayName: string,
        opts: MediaOptions & { password?: string; maxCalls: string; disabled?: boolean; digest?: string },
      ) => {
        const input = parseOrFail(createExtensionSchema, {
          number,
          displayName,
          enabled: !opts.disabled,
          maxConcurrentCalls: Number(opts.maxCalls),
          ...(opts.digest !== undefined
            ? { digestAlgorithms: parseOrFail(digestAlgorithmsTextSchema, opts.digest) }
            : {}),
          ...(opts.password !== undefined ? { sipPassword: opts.password } : {}),
          ...mediaInput(opts),
        });
        const { extension, sipPassword } = await service(ctx()).create(cliActor, input);
        out(`created extension ${extension.number} (${safeText(extension.displayName)})\n`);
        if (sipPassword) out(`SIP password (shown once): ${sipPassword}\n`);
      },
    );

  for (const [name, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    ext
      .command(`${name} <number>`)
      .description(`${name} an extension (a disabled one cannot register or be called)`)
      .action(async (number: string) => {
        const id = await idOf(ctx(), number);
        await service(ctx()).update(cliActor, id, { enabled });
        out(`extension ${number} ${enabled ? 'enabled' : 'disabled'}\n`);
      });
  }

  ext
    .command('edit <number>')
    .description('change an extension (only the options given), including its voicemail box')
    .option('--name <displayName>', 'display name')
    .option('--number <newNumber>', 'new number (clears the SIP password: set a new one)')
    .option('--max-calls <n>', 'maximum concurrent calls')
    .option('--pin <pin>', 'voicemail PIN (4 to 12 digits; creates the box if missing)')
    .option('--no-pin', 'remove the voicemail PIN')
    .option('--voicemail <on|off>', 'voicemail box on or off')
    .option('--email <address>', 'e-mail for new voicemail messages ("" = none)')
    .option('--media <mode>', MEDIA_HELP)
    .option('--srtp <policy>', SRTP_HELP)
    .option('--digest <algorithms>', 'digest algorithms offered, e.g. MD5 or SHA-256,MD5, or default')
    .addOption(onOffOption('--record <on|off>', 'record the calls it makes or answers'))
    .addOption(onOffOption('--enabled <on|off>', 'a disabled extension cannot register or be called'))
    .option('--dial-class <class>', CLASS_HELP)
    .option('--external-number <number>', EXTERNAL_HELP)
    .option('--max-outside-calls <n>', OUTSIDE_HELP)
    .option('--pickup-groups <names>', PICKUP_GROUPS_HELP)
    .addOption(onOffOption('--directed-pickup <on|off>', DIRECTED_PICKUP_HELP))
    .option('--moh-class <class>', MOH_CLASS_HELP)
    .action(
      async (
        number: string,
        opts: MediaOptions & {
          digest?: string;
          record?: string;
          enabled?: string;
          name?: string;
          number?: string;
          maxCalls?: string;
          pin?: string | false;
          voicemail?: string;
          email?: string;
        },
      ) => {
        const id = await idOf(ctx(), number);
        if (opts.voicemail !== undefined && opts.voicemail !== 'on' && opts.voicemail !== 'off') {
          throw new CliError('voicemail: must be on or off');
        }
        const before = await service(ctx()).get(id);
        const voicemailChanged = opts.voicemail !== undefined || opts.email !== undefined;
        const input = parseOrFail(updateExtensionSchema, {
          ...(opts.name !== undefined ? { displayName: opts.name } : {}),
          ...(opts.number !== undefined ? { number: opts.number } : {}),
          ...(opts.maxCalls !== undefined ? { maxConcurrentCalls: Number(opts.maxCalls) } : {}),
          ...(opts.pin === false
            ? { voicemailPin: null }
            : opts.pin !== undefined
              ? { voicemailPin: opts.pin }
              : {}),
          ...mediaInput(opts),
          ...(opts.digest !== undefined
            ? { digestAlgorithms: parseOrFail(digestAlgorithmsTextSchema, opts.digest) }
            : {}),
          ...(opts.record !== undefined ? { recordCalls: isOn(opts.record) } : {}),
          ...(opts.enabled !== undefined ? { enabled: isOn(opts.enabled) } : {}),
          ...(voicemailChanged
            ? {
                voicemail: {
                  enabled:
                    opts.voicemail === undefined
                      ? (before.voicemail?.enabled ?? true)
                      : opts.voicemail === 'on',
                  email: opts.email === undefined ? (before.voicemail?.email ?? null) : opts.email || null,
                },
              }
            : {}),
        });
        const after = await service(ctx()).update(cliActor, id, input);
        const vm = after.voicemail ? (after.voicemail.enabled ? 'on' : 'off') : 'none';
        out(
          `updated extension ${after.number} (${safeText(after.displayName)}); voicemail ${vm}; ` +
            `media ${after.mediaMode}; srtp ${after.srtpPolicy}; dial class ${after.dialClass}\n`,
        );
      },
    );

  ext
    .command('list')
    .description('list extensions')
    .option('--search <text>', 'filter by number or name')
    .option('--json', JSON_HELP)
    .action(async (opts: { search?: string; json?: boolean }) => {
      const items = await service(ctx()).list(opts.search ? { search: opts.search } : {});
      if (opts.json) return out(JSON.stringify(items, null, 2) + '\n');
      if (items.length === 0) return out('no extensions\n');
      out(
        formatTable(
          ['NUMBER', 'NAME', 'ENABLED', 'MAX CALLS', 'SIP PASSWORD', 'DIGEST', 'MEDIA', 'SRTP', 'DIAL CLASS'],
          items.map((e) => [
            e.number,
            safeText(e.displayName),
            e.enabled ? 'yes' : 'no',
            String(e.maxConcurrentCalls),
            e.hasSipPassword ? 'set' : 'none',
            e.digestAlgorithms.length > 0 ? e.digestAlgorithms.join(',') : 'default',
            e.mediaMode,
            e.srtpPolicy,
            e.dialClass,
          ]),
        ),
      );
    });

  ext
    .command('show <number>')
    .description('one extension with its voicemail box, follow-me state and registrations')
    .option('--json', JSON_HELP)
    .action(async (number: string, opts: { json?: boolean }) => {
      const e = await service(ctx()).get(await idOf(ctx(), number));
      const vm = e.voicemail
        ? `${e.voicemail.enabled ? 'on' : 'off'}, e-mail ${safeText(e.voicemail.email ?? 'none')}, ` +
          `${e.voicemail.messages} message(s), ${e.voicemail.unheard} unheard`
        : 'none';
      printResult(out, opts.json, e, () =>
        formatTable(
          ['FIELD', 'VALUE'],
          [
            ['number', e.number],
            ['name', safeText(e.displayName)],
            ['enabled', e.enabled ? 'yes' : 'no'],
            ['max calls', String(e.maxConcurrentCalls)],
            ['SIP password', e.hasSipPassword ? 'set' : 'none'],
            ['digest', e.digestAlgorithms.join(',') || 'default'],
            ['media', e.mediaMode],
            ['srtp', e.srtpPolicy],
            ['record calls', e.recordCalls ? 'yes' : 'no'],
            ['voicemail', vm],
            ['voicemail PIN', e.hasVoicemailPin ? 'set' : 'none'],
            ['follow-me', e.followMeEnabled ? 'on' : 'off'],
            ['pickup groups', e.pickupGroups.join(',') || 'none'],
            ['directed pickup', e.directedPickup ? 'anyone' : 'pickup groups only'],
            ['music on hold', e.mohClass ?? 'default'],
          ],
        ),
      );
    });

  ext
    .command('remove <number>')
    .description('delete an extension')
    .action(async (number: string) => {
      await service(ctx()).remove(cliActor, await idOf(ctx(), number));
      out(`removed extension ${number}\n`);
    });

  ext
    .command('set-digest <number> <algorithms>')
    .description('digest algorithms offered to this phone, in order: MD5, SHA-256, SHA-256,MD5 or default')
    .action(async (number: string, algorithms: string) => {
      const digestAlgorithms = parseOrFail(digestAlgorithmsTextSchema, algorithms);
      await service(ctx()).update(cliActor, await idOf(ctx(), number), { digestAlgorithms });
      out(
        `digest algorithms of ${number}: ${digestAlgorithms.length > 0 ? digestAlgorithms.join(', ') : 'the global setting'}\n`,
      );
    });

  ext
    .command('set-password <number>')
    .description('set the SIP password (generated and printed once unless --password is given)')
    .option('--password <password>', 'the new SIP password')
    .action(async (number: string, opts: { password?: string }) => {
      const password =
        opts.password === undefined ? undefined : parseOrFail(sipPasswordSchema, opts.password);
      const plain = await service(ctx()).setSipPassword(cliActor, await idOf(ctx(), number), password);
      out(
        opts.password === undefined
          ? `SIP password (shown once): ${plain}\n`
          : `SIP password of ${number} set\n`,
      );
    });
}
