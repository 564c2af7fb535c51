import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { createIvrMenuSchema, updateIvrMenuSchema, type IvrMenuView } from '../ivr-menus/ivr-menu.schemas.js';
import { IvrMenuGreetingsService } from '../ivr-menus/ivr-menu-greetings.service.js';
import { IvrMenusService } from '../ivr-menus/ivr-menus.service.js';
import { CliError, cliActor, parseOrFail, type CliContext } from './cli-context.js';
import { JSON_HELP, isOn, onOffOption, printResult, type Out } from './cli-options.js';
import { formatTable } from './table.js';

interface MenuOptions {
  name?: string;
  number?: string;
  key?: string[];
  timeout?: string;
  invalid?: string;
  directDial?: string;
  interDigitMs?: string;
  responseMs?: string;
  repeat?: string;
  enabled?: string;
}

const DESTINATION_HELP =
  'extension:<n>, ring_group:<n>, menu:<n>, voicemail:<mailbox>, trunk:<trunk>:<number> or hangup';

/** `kind:target` (trunk:name:number, hangup) → a RouteDestination body, validated by the API's schema. */
export function destinationArg(text: string): Record<string, string> {
  if (text === 'hangup' || text === 'none') return { kind: 'hangup' };
  const [kind, ...rest] = text.split(':');
  if (kind === 'trunk') return { kind, trunk: rest[0] ?? '', target: rest.slice(1).join(':') };
  return { kind: kind ?? '', target: rest.join(':') };
}

/** `1=ring_group:600` → a menu option. */
function keyArg(text: string): { digit: string; destination: Record<string, string> } {
  const eq = text.indexOf('=');
  if (eq < 1) throw new CliError(`--key ${text}: must be KEY=DESTINATION, e.g. 1=ring_group:600`);
  return { digit: text.slice(0, eq), destination: destinationArg(text.slice(eq + 1)) };
}

function withFieldOptions(command: Command): Command {
  return command
    .option(
      '--key <key=destination>',
      `a key and where it goes (repeat; replaces all keys): ${DESTINATION_HELP}`,
      collect,
    )
    .option('--timeout <destination>', 'where the call goes when nothing is pressed (hangup: hang up)')
    .option('--invalid <destination>', 'where the call goes after too many invalid keys (hangup: hang up)')
    .addOption(onOffOption('--direct-dial <on|off>', 'callers may type an extension number'))
    .option('--inter-digit-ms <ms>', 'direct dial: a pause this long ends the number (500-10000)')
    .option('--response-ms <ms>', 'how long to wait for a key after the greeting (1000-60000)')
    .option('--repeat <n>', 'how often the greeting is played again after a timeout or invalid key (0-5)')
    .addOption(onOffOption('--enabled <on|off>', 'a disabled menu answers 480'));
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** The API body of the options given (left to the API's schema to validate). */
function inputOf(opts: MenuOptions): Record<string, unknown> {
  const hangupIsNull = (text: string | undefined) => {
    if (text === undefined) return undefined;
    const d = destinationArg(text);
    return d.kind === 'hangup' ? null : d;
  };
  const fields: Record<string, unknown> = {
    name: opts.name,
    number: opts.number,
    options: opts.key?.map(keyArg),
    timeoutDestination: hangupIsNull(opts.timeout),
    invalidDestination: hangupIsNull(opts.invalid),
    directDial: isOn(opts.directDial),
    interDigitTimeoutMs: opts.interDigitMs === undefined ? undefined : Number(opts.interDigitMs),
    responseTimeoutMs: opts.responseMs === undefined ? undefined : Number(opts.responseMs),
    repeatCount: opts.repeat === undefined ? undefined : Number(opts.repeat),
    enabled: isOn(opts.enabled),
  };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}

function destinationText(d: IvrMenuView['timeoutDestination']): string {
  if (d === null) return 'hangup';
  if (d.kind === 'hangup') return 'hangup';
  return d.kind === 'trunk' ? `trunk:${d.trunk}:${d.target}` : `${d.kind}:${d.target}`;
}

function row(m: IvrMenuView): string[] {
  return [
    m.number ?? '-',
    m.name,
    m.enabled ? 'yes' : 'no',
    m.options.map((o) => `${o.digit}=${destinationText(o.destination)}`).join(' ') || '-',
    m.directDial ? 'on' : 'off',
    destinationText(m.timeoutDestination),
    destinationText(m.invalidDestination),
    String(m.repeatCount),
  ];
}

const HEADERS = ['NUMBER', 'NAME', 'ENABLED', 'KEYS', 'DIRECT', 'TIMEOUT', 'INVALID', 'REPEAT'];

export function registerMenuCommands(program: Command, ctx: () => CliContext, out: Out): void {
  const menu = program
    .command('menu')
    .description('manage auto-attendant (IVR) menus: a greeting, then a key picks the destination');
  const greetings = () =>
    new IvrMenuGreetingsService(ctx().prisma, ctx().audit, { dataDir: ctx().config.dataDir });
  const service = () => new IvrMenusService(ctx().prisma, ctx().audit, greetings());

  withFieldOptions(menu.command('add <number> <name>').description('create a menu')).action(
    async (number: string, name: string, opts: MenuOptions) => {
      const input = parseOrFail(createIvrMenuSchema, { ...inputOf(opts), number, name });
      const m = await service().create(cliActor, input);
      out(`created menu ${m.number ?? m.id} (${m.name})\n`);
    },
  );

  withFieldOptions(
    menu
      .command('edit <number>')
      .description('change a menu (only the options given)')
      .option('--number <newNumber>', 'new number')
      .option('--name <name>', 'new name'),
  ).action(async (number: string, opts: MenuOptions) => {
    const svc = service();
    const current = await svc.findByNumber(number);
    const input = parseOrFail(updateIvrMenuSchema, inputOf(opts));
    if (Object.keys(input).length === 0) throw new CliError('nothing to change: give at least one option');
    const m = await svc.update(cliActor, current.id, input);
    out(`updated menu ${m.number ?? m.id}\n`);
  });

  menu
    .command('show <number>')
    .description('one menu')
    .option('--json', JSON_HELP)
    .action(async (number: string, opts: { json?: boolean }) => {
      const m = await service().findByNumber(number);
      printResult(out, opts.json, m, () => formatTable(HEADERS, [row(m)]));
    });

  menu
    .command('remove <number>')
    .description('delete a menu')
    .action(async (number: string) => {
      const svc = service();
      await svc.remove(cliActor, (await svc.findByNumber(number)).id);
      out(`removed menu ${number}\n`);
    });

  menu
    .command('list')
    .description('list menus')
    .option('--json', JSON_HELP)
    .action(async (opts: { json?: boolean }) => {
      const menus = await service().list();
      printResult(out, opts.json, menus, () =>
        menus.length === 0 ? 'no menus\n' : formatTable(HEADERS, menus.map(row)),
      );
    });

  menu
    .command('greeting <number> <file>')
    .description('upload a WAV as the menu greeting, replacing the current one (16-bit PCM, µ-law or A-law)')
    .action(async (number: string, file: string) => {
      const bytes = await readFile(file).catch((err: unknown) => {
        throw new CliError(`${file}: ${err instanceof Error ? err.message : String(err)}`);
      });
      const m = await service().findByNumber(number);
      const stored = await greetings().upload(cliActor, m.id, { buffer: bytes, originalname: file });
      const notes = stored.conversions.length > 0 ? `, ${stored.conversions.join(', ')}` : '';
      out(`greeting of menu ${number} stored (${(stored.durationMs / 1000).toFixed(1)} s${notes})\n`);
    });

  menu
    .command('greeting-remove <number>')
    .description('remove the uploaded greeting: the menu plays the built-in tones again')
    .action(async (number: string) => {
      const m = await service().findByNumber(number);
      await greetings().remove(cliActor, m.id);
      out(`greeting of menu ${number} removed\n`);
    });
}
