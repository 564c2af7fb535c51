import type { Command } from 'commander';
import {
  createConferenceRoomSchema,
  updateConferenceRoomSchema,
  type ConferenceRoomView,
} from '../conference-rooms/conference-room.schemas.js';
import { ConferenceRoomsService } from '../conference-rooms/conference-rooms.service.js';
import { CliError, cliActor, parseOrFail, type CliContext } from './cli-context.js';
import { JSON_HELP, isOn, onOffOption, printResult, type Out } from './cli-options.js';
import { formatTable } from './table.js';

interface RoomOptions {
  name?: string;
  number?: string;
  pinEnv?: string;
  pin?: boolean;
  max?: string;
  announce?: string;
  enabled?: string;
}

function withFieldOptions(command: Command): Command {
  return command
    .option('--pin-env <VAR>', 'read the room PIN (4-16 digits) from this environment variable')
    .option('--no-pin', 'remove the PIN (anyone who dials the number joins)')
    .option('--max <n>', 'most participants at once (1-32)')
    .addOption(onOffOption('--announce <on|off>', 'a chime when someone joins or leaves'))
    .addOption(onOffOption('--enabled <on|off>', 'a disabled room answers 480'));
}

/** The API body of the options given (left to the API's schema to validate). */
function inputOf(opts: RoomOptions): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    name: opts.name,
    number: opts.number,
    pin: pinOf(opts),
    maxParticipants: opts.max === undefined ? undefined : Number(opts.max),
    announceJoin: isOn(opts.announce),
    enabled: isOn(opts.enabled),
  };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}

/** commander's `--no-pin` sets `pin: false`; a PIN never goes on the command line (shell history). */
function pinOf(opts: RoomOptions): string | null | undefined {
  if (opts.pin === false) return null;
  if (opts.pinEnv === undefined) return undefined;
  const value = process.env[opts.pinEnv];
  if (!value) throw new CliError(`environment variable ${opts.pinEnv} is empty or not set`);
  return value;
}

function row(r: ConferenceRoomView): string[] {
  return [
    r.number,
    r.name,
    r.enabled ? 'yes' : 'no',
    r.hasPin ? 'yes' : 'no',
    String(r.maxParticipants),
    r.announceJoin ? 'on' : 'off',
  ];
}

const HEADERS = ['NUMBER', 'NAME', 'ENABLED', 'PIN', 'MAX', 'ANNOUNCE'];

export function registerConferenceCommands(program: Command, ctx: () => CliContext, out: Out): void {
  const conference = program
    .command('conference')
    .description('manage conference rooms (dial the number to join; keys *6 mute, *# leave)');
  const service = () => new ConferenceRoomsService(ctx().prisma, ctx().audit);

  withFieldOptions(conference.command('add <number> <name>').description('create a room')).action(
    async (number: string, name: string, opts: RoomOptions) => {
      const input = parseOrFail(createConferenceRoomSchema, { ...inputOf(opts), number, name });
      const r = await service().create(cliActor, input);
      out(`created conference room ${r.number} (${r.name})\n`);
    },
  );

  withFieldOptions(
    conference
      .command('edit <number>')
      .description('change a room (only the options given)')
      .option('--number <newNumber>', 'new number')
      .option('--name <name>', 'new name'),
  ).action(async (number: string, opts: RoomOptions) => {
    const svc = service();
    const current = await svc.findByNumber(number);
    const input = parseOrFail(updateConferenceRoomSchema, inputOf(opts));
    if (Object.keys(input).length === 0) throw new CliError('nothing to change: give at least one option');
    const r = await svc.update(cliActor, current.id, input);
    out(`updated conference room ${r.number}\n`);
  });

  conference
    .command('show <number>')
    .description('one room (never its PIN)')
    .option('--json', JSON_HELP)
    .action(async (number: string, opts: { json?: boolean }) => {
      const r = await service().findByNumber(number);
      printResult(out, opts.json, r, () => formatTable(HEADERS, [row(r)]));
    });

  conference
    .command('remove <number>')
    .description('delete a room')
    .action(async (number: string) => {
      const svc = service();
      await svc.remove(cliActor, (await svc.findByNumber(number)).id);
      out(`removed conference room ${number}\n`);
    });

  conference
    .command('list')
    .description('list conference rooms')
    .option('--json', JSON_HELP)
    .action(async (opts: { json?: boolean }) => {
      const rooms = await service().list();
      printResult(out, opts.json, rooms, () =>
        rooms.length === 0 ? 'no conference rooms\n' : formatTable(HEADERS, rooms.map(row)),
      );
    });
}
