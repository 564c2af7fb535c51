import type { Command } from 'commander';
import {
  createTrunkSchema,
  trunkCallerIdModes,
  trunkDidSources,
  trunkTransports,
  updateTrunkSchema,
  type TrunkView,
} from '../trunks/trunk.schemas.js';
import { TrunksService } from '../trunks/trunks.service.js';
import { CliError, cliActor, parseOrFail, type CliContext } from './cli-context.js';
import { JSON_HELP, isOn, onOffOption, printResult, splitList, type Out } from './cli-options.js';
import { formatTable, safeText } from './table.js';

/** The options `add` and `edit` share; `edit` changes only those given. */
interface TrunkOptions {
  host?: string;
  port?: string;
  transport?: string;
  proxy?: string;
  username?: string;
  passwordEnv?: string;
  noPassword?: boolean;
  register?: string;
  expiry?: string;
  fromUser?: string;
  fromDomain?: string;
  did?: string;
  callerId?: string;
  callerIdNumber?: string;
  privacy?: string;
  codecs?: string;
  maxCalls?: string;
  sources?: string;
  enabled?: string;
  name?: string;
}

function withFieldOptions(command: Command): Command {
  return command
    .option('--port <port>', 'provider port (default: RFC 3263 lookup)')
    .option('--transport <t>', trunkTransports.join(' | '))
    .option('--proxy <host[:port]>', 'outbound proxy ("" = none)')
    .option('--username <user>', 'digest username ("" = none: IP-authenticated trunk)')
    .option(
      '--password-env <VAR>',
      'read the digest password from this environment variable (never from the command line)',
    )
    .option('--no-password', 'remove the stored password')
    .addOption(onOffOption('--register <on|off>', 'send REGISTER to the provider'))
    .option('--expiry <seconds>', 'registration expiry asked for (60-86400)')
    .option('--from-user <user>', 'From user ("" = the username)')
    .option('--from-domain <domain>', 'From domain ("" = the host)')
    .option('--did <where>', `where inbound calls carry the DID: ${trunkDidSources.join(' | ')}`)
    .option('--caller-id <mode>', `caller ID headers: ${trunkCallerIdModes.join(' | ')}`)
    .option('--caller-id-number <number>', 'default caller number on this trunk ("" = none)')
    .addOption(onOffOption('--privacy <on|off>', 'anonymous calls carry Privacy: id'))
    .option('--codecs <list>', 'allowed codecs in order, e.g. PCMA,PCMU ("" = all)')
    .option('--max-calls <n>', 'concurrent calls on the trunk ("" = no limit)')
    .option('--sources <list>', 'inbound source IPs/CIDRs, e.g. 192.0.2.10,198.51.100.0/24 ("" = none)')
    .addOption(onOffOption('--enabled <on|off>', 'a disabled trunk neither registers nor carries calls'));
}

/** The API body of the options given (left to the API's schema to validate). */
function inputOf(opts: TrunkOptions): Record<string, unknown> {
  const given = <T>(value: string | undefined, map: (v: string) => T) =>
    value === undefined ? undefined : map(value);
  const orNull = (v: string): string | null => v || null;
  const fields: Record<string, unknown> = {
    name: opts.name,
    host: opts.host,
    port: given(opts.port, (v) => (v ? Number(v) : null)),
    transport: opts.transport,
    outboundProxy: given(opts.proxy, orNull),
    authUsername: given(opts.username, orNull),
    password: passwordOf(opts),
    register: isOn(opts.register),
    registerExpiry: given(opts.expiry, Number),
    fromUser: given(opts.fromUser, orNull),
    fromDomain: given(opts.fromDomain, orNull),
    didSource: opts.did,
    callerIdMode: opts.callerId,
    callerIdNumber: given(opts.callerIdNumber, orNull),
    sendPrivacy: isOn(opts.privacy),
    codecs: given(opts.codecs, splitList),
    maxConcurrentCalls: given(opts.maxCalls, (v) => (v ? Number(v) : null)),
    inboundSources: given(opts.sources, splitList),
    enabled: isOn(opts.enabled),
  };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}

/** commander's `--no-password` sets `password: false`; `--password-env` names where the secret is. */
function passwordOf(opts: TrunkOptions & { password?: boolean }): string | null | undefined {
  if (opts.password === false) return null;
  if (opts.passwordEnv === undefined) return undefined;
  const value = process.env[opts.passwordEnv];
  if (!value) throw new CliError(`environment variable ${opts.passwordEnv} is empty or not set`);
  return value;
}

/** One line of registration state: registered until …, failing with the last response, or off. */
export function registrationText(t: TrunkView): string {
  if (!t.enabled) return 'trunk disabled';
  if (!t.register) return 'off';
  const r = t.registration;
  if (!r) return 'not reported yet';
  const at = (ms: number | undefined) => (ms === undefined ? '?' : new Date(ms).toISOString());
  switch (r.state) {
    case 'registered':
      return `registered until ${at(r.registeredUntil)}`;
    case 'failing':
      return `failing: ${r.lastStatus ?? 'no answer'} ${safeText(r.lastReason ?? '')} at ${at(r.lastResponseAt)}, ${r.failures} failure(s), next try ${at(r.nextAttemptAt)}`;
    default:
      return r.state;
  }
}

function describeTrunk(t: TrunkView): string {
  return formatTable(
    ['FIELD', 'VALUE'],
    [
      ['name', t.name],
      ['enabled', t.enabled ? 'yes' : 'no'],
      ['host', `${t.host}${t.port !== null ? `:${t.port}` : ''} (${t.transport})`],
      ['outbound proxy', t.outboundProxy ?? 'none'],
      ['username', t.authUsername ?? 'none (IP-authenticated)'],
      ['password', t.hasPassword ? 'set' : 'none'],
      ['register', t.register ? `on, ${t.registerExpiry}s` : 'off'],
      ['registration', registrationText(t)],
      ['from', `${t.fromUser ?? t.authUsername ?? ''}@${t.fromDomain ?? t.host}`],
      ['DID in', t.didSource],
      [
        'caller ID',
        `${t.callerIdMode}${t.callerIdNumber ? ` ${t.callerIdNumber}` : ''}, privacy ${t.sendPrivacy ? 'on' : 'off'}`,
      ],
      ['codecs', t.codecs.join(',') || 'all'],
      ['max calls', t.maxConcurrentCalls === null ? 'no limit' : String(t.maxConcurrentCalls)],
      ['inbound sources', t.inboundSources.join(', ') || 'none'],
    ],
  );
}

export function registerTrunkCommands(program: Command, ctx: () => CliContext, out: Out): void {
  const trunk = program
    .command('trunk')
    .description('manage SIP trunks (providers) and see their registration');
  const service = async () => new TrunksService(ctx().prisma, await ctx().redis(), ctx().audit, ctx().config);

  withFieldOptions(trunk.command('add <name> <host>').description('create a trunk')).action(
    async (name: string, host: string, opts: TrunkOptions) => {
      const input = parseOrFail(createTrunkSchema, { ...inputOf(opts), name, host });
      const t = await (await service()).create(cliActor, input);
      out(`created trunk ${t.name} (${t.host})\n`);
    },
  );

  withFieldOptions(
    trunk
      .command('edit <name>')
      .description('change a trunk (only the options given); running registrations follow')
      .option('--name <newName>', 'new name')
      .option('--host <host>', 'provider host or domain'),
  ).action(async (name: string, opts: TrunkOptions) => {
    const svc = await service();
    const current = await svc.findByName(name);
    const input = parseOrFail(updateTrunkSchema, inputOf(opts));
    if (Object.keys(input).length === 0) throw new CliError('nothing to change: give at least one option');
    const t = await svc.update(cliActor, current.id, input);
    out(`updated trunk ${t.name}\n`);
  });

  trunk
    .command('show <name>')
    .description('one trunk with its registration status (never its password)')
    .option('--json', JSON_HELP)
    .action(async (name: string, opts: { json?: boolean }) => {
      const t = await (await service()).findByName(name);
      printResult(out, opts.json, t, () => describeTrunk(t));
    });

  trunk
    .command('remove <name>')
    .description('delete a trunk (its registration is removed)')
    .action(async (name: string) => {
      const svc = await service();
      await svc.remove(cliActor, (await svc.findByName(name)).id);
      out(`removed trunk ${name}\n`);
    });

  const list = (statusOnly: boolean) => async (opts: { json?: boolean }) => {
    const trunks = await (await service()).list();
    printResult(out, opts.json, trunks, () =>
      trunks.length === 0
        ? 'no trunks\n'
        : statusOnly
          ? formatTable(
              ['NAME', 'REGISTRATION'],
              trunks.map((t) => [t.name, registrationText(t)]),
            )
          : formatTable(
              ['NAME', 'ENABLED', 'HOST', 'TRANSPORT', 'USERNAME', 'REGISTRATION'],
              trunks.map((t) => [
                t.name,
                t.enabled ? 'yes' : 'no',
                `${t.host}${t.port !== null ? `:${t.port}` : ''}`,
                t.transport,
                t.authUsername ?? '',
                registrationText(t),
              ]),
            ),
    );
  };
  trunk.command('list').description('list trunks').option('--json', JSON_HELP).action(list(false));
  trunk
    .command('status')
    .description('registration status of every trunk: registered until, or failing with the last response')
    .option('--json', JSON_HELP)
    .action(list(true));
}
